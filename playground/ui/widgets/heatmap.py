"""A heatmap you can read: token labels on both axes, exact value on hover, wheel zoom, drag to pan.

Drawn with QPainter from a QImage of one pixel per cell, so zooming in always shows exact cells,
however long the input. Cells a causal model cannot see (above the diagonal) are drawn neutral.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QLinearGradient, QPainter, QPalette, QPen
from PySide6.QtWidgets import QScrollBar, QSizePolicy, QWidget

from playground.ui.i18n import translate

if TYPE_CHECKING:
    import numpy as np

_LUT = None  # numpy is imported on first use: the window appears without it
HINT = QT_TRANSLATE_NOOP("HeatmapView", "Hover for the exact weight · wheel to zoom · drag to pan · double-click to reset")
# The hover line's axis words ("query 3 “the” → key 1 “cat”: 0.25"), shown in the UI's language.
AXIS_WORDS = (QT_TRANSLATE_NOOP("HeatmapView", "query"), QT_TRANSLATE_NOOP("HeatmapView", "key"),
              QT_TRANSLATE_NOOP("HeatmapView", "token"))


def lut() -> np.ndarray:
    """(256, 4) RGBA viridis: dark = little attention, yellow = a lot; readable in light and dark themes."""
    global _LUT
    if _LUT is None:
        import numpy as np
        import pyqtgraph as pg

        rgb = pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256, alpha=False)
        _LUT = np.concatenate([rgb, np.full((256, 1), 255, np.uint8)], axis=1)
    return _LUT


def save_png(image: QImage, path: str) -> bool:
    """Write atomically (core/files.py): a half-written PNG never replaces a good one."""
    from playground.core.files import write_bytes_atomic

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    if not image.save(buffer, "PNG"):
        return False
    buffer.close()
    try:
        write_bytes_atomic(path, bytes(data.data()))
    except OSError:
        return False
    return True


def masked_color() -> QColor:
    return QColor(128, 128, 128, 60)


def colorize(values: np.ndarray, *, boost: bool, causal: bool) -> QImage:
    """(R, C) weights in [0, 1] → an RGBA QImage, one pixel per cell. √ boost shows small weights."""
    import numpy as np

    v = np.clip(np.nan_to_num(values.astype(np.float32, copy=False)), 0.0, 1.0)
    if boost:
        v = np.sqrt(v)
    rgba = lut()[(v * 255).astype(np.uint8)]  # (R, C, 4)
    if causal:  # keys after the query (also whole thumbnail blocks: block-max keeps the diagonal)
        hidden = np.triu(np.ones(v.shape, dtype=bool), k=1)
        m = masked_color()
        rgba[hidden] = (m.red(), m.green(), m.blue(), m.alpha())
    rgba = np.ascontiguousarray(rgba)
    rows, cols = rgba.shape[:2]
    return QImage(rgba.data, cols, rows, cols * 4, QImage.Format_RGBA8888).copy()


@dataclass(frozen=True)
class HeatmapData:
    values: np.ndarray  # (R, C)
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    title: str
    causal: bool = True
    row_axis: str = "query"  # words for the hover line
    col_axis: str = "key"
    row_group: int = 1  # rows per labelled group (e.g. the heads of one layer)
    group_labels: tuple[str, ...] = ()  # one label per group, shown on the axis instead of every row


class HeatmapView(QWidget):
    cell_clicked = Signal(int, int)  # row, column
    cell_hovered = Signal(int, int, float)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self._data: HeatmapData | None = None
        self._image: QImage | None = None
        self._boost = True
        self._window = QRectF()  # visible cells: x = column, y = row
        self._hover: tuple[int, int] | None = None
        self._marked_row: int | None = None
        self._press: QPointF | None = None
        self._dragged = False
        self._empty_text = translate("HeatmapView", "Run some text to see its attention.")
        self._hint = translate("HeatmapView", HINT)
        self._min_row_height = 0.0  # pixels; 0: every row fits the view, however thin
        self._bar = QScrollBar(Qt.Vertical, self, objectName=f"{name}RowScroll")  # rows beyond the view
        self._bar.hide()
        self._bar.valueChanged.connect(self._on_bar_value_changed)

    # ------------------------------------------------------------------ content
    def set_data(self, data: HeatmapData | None, *, keep_view: bool = False) -> None:
        self._data = data
        self._image = colorize(data.values, boost=self._boost, causal=data.causal) if data is not None else None
        if data is not None and not (keep_view and self._window.isValid()):
            self.reset_view()
        self._hover = None
        self.update()

    def set_hint(self, text: str) -> None:
        """The line under the title while nothing is hovered ("" for none); cut with … when narrow."""
        self._hint = text
        self.update()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def data(self) -> HeatmapData | None:
        return self._data

    def set_boost(self, boost: bool) -> None:
        self._boost = boost
        if self._data is not None:
            self.set_data(self._data, keep_view=True)

    def mark_row(self, row: int | None) -> None:
        self._marked_row = row
        self.update()

    def set_min_row_height(self, pixels: float) -> None:
        """Rows never thinner than this: the view shows the rows that fit, a scroll bar reaches the rest
        (270 layer × head rows in 380 px were 1.4 px each). 0: all rows in view."""
        self._min_row_height = pixels
        self.reset_view()

    def reset_view(self) -> None:
        if self._data is not None:
            rows, cols = self._data.values.shape
            self._set_window(QRectF(0, 0, cols, rows))
        self.update()

    def zoom_to(self, rows: tuple[int, int], cols: tuple[int, int]) -> None:
        self._set_window(QRectF(cols[0], rows[0], cols[1] - cols[0], rows[1] - rows[0]))
        self.update()

    def _set_window(self, w: QRectF) -> None:
        """Show the cells `w` (x = column, y = row), no taller than the rows that fit, and sync the bar."""
        if self._data is None:
            self._window = w
            return
        if self._min_row_height > 0:
            fit = max(1.0, self._plot_rect(QRectF(self.rect())).height() / self._min_row_height)
            w = QRectF(w.left(), w.top(), w.width(), min(w.height(), fit))
        self._window = self._clamped(w)
        rows = self._data.values.shape[0]
        hidden = rows - self._window.height()
        self._bar.blockSignals(True)
        self._bar.setRange(0, max(0, math.ceil(hidden - 1e-6)))
        self._bar.setPageStep(max(1, int(self._window.height())))
        self._bar.setValue(round(self._window.top()))
        self._bar.blockSignals(False)
        shown = self._min_row_height > 0 and hidden > 1e-6
        if shown != self._bar.isVisible():
            self._bar.setVisible(shown)
        if shown:
            plot = self._plot_rect(QRectF(self.rect()))
            self._bar.setGeometry(self.width() - self._bar.sizeHint().width(), int(plot.top()),
                                  self._bar.sizeHint().width(), int(plot.height()))

    def _on_bar_value_changed(self, value: int) -> None:
        w = self._window
        self._set_window(QRectF(w.left(), float(value), w.width(), w.height()))
        self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._set_window(self._window)

    def visible_window(self) -> QRectF:
        return QRectF(self._window)

    def hover_text(self) -> str:
        if self._data is None or self._hover is None:
            return ""
        r, c = self._hover
        d = self._data
        row_axis, col_axis = translate("HeatmapView", d.row_axis), translate("HeatmapView", d.col_axis)
        row = f"{row_axis} {r} “{d.row_labels[r]}”" if d.row_axis else d.row_labels[r]
        return f"{row} → {col_axis} {c} “{d.col_labels[c]}”: {float(d.values[r, c]):.4f}"

    def texts(self) -> list[str]:
        """What it paints in words (the title and the hint line, or the empty text), for the UI's tests."""
        if self._data is None:
            return [self._empty_text]
        return [self._data.title, self.hover_text() or self._hint]

    def export_png(self, path: str, size: QSize | None = None) -> bool:
        size = size or QSize(max(self.width(), 640), max(self.height(), 560))
        image = QImage(size * 2, QImage.Format_ARGB32)
        image.setDevicePixelRatio(2)
        image.fill(self.palette().color(QPalette.Base))
        painter = QPainter(image)
        self._paint(painter, QRectF(0, 0, size.width(), size.height()), hover=False)
        painter.end()
        return save_png(image, path)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(520, 480)

    # ------------------------------------------------------------------ geometry
    def _fonts(self) -> tuple[QFont, QFont]:
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 6))
        bold = QFont(self.font())
        bold.setBold(True)
        return small, bold

    def _plot_rect(self, area: QRectF) -> QRectF:
        small, _ = self._fonts()
        fm = QFontMetricsF(small)
        width = min(max((fm.horizontalAdvance(s) for s in self._data.row_labels), default=20), 140) + 10
        height = min(max((fm.horizontalAdvance(s) for s in self._data.col_labels), default=20), 120) + 10
        top = QFontMetricsF(self.font()).height() * 3.0
        bar = self._bar.sizeHint().width() if self._bar.isVisible() else 0
        return QRectF(area.left() + width, area.top() + top, area.width() - width - 58 - bar,
                      area.height() - top - height).normalized()

    def _cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        if self._data is None:
            return None
        plot = self._plot_rect(QRectF(self.rect()))
        if not plot.contains(pos):
            return None
        w = self._window
        col = int(w.left() + (pos.x() - plot.left()) / plot.width() * w.width())
        row = int(w.top() + (pos.y() - plot.top()) / plot.height() * w.height())
        rows, cols = self._data.values.shape
        return (row, col) if 0 <= row < rows and 0 <= col < cols else None

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        self._paint(painter, QRectF(self.rect()), hover=True)
        painter.end()

    def _paint(self, p: QPainter, area: QRectF, *, hover: bool) -> None:
        pal = self.palette()
        p.fillRect(area, pal.color(QPalette.Base))
        p.setPen(pal.color(QPalette.WindowText))
        if self._data is None or self._image is None:
            p.drawText(area, Qt.AlignCenter | Qt.TextWordWrap, self._empty_text)
            return
        plot = self._plot_rect(area)
        _, bold = self._fonts()
        p.setFont(bold)
        title_rect = QRectF(area.left() + 6, area.top() + 2, area.width() - 12, plot.top() - area.top())
        width = title_rect.width()
        p.drawText(title_rect, Qt.AlignTop | Qt.AlignLeft,
                   QFontMetricsF(bold).elidedText(self._data.title, Qt.ElideRight, width))
        p.setFont(self.font())
        line = (self.hover_text() if hover else "") or self._hint
        p.drawText(title_rect, Qt.AlignBottom | Qt.AlignLeft,
                   QFontMetricsF(self.font()).elidedText(line, Qt.ElideRight, width))
        w = self._window
        cell_w, cell_h = plot.width() / max(w.width(), 1e-9), plot.height() / max(w.height(), 1e-9)
        p.setRenderHint(QPainter.SmoothPixmapTransform, cell_w < 1 or cell_h < 1)
        p.drawImage(plot, self._image, w)
        self._paint_marks(p, plot, cell_w, cell_h, hover)
        self._paint_labels(p, plot, cell_w, cell_h)
        self._paint_colorbar(p, QRectF(plot.right() + 14, plot.top(), 14, plot.height()))

    def _paint_marks(self, p: QPainter, plot: QRectF, cell_w: float, cell_h: float, hover: bool) -> None:
        w = self._window
        p.save()
        p.setClipRect(plot)
        p.setBrush(Qt.NoBrush)
        if self._marked_row is not None:
            y = plot.top() + (self._marked_row - w.top()) * cell_h
            p.setPen(QPen(QColor("#ff4d4d"), 2))
            p.drawRect(QRectF(plot.left(), y, plot.width(), max(cell_h, 2)))
        if hover and self._hover is not None:
            r, c = self._hover
            p.setPen(QPen(QColor("#ffffff"), 1.5))
            p.drawRect(QRectF(plot.left() + (c - w.left()) * cell_w, plot.top() + (r - w.top()) * cell_h,
                              max(cell_w, 3), max(cell_h, 3)))
        p.restore()

    def _paint_labels(self, p: QPainter, plot: QRectF, cell_w: float, cell_h: float) -> None:
        small, _ = self._fonts()
        fm = QFontMetricsF(small)
        p.setFont(small)
        p.setPen(self.palette().color(QPalette.WindowText))
        w = self._window
        hover_r, hover_c = self._hover if self._hover else (-1, -1)
        self._paint_row_labels(p, plot, cell_h, hover_r)
        step_c = max(1, math.ceil(fm.height() / max(cell_w, 1e-9)))
        first_c = int(math.floor(w.left()))
        for c in range(first_c - first_c % step_c, int(math.ceil(w.right()))):
            if c < 0 or c >= len(self._data.col_labels) or (c % step_c and c != hover_c):
                continue
            x = plot.left() + (c + 0.5 - w.left()) * cell_w
            if plot.left() - 1 <= x <= plot.right() + 1:
                p.save()
                p.translate(x, plot.bottom() + 4)
                p.rotate(90)
                p.setFont(self._fonts()[1] if c == hover_c else small)
                p.drawText(QRectF(0, -fm.height() / 2, 116, fm.height()), Qt.AlignLeft | Qt.AlignVCenter,
                           self._data.col_labels[c])
                p.restore()

    def _paint_row_labels(self, p: QPainter, plot: QRectF, cell_h: float, hover_r: int) -> None:
        small, bold = self._fonts()
        fm = QFontMetricsF(small)
        d, w = self._data, self._window
        group = max(d.row_group, 1)
        step = max(1, math.ceil(fm.height() / max(cell_h * group, 1e-9))) * group
        first = int(math.floor(w.top()))
        for r in range(first - first % step, int(math.ceil(w.bottom()))):
            if r < 0 or r >= len(d.row_labels) or (r % step and r != hover_r):
                continue
            grouped = group > 1 and r != hover_r
            y = plot.top() + (r + (group / 2 if grouped else 0.5) - w.top()) * cell_h
            if y - fm.height() / 2 < plot.top() - 2 or y + fm.height() / 2 > plot.bottom() + 2:
                continue
            p.setFont(bold if r == hover_r else small)
            label = d.group_labels[r // group] if grouped and d.group_labels else d.row_labels[r]
            p.drawText(QRectF(0, y - fm.height() / 2, plot.left() - 6, fm.height()),
                       Qt.AlignRight | Qt.AlignVCenter, label)
        if group > 1 and cell_h * group >= 4:  # thin lines between groups
            p.save()
            p.setClipRect(plot)
            p.setPen(QPen(QColor(255, 255, 255, 90), 1))
            for r in range(int(math.ceil(w.top() / group)) * group, int(math.ceil(w.bottom())), group):
                y = plot.top() + (r - w.top()) * cell_h
                p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.restore()

    def _paint_colorbar(self, p: QPainter, rect: QRectF) -> None:
        gradient = QLinearGradient(rect.bottomLeft(), rect.topLeft())
        table = lut()
        for i in range(0, 256, 32):
            gradient.setColorAt(i / 255, QColor(*table[i][:3]))
        gradient.setColorAt(1.0, QColor(*table[255][:3]))
        p.fillRect(rect, gradient)
        small, _ = self._fonts()
        p.setFont(small)
        p.setPen(self.palette().color(QPalette.WindowText))
        fm = QFontMetricsF(small)
        for value in (0.0, 0.1, 0.25, 0.5, 1.0) if self._boost else (0.0, 0.25, 0.5, 0.75, 1.0):
            frac = math.sqrt(value) if self._boost else value
            y = rect.bottom() - frac * rect.height()
            p.drawLine(QPointF(rect.right(), y), QPointF(rect.right() + 3, y))
            p.drawText(QRectF(rect.right() + 4, y - fm.height() / 2, 40, fm.height()), Qt.AlignLeft | Qt.AlignVCenter,
                       f"{value:g}")

    # ------------------------------------------------------------------ interaction
    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        pos = event.position()
        if self._press is not None and event.buttons() & Qt.LeftButton and self._data is not None:
            plot = self._plot_rect(QRectF(self.rect()))
            delta = pos - self._press
            if abs(delta.x()) + abs(delta.y()) > 3:
                self._dragged = True
                w = self._window
                dx, dy = -delta.x() / plot.width() * w.width(), -delta.y() / plot.height() * w.height()
                self._set_window(w.translated(dx, dy))
                self._press = pos
        cell = self._cell_at(pos)
        if cell != self._hover:
            self._hover = cell
            if cell is not None:
                self.cell_hovered.emit(cell[0], cell[1], float(self._data.values[cell]))
        self.update()

    def leaveEvent(self, _event) -> None:  # noqa: N802
        self._hover = None
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._press, self._dragged = event.position(), False

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if not self._dragged:
            cell = self._cell_at(event.position())
            if cell is not None:
                self.cell_clicked.emit(*cell)
        self._press = None

    def mouseDoubleClickEvent(self, _event) -> None:  # noqa: N802
        self.reset_view()

    def wheelEvent(self, event) -> None:  # noqa: N802
        if self._data is None:
            return
        plot = self._plot_rect(QRectF(self.rect()))
        pos = event.position()
        fx = min(max((pos.x() - plot.left()) / plot.width(), 0), 1)
        fy = min(max((pos.y() - plot.top()) / plot.height(), 0), 1)
        factor = 0.8 ** (event.angleDelta().y() / 120)
        w = self._window
        rows, cols = self._data.values.shape
        new_w = min(max(w.width() * factor, min(4, cols)), cols)
        new_h = min(max(w.height() * factor, min(4, rows)), rows)
        left = w.left() + fx * (w.width() - new_w)
        top = w.top() + fy * (w.height() - new_h)
        self._set_window(QRectF(left, top, new_w, new_h))
        self.update()

    def _clamped(self, w: QRectF) -> QRectF:
        rows, cols = self._data.values.shape
        left = min(max(w.left(), 0), cols - w.width())
        top = min(max(w.top(), 0), rows - w.height())
        return QRectF(left, top, w.width(), w.height())
