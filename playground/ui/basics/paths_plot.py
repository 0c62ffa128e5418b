"""The optimizer paths plot: a loss surface as shaded contours, and one coloured trail with a head
marker per optimizer. Built on first show (pyqtgraph is imported then, not at start-up); afterwards
only `setData` on items built once. Clicking the plot picks a start point (`start_picked`)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsItem, QVBoxLayout, QWidget

from playground.ui.widgets.plot_text import style_plot_text

# Okabe–Ito colours (told apart with colour-blindness too); the dark theme gets lighter blue and orange.
PATH_COLORS = {"sgd": "#d55e00", "momentum": "#0072b2", "adagrad": "#009e73", "rmsprop": "#cc79a7",
               "adam": "#e69f00"}
PATH_COLORS_DARK = {**PATH_COLORS, "sgd": "#ff7f3f", "momentum": "#56b4e9", "adagrad": "#2ec99a"}


def path_color(key: str, dark: bool) -> QColor:
    return QColor((PATH_COLORS_DARK if dark else PATH_COLORS)[key])


def _is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.Window).lightness() < 128


class PathsPlot(QWidget):
    start_picked = Signal(float, float)  # a left click on the surface, in its coordinates

    def __init__(self, titles: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("optimizerPathPlot")  # here from the start: the plot inside is built when first shown
        self._titles = titles  # optimizer key -> name in the legend, in drawing order
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.plot = None  # the pg.PlotWidget, built by ensure_plot()
        self._picture = None
        self._surface = None
        self._result = None
        self._step = 0
        self._hidden: set[str] = set()

    def ensure_plot(self) -> None:
        if self.plot is not None:
            return
        import pyqtgraph as pg

        self.plot = pg.PlotWidget()
        self.plot.setObjectName("optimizerPathCanvas")
        self.plot.setBackground(None)
        self.plot.setMinimumSize(260, 220)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.setAspectLocked(True)  # distances on screen are true distances: the valley looks elongated
        item.hideButtons()
        self._image = pg.ImageItem()
        self._contours = pg.PlotDataItem(connect="pairs")
        self._minima = pg.ScatterPlotItem(symbol="star", size=16)
        self._start = pg.ScatterPlotItem(symbol="o", size=12, brush=None)
        for part in (self._image, self._contours, self._minima, self._start):
            item.addItem(part)
        self._image.setZValue(-10)
        # The surface does not change while the paths grow: kept as pixmaps, the image and its ~8000 contour
        # segments are not redrawn at every animation step (a tick: 9.6 -> 6.3 ms, measured on Rosenbrock).
        self._image.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._contours.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # The legend sits in a row of its own under the plot: inside, it hid the start of some paths.
        self.legend = pg.LegendItem(colCount=len(self._titles))
        item.layout.addItem(self.legend, 4, 1)
        self._trails, self._heads = {}, {}
        for key, title in self._titles.items():
            self._trails[key] = item.plot()
            self._heads[key] = item.plot(symbol="o", symbolSize=11)
            self.legend.addItem(self._trails[key], title)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self._layout.addWidget(self.plot)
        self._apply_theme()
        if self._picture is not None:
            self.set_surface(self._picture, self._surface)
        if self._result is not None:
            self.set_paths(self._result)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.ensure_plot()
        super().showEvent(event)

    # ------------------------------------------------------------------ content
    def set_surface(self, picture, surface) -> None:
        """Draw a SurfacePicture (core.basics.surfaces) and fit the view to its region."""
        self._picture, self._surface = picture, surface
        if self.plot is None:
            return
        from PySide6.QtCore import QRectF

        (x0, x1), (y0, y1) = surface.x_range, surface.y_range
        self._image.setImage(picture.shade.T, levels=(0.0, 1.0))  # ImageItem reads (x, y)
        self._image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        segments = picture.contours.reshape(-1, 2)
        self._contours.setData(segments[:, 0], segments[:, 1])
        self._minima.setData([p[0] for p in surface.minima], [p[1] for p in surface.minima])
        self.plot.getPlotItem().getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)

    def set_paths(self, result) -> None:
        """New paths (a PathsResult): drawn up to step 0 until `show_step`."""
        self._result = result
        self._step = 0
        if self.plot is None:
            return
        x, y = result.config.start
        self._start.setData([x], [y])
        self.show_step(0)

    def show_step(self, step: int) -> None:
        self._step = step
        if self.plot is None or self._result is None:
            return
        for path in self._result.paths:
            end = path.at(step) + 1
            trail, head = self._trails[path.key], self._heads[path.key]
            trail.setData(path.points[:end, 0], path.points[:end, 1])
            head.setData(path.points[end - 1:end, 0], path.points[end - 1:end, 1])
            trail.setVisible(path.key not in self._hidden)
            head.setVisible(path.key not in self._hidden)

    def set_shown(self, key: str, shown: bool) -> None:
        (self._hidden.discard if shown else self._hidden.add)(key)
        if self.plot is not None:
            self._trails[key].setVisible(shown)
            self._heads[key].setVisible(shown)

    # ------------------------------------------------------------------ reading back (tests)
    def drawn_points(self, key: str) -> list[tuple[float, float]]:
        """The trail `key` draws now (empty while hidden)."""
        trail = self._trails[key]
        if not trail.isVisible():
            return []
        xs, ys = trail.getData()
        return [] if xs is None else list(zip(xs.tolist(), ys.tolist()))

    def contour_segment_count(self) -> int:
        xs, _ys = self._contours.getData()
        return 0 if xs is None else len(xs) // 2

    def view_point_to_widget(self, x: float, y: float):
        """Where the surface point (x, y) is in the plot widget's viewport (for clicks in tests)."""
        from PySide6.QtCore import QPointF

        scene = self.plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
        return self.plot.mapFromScene(scene)

    # ------------------------------------------------------------------ input and theme
    def _on_scene_mouse_clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or self._surface is None:
            return
        box = self.plot.getPlotItem().getViewBox()
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return  # a click on an axis
        point = box.mapSceneToView(event.scenePos())
        self.start_picked.emit(float(point.x()), float(point.y()))

    def _apply_theme(self) -> None:
        """Colours and text sizes from the palette and font, so the dark theme and View → Zoom reach them."""
        import pyqtgraph as pg

        dark = _is_dark(self)
        low, high = ("#3a6f9e", "#1b1c1f") if dark else ("#8fbfe0", "#fbfdff")
        self._image.setLookupTable(pg.ColorMap([0.0, 1.0], [QColor(low), QColor(high)]).getLookupTable(nPts=256))
        text = self.palette().color(QPalette.WindowText)
        lines = QColor(text)
        lines.setAlpha(70)
        self._contours.setPen(pg.mkPen(lines, width=1))
        self._minima.setBrush(pg.mkBrush(text))
        self._minima.setPen(pg.mkPen(self.palette().color(QPalette.Window)))
        self._start.setPen(pg.mkPen(text, width=2))
        outline = self.palette().color(QPalette.Window)
        for key in self._titles:
            color = path_color(key, dark)
            self._trails[key].setPen(pg.mkPen(color, width=2.5))
            self._heads[key].setSymbolBrush(pg.mkBrush(color))
            self._heads[key].setSymbolPen(pg.mkPen(outline, width=1.5))
            self._heads[key].setPen(None)
        item = self.plot.getPlotItem()
        for axis, label in (("bottom", "θ₁"), ("left", "θ₂")):
            item.setLabel(axis, label)
            item.getAxis(axis).setTextPen(pg.mkPen(text))
        style_plot_text(self.plot, font=self.font(), color=text, legend=self.legend)
        self._fit_legend()

    def _fit_legend(self) -> None:
        """One row of entries when they fit the plot's width, two otherwise (zoomed, or a narrow window)."""
        metrics = self.fontMetrics()
        needed = sum(metrics.horizontalAdvance(title) + 50 for title in self._titles.values())
        columns = len(self._titles) if needed < self.width() - 60 else (len(self._titles) + 1) // 2
        if self.legend.columnCount != columns:
            self.legend.setColumnCount(columns)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.plot is not None:
            self._fit_legend()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if self.plot is not None and event.type() in (QEvent.FontChange, QEvent.PaletteChange):
            self._apply_theme()
