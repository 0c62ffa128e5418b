"""A drawing of one Transformer block, with the parameter formula of every part.

embeddings → N × [norm → self-attention → ⊕ residual, norm → MLP → ⊕ residual] → final norm → LM head.
Selecting a module in the tree highlights its box; clicking a box asks the tree to select it.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from playground.core import format as fmt
from playground.ui.architecture.stats import part_formula
from playground.ui.i18n import core_text, translate
from playground.ui.widgets.heatmap import save_png

# Box colors per part (hue), readable on light and dark backgrounds.
PART_COLORS = {
    "embed": "#8e6bd1", "pos_embed": "#8e6bd1", "attn_norm": "#7f8c8d", "mlp_norm": "#7f8c8d",
    "attn": "#e67e22", "mlp": "#2e86de", "final_norm": "#7f8c8d", "lm_head": "#27ae60",
}
ORDER = ["embed", "pos_embed", "attn_norm", "attn", "mlp_norm", "mlp", "final_norm", "lm_head"]
BLOCK_PARTS = {"attn_norm", "attn", "mlp_norm", "mlp"}


class BlockDiagram(QWidget):
    """`set_breakdown(breakdown, title)` draws it; `highlight(part, layer)` marks one part."""

    part_clicked = Signal(str)  # a part key ("attn", "mlp", "block", ...)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("blockDiagram")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self._parts: dict = {}  # key → Part
        self._num_layers = 0
        self._title = translate("BlockDiagram", "No model")
        self._highlight: str | None = None
        self._layer: int | None = None
        self._rects: dict[str, QRectF] = {}

    # ------------------------------------------------------------------ state
    def set_breakdown(self, breakdown, title: str) -> None:
        # the core's labels and formulas, in the UI's language
        self._parts = {p.key: dataclasses.replace(p, label=core_text(p.label), formula=part_formula(p.formula))
                       for p in breakdown.parts} if breakdown is not None else {}
        self._num_layers = breakdown.num_layers if breakdown is not None else 0
        self._title = title
        self.updateGeometry()
        self.update()

    def highlight(self, part: str | None, layer: int | None = None) -> None:
        self._highlight, self._layer = part, layer
        self.update()

    @property
    def highlighted_part(self) -> str | None:
        return self._highlight

    @property
    def highlighted_layer(self) -> int | None:
        return self._layer

    def part_rect(self, key: str) -> QRectF | None:
        """Where a part's box is drawn (widget coordinates); tests click it."""
        self._layout(QRectF(self.rect()))
        return self._rects.get(key)

    def export_png(self, path: str) -> bool:
        image = QImage(self.size() * 2, QImage.Format_ARGB32)
        image.setDevicePixelRatio(2)
        image.fill(self.palette().color(QPalette.Base))
        painter = QPainter(image)
        self._paint(painter, QRectF(self.rect()))
        painter.end()
        return save_png(image, path)

    # ------------------------------------------------------------------ geometry
    def _metrics(self) -> tuple[QFontMetricsF, QFontMetricsF, float]:
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 6))
        return QFontMetricsF(self.font()), QFontMetricsF(small), QFontMetricsF(self.font()).height()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        _, _, lh = self._metrics()
        return QSize(int(lh * 27), int(self._layout(QRectF(0, 0, lh * 27, 1e6), fit=False)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        _, _, lh = self._metrics()
        return QSize(int(lh * 20), int(self._layout(QRectF(0, 0, lh * 20, 1e6), fit=False) * 0.75))

    def _layout(self, area: QRectF, fit: bool = True) -> float:
        """Place every box in `area` (shrinking vertically to fit); return the height used."""
        _, _, lh = self._metrics()
        one, two, gap, circle = lh * 1.5, lh * 2.5, lh * 0.85, lh * 1.1
        natural = lh * 2.0 + 4 * two + 4 * one + 2 * circle + 10 * gap + lh * 2.85
        scale = min(1.0, area.height() / natural) if fit else 1.0
        one, two, gap, circle = one * scale, two * scale, gap * scale, circle * scale
        margin = lh * 0.6
        x0, width = area.left() + margin * 3.5, area.width() - margin * 7
        y = area.top() + lh * 1.8
        rects: dict[str, QRectF] = {}

        def box(key: str, height: float) -> None:
            nonlocal y
            rects[key] = QRectF(x0, y, width, height)
            y += height + gap

        box("embed", two)
        box("pos_embed", one)
        top = y - gap * 0.4
        y += lh * 1.35 * scale  # the frame's header line
        box("attn_norm", one)
        box("attn", two)
        rects["plus1"] = QRectF(x0 + width / 2 - circle / 2, y - gap * 0.6, circle, circle)
        y += circle
        box("mlp_norm", one)
        box("mlp", two)
        rects["plus2"] = QRectF(x0 + width / 2 - circle / 2, y - gap * 0.6, circle, circle)
        y += circle
        rects["block"] = QRectF(x0 - margin * 2.5, top, width + margin * 5, y - top)
        y += gap
        box("final_norm", one)
        box("lm_head", two)
        rects["output"] = QRectF(x0, y - gap * 0.6, width, lh * 1.2)
        self._rects = rects
        return y + lh * 1.2 - area.top()

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        self._paint(painter, QRectF(self.rect()))
        painter.end()

    def _paint(self, p: QPainter, area: QRectF) -> None:
        p.setRenderHint(QPainter.Antialiasing)
        self._layout(area)
        pal = self.palette()
        text, base = pal.color(QPalette.WindowText), pal.color(QPalette.Base)
        p.fillRect(area, base)
        p.setPen(text)
        title_font = QFont(self.font())
        title_font.setBold(True)
        p.setFont(title_font)
        p.drawText(area.adjusted(8, 4, -8, 0), Qt.AlignTop | Qt.AlignHCenter, self._title)
        if not self._parts:
            p.setFont(self.font())
            p.drawText(area, Qt.AlignCenter, self._empty_text())
            return
        self._paint_block_frame(p, text)
        self._paint_arrows(p, text)
        for key in ORDER:
            if key in self._rects and key in self._parts:
                self._paint_box(p, key, text)
        p.setFont(self.font())
        p.setPen(text)
        p.drawText(self._rects["output"], Qt.AlignCenter, self._output_text())

    def _dimmed(self, key: str) -> bool:
        h = self._highlight
        if h is None or h == "model":
            return False
        if h == "block":
            return key not in BLOCK_PARTS and key != "block"
        return key != h

    def _paint_block_frame(self, p: QPainter, text: QColor) -> None:
        rect = self._rects["block"]
        selected = self._highlight == "block"
        color = QColor(self.palette().color(QPalette.Highlight) if selected else text)
        color.setAlpha(255 if selected else 110)
        p.setPen(QPen(color, 3 if selected else 1.2, Qt.SolidLine if selected else Qt.DashLine))
        fill = QColor(self.palette().color(QPalette.Highlight))
        fill.setAlpha(28 if selected else 0)
        p.setBrush(fill)
        p.drawRoundedRect(rect, 10, 10)
        small = QFont(self.font())
        small.setBold(True)
        p.setFont(small)
        p.setPen(text)
        p.drawText(rect.adjusted(12, 5, -12, 0), Qt.AlignTop | Qt.AlignRight, self._block_label())

    def _block_label(self) -> str:
        label = translate("BlockDiagram", "× {n} layers").format(n=self._num_layers)
        if self._layer is not None:
            label = translate("BlockDiagram", "layer {layer} of {n}").format(layer=self._layer, n=self._num_layers)
        per_layer = sum(part.count for part in self._parts.values() if part.per_layer)
        if per_layer:
            label += "  ·  " + translate("BlockDiagram", "{count} per layer").format(count=fmt.count(per_layer))
        return label

    @staticmethod
    def _empty_text() -> str:
        return translate("BlockDiagram", "Load a model or pick a preset to see its parts.")

    @staticmethod
    def _output_text() -> str:
        return translate("BlockDiagram", "→ next-token probabilities (softmax over V)")

    def texts(self) -> list[str]:
        """Every string the diagram draws now (the translation test reads them: painted text has no widget)."""
        if not self._parts:
            return [self._title, self._empty_text()]
        boxes = [text for part in self._parts.values() for text in (part.label, self._formula_line(part))]
        return [self._title, self._block_label(), self._output_text(), *boxes]

    def _formula_line(self, part) -> str:
        if part.per_layer:
            return part.formula + " = " + translate("BlockDiagram", "{count} per layer").format(count=fmt.count(part.count))
        return part.formula

    def _paint_arrows(self, p: QPainter, text: QColor) -> None:
        r = self._rects
        col = QColor(text)
        col.setAlpha(170)
        p.setPen(QPen(col, 1.6))
        p.setBrush(Qt.NoBrush)
        cx = r["attn"].center().x()
        chain = ["embed", "pos_embed", "attn_norm", "attn", "plus1", "mlp_norm", "mlp", "plus2", "final_norm", "lm_head", "output"]
        for a, b in zip(chain, chain[1:]):
            self._arrow(p, QPointF(cx, r[a].bottom()), QPointF(cx, r[b].top()))
        # Residual connections: around the norm + sublayer, into the ⊕.
        left = r["attn"].left() - (r["attn"].left() - r["block"].left()) * 0.55
        for start, plus in (("attn_norm", "plus1"), ("mlp_norm", "plus2")):
            y0 = r[start].top() - (r[start].top() - r["plus1"].bottom()) * 0.5 if start == "mlp_norm" else \
                r[start].top() - (r[start].top() - r["block"].top()) * 0.25
            path = QPainterPath(QPointF(cx, y0))
            path.lineTo(left, y0)
            path.lineTo(left, r[plus].center().y())
            p.drawPath(path)
            self._arrow(p, QPointF(left, r[plus].center().y()), QPointF(r[plus].left(), r[plus].center().y()))
        for plus in ("plus1", "plus2"):
            c = r[plus]
            p.setBrush(self.palette().color(QPalette.Base))
            p.drawEllipse(c)
            p.drawLine(QPointF(c.center().x() - c.width() * 0.3, c.center().y()),
                       QPointF(c.center().x() + c.width() * 0.3, c.center().y()))
            p.drawLine(QPointF(c.center().x(), c.center().y() - c.height() * 0.3),
                       QPointF(c.center().x(), c.center().y() + c.height() * 0.3))

    @staticmethod
    def _arrow(p: QPainter, a: QPointF, b: QPointF) -> None:
        if b.y() - a.y() < 2 and abs(b.x() - a.x()) < 2:
            return
        p.drawLine(a, b)
        d = 5.0
        if abs(b.x() - a.x()) > abs(b.y() - a.y()):  # horizontal
            sign = 1 if b.x() > a.x() else -1
            tips = [QPointF(b.x() - sign * d, b.y() - d * 0.6), QPointF(b.x() - sign * d, b.y() + d * 0.6)]
        else:
            tips = [QPointF(b.x() - d * 0.6, b.y() - d), QPointF(b.x() + d * 0.6, b.y() - d)]
        for tip in tips:
            p.drawLine(b, tip)

    def _paint_box(self, p: QPainter, key: str, text: QColor) -> None:
        rect, part = self._rects[key], self._parts[key]
        selected = self._highlight == key
        hue = QColor(PART_COLORS.get(key, "#888888"))
        fill = QColor(hue)
        fill.setAlpha(235 if selected else 60)
        border = self.palette().color(QPalette.Highlight) if selected else hue
        p.setOpacity(0.35 if self._dimmed(key) else 1.0)
        p.setPen(QPen(border, 3.2 if selected else 1.4))
        p.setBrush(fill)
        p.drawRoundedRect(rect, 7, 7)
        ink = QColor("#ffffff") if selected else text
        p.setPen(ink)
        bold = QFont(self.font())
        bold.setBold(True)
        inner = rect.adjusted(8, 2, -8, -2)
        total = part.count * (self._num_layers if part.per_layer else 1)
        right = fmt.count(total) if total else "0"
        if rect.height() < QFontMetricsF(bold).height() * 1.9:  # one line: short title … formula = count
            value = f"{part.formula} = {fmt.count(part.count)}" if part.count else part.formula
            self._two_sided(p, inner, part.label.split(" (")[0], value, bold)
        else:
            half = inner.height() / 2
            top = QRectF(inner.left(), inner.top(), inner.width(), half)
            self._two_sided(p, top, part.label, right, bold, bold)
            formula = self._formula_line(part)
            bottom = QRectF(inner.left(), inner.top() + half, inner.width(), half)
            self._two_sided(p, bottom, formula, "", self.font())
        p.setOpacity(1.0)

    def _two_sided(self, p: QPainter, rect: QRectF, left: str, right: str, left_font: QFont,
                   right_font: QFont | None = None) -> None:
        """`left` at the left, `right` at the right; the left text is elided if both do not fit."""
        right_font = right_font or self.font()
        right_w = QFontMetricsF(right_font).horizontalAdvance(right) + (8 if right else 0)
        p.setFont(right_font)
        p.drawText(rect, Qt.AlignVCenter | Qt.AlignRight, right)
        p.setFont(left_font)
        room = max(rect.width() - right_w, 10)
        shown = QFontMetricsF(left_font).elidedText(left, Qt.ElideRight, room)
        p.drawText(QRectF(rect.left(), rect.top(), room, rect.height()), Qt.AlignVCenter | Qt.AlignLeft, shown)

    # ------------------------------------------------------------------ interaction
    def _part_at(self, pos: QPointF) -> str | None:
        self._layout(QRectF(self.rect()))
        for key in ORDER:
            if key in self._rects and key in self._parts and self._rects[key].contains(pos):
                return key
        if "block" in self._rects and self._rects["block"].contains(pos):
            return "block"
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        part = self._part_at(event.position())
        if part is not None:
            self.part_clicked.emit(part)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        part = self._part_at(event.position())
        self.setCursor(Qt.PointingHandCursor if part else Qt.ArrowCursor)
        if part in self._parts:
            info = self._parts[part]
            total = info.count * (self._num_layers if info.per_layer else 1)
            tip = f"<b>{info.label}</b><br>{info.formula}"
            if info.numbers:
                tip += f" = {info.numbers}"
            if info.per_layer:
                tip += " = " + translate("BlockDiagram", "{count} per layer<br>× {n} layers = {total}").format(
                    count=fmt.exact(info.count), n=self._num_layers, total=fmt.exact(total))
            else:
                tip += f" = {fmt.exact(info.count)}"
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)
        else:
            QToolTip.hideText()
