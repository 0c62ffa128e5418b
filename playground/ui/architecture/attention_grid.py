"""A layer × head grid of small attention heatmaps (one QImage each), painted in one widget.

Thumbnails are block-max downsampled for long inputs; clicking one opens the exact heatmap.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from playground.ui.i18n import translate
from playground.ui.widgets.heatmap import save_png


class AttentionGrid(QWidget):
    cell_clicked = Signal(int, int)  # layer, head (-1 = the head average)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionGrid")
        self.setMouseTracking(True)
        self._images: list[list[QImage]] = []
        self._col_labels: list[str] = []
        self._col_tips: list[str] = []
        self._heads: list[int] = []  # head index per column (-1 = average)
        self._selected: tuple[int, int] | None = None
        self._hover: tuple[int, int] | None = None
        self._marker: float | None = None  # query row as a fraction of the height
        self._cell = 64

    # ------------------------------------------------------------------ content
    def set_cells(self, images: list[list[QImage]], heads: list[int], col_labels: list[str],
                  col_tips: list[str]) -> None:
        self._images, self._heads, self._col_labels, self._col_tips = images, heads, col_labels, col_tips
        self._selected = self._hover = None
        self.updateGeometry()
        self.adjustSize()
        self.update()

    def set_cell_size(self, size: int) -> None:
        self._cell = size
        self.updateGeometry()
        self.adjustSize()
        self.update()

    def select(self, layer: int, head: int) -> None:
        col = self._heads.index(head) if head in self._heads else 0
        self._selected = (layer, col)
        self.update()

    def set_marker(self, fraction: float | None) -> None:
        self._marker = fraction
        self.update()

    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid: layers × heads (× 1 for the head average)."""
        return len(self._images), len(self._images[0]) if self._images else 0

    def cell_count(self) -> int:
        rows, cols = self.shape()
        return rows * cols

    def tip(self, row: int, col: int) -> str:
        """The tooltip of one cell: its layer and head."""
        return translate("AttentionGrid", "Layer {layer}, {head}. Click to open it.").format(
            layer=row, head=self._col_tips[col])

    def texts(self) -> list[str]:
        """What it paints and shows on hover (the head labels and each column's tooltip), for the UI's tests."""
        return [*self._col_labels, *(self.tip(0, col) for col in range(len(self._col_tips)) if self._images)]

    # ------------------------------------------------------------------ geometry
    def _margins(self) -> tuple[int, int]:
        fm = QFontMetrics(self.font())
        return fm.horizontalAdvance("L00 ") + 8, fm.height() * 2 + 6

    def _gap(self) -> int:
        return max(3, self._cell // 12)

    def cell_rect(self, row: int, col: int) -> QRect:
        left, top = self._margins()
        step = self._cell + self._gap()
        return QRect(left + col * step, top + row * step, self._cell, self._cell)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        rows, cols = self.shape()
        left, top = self._margins()
        step = self._cell + self._gap()
        return QSize(left + max(cols, 1) * step + 4, top + max(rows, 1) * step + 4)

    def _cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        left, top = self._margins()
        step = self._cell + self._gap()
        col, row = (pos.x() - left) // step, (pos.y() - top) // step
        rows, cols = self.shape()
        if 0 <= row < rows and 0 <= col < cols and self.cell_rect(row, col).contains(pos):
            return row, col
        return None

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        self._paint(painter, event.rect(), hover=True)
        painter.end()

    def export_png(self, path: str) -> bool:
        """The whole grid (not only the part scrolled into view) at twice the screen resolution."""
        size = self.sizeHint()
        image = QImage(size * 2, QImage.Format_ARGB32)
        image.setDevicePixelRatio(2)
        image.fill(self.palette().color(QPalette.Base))
        painter = QPainter(image)
        self._paint(painter, QRect(QPoint(0, 0), size), hover=False)
        painter.end()
        return save_png(image, path)

    def _paint(self, p: QPainter, clip: QRect, *, hover: bool) -> None:
        pal = self.palette()
        p.fillRect(clip, pal.color(QPalette.Base))
        rows, cols = self.shape()
        if not rows:
            return
        left, top = self._margins()
        p.setPen(pal.color(QPalette.WindowText))
        bold = QFont(self.font())
        bold.setBold(True)
        for col, label in enumerate(self._col_labels):
            r = self.cell_rect(0, col)
            p.setFont(bold)
            p.drawText(QRect(r.left() - 4, 2, r.width() + 8, top - 4), Qt.AlignHCenter | Qt.AlignBottom, label)
        p.setFont(self.font())
        for row in range(rows):
            r = self.cell_rect(row, 0)
            if r.bottom() < clip.top() or r.top() > clip.bottom():
                continue
            p.setPen(pal.color(QPalette.WindowText))
            p.drawText(QRect(0, r.top(), left - 6, r.height()), Qt.AlignRight | Qt.AlignVCenter, f"L{row}")
            for col in range(cols):
                cell = self.cell_rect(row, col)
                p.drawImage(cell, self._images[row][col])
                self._paint_cell_marks(p, row, col, cell, hover)

    def _paint_cell_marks(self, p: QPainter, row: int, col: int, cell: QRect, hover: bool) -> None:
        if self._marker is not None:
            y = cell.top() + int(self._marker * cell.height())
            p.setPen(QPen(QColor("#ff4d4d"), 1))
            p.drawLine(cell.left(), y, cell.right(), y)
        if self._selected == (row, col):
            p.setPen(QPen(self.palette().color(QPalette.Highlight), 3))
            p.setBrush(Qt.NoBrush)
            p.drawRect(cell.adjusted(-2, -2, 2, 2))
        elif hover and self._hover == (row, col):
            p.setPen(QPen(self.palette().color(QPalette.WindowText), 1.5))
            p.setBrush(Qt.NoBrush)
            p.drawRect(cell.adjusted(-1, -1, 1, 1))

    # ------------------------------------------------------------------ interaction
    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        cell = self._cell_at(event.position().toPoint())
        if cell != self._hover:
            self._hover = cell
            self.update()
        if cell is not None:
            tip = self.tip(*cell)
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)
        self.setCursor(Qt.PointingHandCursor if cell else Qt.ArrowCursor)

    def leaveEvent(self, _event) -> None:  # noqa: N802
        self._hover = None
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        cell = self._cell_at(event.position().toPoint())
        if cell is not None:
            self._selected = cell
            self.update()
            self.cell_clicked.emit(cell[0], self._heads[cell[1]])
