"""Small views of the Basics tab: hidden-neuron thumbnails, the digit pad, probability bars, the
gallery of misclassified digits, and the two-class colours. All paint with QPainter from QImages."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QListView, QSizePolicy, QWidget

from playground.ui.i18n import translate

CLASS_COLORS = ("#f59322", "#0877bd")  # class 0 orange, class 1 blue (TensorFlow Playground's)


def _rgb(color: str) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], np.float32)


def two_class_lut() -> np.ndarray:
    """(256, 4) RGBA: P(class 1) = 0 → light orange, 0.5 → white, 1 → light blue (points stay readable)."""
    t = np.linspace(0, 1, 256, dtype=np.float32)[:, None]
    white = np.full(3, 255, np.float32)
    orange = white + (_rgb(CLASS_COLORS[0]) - white) * 0.6
    blue = white + (_rgb(CLASS_COLORS[1]) - white) * 0.6
    rgb = np.where(t < 0.5, orange + (white - orange) * (t * 2), white + (blue - white) * ((t - 0.5) * 2))
    return np.concatenate([rgb, np.full((256, 1), 255, np.float32)], 1).astype(np.uint8)


def gray_image(values: np.ndarray, *, invert: bool = False) -> QImage:
    """(H, W) in 0..1 → an 8-bit grayscale QImage (1 = white, or black with `invert`)."""
    v = np.clip(np.nan_to_num(values), 0, 1)
    v = np.ascontiguousarray(((1 - v) if invert else v) * 255, dtype=np.uint8)
    h, w = v.shape
    return QImage(v.data, w, h, w, QImage.Format_Grayscale8).copy()


def _gray8(pixels: np.ndarray) -> QImage:
    """A (H, W) uint8 array → a grayscale QImage that owns its copy."""
    v = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w = v.shape
    return QImage(v.data, w, h, w, QImage.Format_Grayscale8).copy()


class NeuronThumbnails(QWidget):
    """Each hidden neuron's output over the plane, one small image per neuron, one row per layer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("neuronThumbnails")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self._images: list[QImage] = []
        self._layers: tuple[int, ...] = ()
        self._rows = 1  # the hidden layers to make room for (set before the first picture arrives)
        self.setMinimumHeight(60)

    def set_rows(self, rows: int) -> None:
        """Make room for this many hidden layers now: the plots beside do not shrink when the first picture
        arrives (a relayout regenerates their axes)."""
        rows = max(1, min(rows, 16))
        if rows != self._rows:
            self._rows = rows
            self.updateGeometry()

    def set_neurons(self, neurons: tuple[np.ndarray, ...] | None, layers: tuple[int, ...]) -> None:
        """Each neuron as a (T, T) uint8 image, row 0 on top (the worker makes them: nothing to convert)."""
        self._images = [_gray8(n) for n in neurons or ()]
        self._layers = tuple(layers)
        if self._layers:
            self.set_rows(max(self._layers) + 1)  # a relayout only when the number of rows changes
        self.update()

    def count(self) -> int:
        return len(self._images)

    def _cell(self) -> float:
        return max(20.0, min(48.0, self.fontMetrics().height() * 2.6))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(320, int(self._rows * (self._cell() + 6) + self.fontMetrics().height() + 8))

    def heightForWidth(self, _w: int) -> int:  # noqa: N802
        return self.sizeHint().height()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        pal = self.palette()
        p.setPen(pal.color(QPalette.WindowText))
        fm = self.fontMetrics()
        if not self._images:
            p.drawText(self.rect(), Qt.AlignCenter | Qt.TextWordWrap,
                       translate("BasicsViews", "Hidden neurons appear here while it trains."))
            p.end()
            return
        cell, gap = self._cell(), 4.0
        label_w = fm.horizontalAdvance(translate("BasicsViews", "Layer {n}").format(n=6) + " ") + 4
        p.drawText(QRectF(0, 0, self.width(), fm.height()), Qt.AlignLeft, translate("BasicsViews", "What each hidden neuron sees"))
        top = fm.height() + 4
        column: dict[int, int] = {}
        for image, layer in zip(self._images, self._layers):
            col = column.get(layer, 0)
            column[layer] = col + 1
            y = top + layer * (cell + gap + 2)
            if col == 0:
                p.drawText(QRectF(0, y, label_w, cell), Qt.AlignVCenter | Qt.AlignLeft,
                           translate("BasicsViews", "Layer {n}").format(n=layer + 1))
            x = label_w + col * (cell + gap)
            if x + cell > self.width():
                continue
            p.drawImage(QRectF(x, y, cell, cell), image)
        p.end()


class DigitPad(QWidget):
    """Draw a digit with the mouse. Like the data set, strokes go on a 32×32 bitmap whose 4×4 blocks are
    counted (0..16) into 8×8 pixels; `drawn` carries the 64 values scaled to 0..1. Right-click clears."""

    drawn = Signal(object)  # np.ndarray (64,)
    BITMAP = 32

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digitDrawPad")
        self.setMinimumSize(128, 128)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.setToolTip(translate("BasicsViews", "Draw a digit (left button); right-click to clear"))
        self.bitmap = np.zeros((self.BITMAP, self.BITMAP), np.float32)
        self._last: QPointF | None = None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        side = max(128, self.fontMetrics().height() * 9)
        return QSize(side, side)

    def pixels(self) -> np.ndarray:
        """(64,) in 0..1: the bitmap's 4×4 block counts / 16."""
        b = self.BITMAP // 8
        return self.bitmap.reshape(8, b, 8, b).sum(axis=(1, 3)).ravel() / (b * b)

    def clear(self) -> None:
        self.bitmap[:] = 0
        self.update()
        self.drawn.emit(self.pixels())

    def draw_stroke(self, points: list[tuple[float, float]]) -> None:
        """Draw through these points (fractions 0..1 of the pad's width and height), then emit `drawn`."""
        radius = 2.2  # bitmap pixels: about the stroke width of the original forms
        n = self.BITMAP
        yy, xx = np.mgrid[0:n, 0:n] + 0.5
        for (x0, y0), (x1, y1) in zip(points, points[1:] or points):
            for t in np.linspace(0, 1, 8):
                cx, cy = (x0 + (x1 - x0) * t) * n, (y0 + (y1 - y0) * t) * n
                self.bitmap[(xx - cx) ** 2 + (yy - cy) ** 2 <= radius ** 2] = 1.0
        self.update()
        self.drawn.emit(self.pixels())

    def _fraction(self, pos: QPointF) -> tuple[float, float]:
        return (min(max(pos.x() / self.width(), 0), 1), min(max(pos.y() / self.height(), 0), 1))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.RightButton:
            self.clear()
            return
        self._last = event.position()
        self.draw_stroke([self._fraction(self._last)])

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._last is not None and event.buttons() & Qt.LeftButton:
            self.draw_stroke([self._fraction(self._last), self._fraction(event.position())])
            self._last = event.position()

    def mouseReleaseEvent(self, _event) -> None:  # noqa: N802
        self._last = None

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("black"))
        p.setRenderHint(QPainter.SmoothPixmapTransform, False)
        p.drawImage(QRectF(self.rect()), gray_image(self.pixels().reshape(8, 8)))
        p.setPen(QPen(QColor(255, 255, 255, 40), 1))
        for i in range(1, 8):
            p.drawLine(QPointF(i * self.width() / 8, 0), QPointF(i * self.width() / 8, self.height()))
            p.drawLine(QPointF(0, i * self.height() / 8), QPointF(self.width(), i * self.height() / 8))
        p.end()


class ProbabilityBars(QWidget):
    """Ten horizontal bars: the network's probability for each digit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digitProbabilities")
        self._values: np.ndarray | None = None
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)

    def set_values(self, values: np.ndarray | None) -> None:
        self._values = None if values is None else np.asarray(values, np.float32)
        self.update()

    def values(self) -> np.ndarray | None:
        return self._values

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(200, 10 * (self.fontMetrics().height() + 2) + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, self.sizeHint().height())

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        pal = self.palette()
        fm = self.fontMetrics()
        row = fm.height() + 2
        label_w = fm.horizontalAdvance("9 ") + 2
        value_w = fm.horizontalAdvance("100% ")
        best = int(np.argmax(self._values)) if self._values is not None else -1
        for d in range(10):
            y = 2 + d * row
            p.setPen(pal.color(QPalette.WindowText))
            p.drawText(QRectF(0, y, label_w, row), Qt.AlignVCenter | Qt.AlignLeft, str(d))
            v = float(self._values[d]) if self._values is not None else 0.0
            width = max(0.0, (self.width() - label_w - value_w) * v)
            p.fillRect(QRectF(label_w, y + 2, width, row - 4), QColor(CLASS_COLORS[1] if d == best else "#7f8c8d"))
            if self._values is not None:
                p.drawText(QRectF(self.width() - value_w, y, value_w, row), Qt.AlignVCenter | Qt.AlignRight,
                           f"{v:.0%}")
        p.end()


class MisclassifiedGallery(QListWidget):
    """The test digits the network got wrong: each with its true and predicted label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("misclassifiedGallery")
        self.setViewMode(QListView.IconMode)
        self.setResizeMode(QListView.Adjust)
        self.setMovement(QListView.Static)
        self.setWrapping(True)
        self.setSpacing(4)
        self.setUniformItemSizes(True)
        self.setIconSize(QSize(48, 48))

    def set_mistakes(self, mistakes) -> None:
        self.clear()
        for m in mistakes:
            pixmap = QPixmap.fromImage(gray_image(m.image, invert=True).scaled(48, 48, Qt.IgnoreAspectRatio,
                                                                               Qt.FastTransformation))
            item = QListWidgetItem(pixmap, f"{m.true} → {m.predicted}")
            item.setToolTip(translate("BasicsViews", "True label {true}, the network said {predicted} ({confidence} sure)").format(
                true=m.true, predicted=m.predicted, confidence=f"{m.confidence:.0%}"))
            self.addItem(item)
