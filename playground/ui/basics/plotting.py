"""The Basics tab's pyqtgraph plots: built once, updated with setData/setImage."""

from __future__ import annotations

from PySide6.QtWidgets import QGraphicsItem

from playground.ui.i18n import translate
from playground.ui.widgets.plot_text import follow_font


def make_plot(name: str, title: str, y_label: str, x_label: str | None = None, *, legend: bool = True,
              legend_offset: tuple[int, int] = (-10, 10)):
    """A plot with a title, axis labels and a grid; the legend at `legend_offset` (negative: from the right
    or bottom edge)."""
    import pyqtgraph as pg

    widget = pg.PlotWidget()  # not PlotWidget(objectName=…): its keyword arguments go to the PlotItem
    widget.setObjectName(name)
    widget.setBackground(None)
    item = widget.getPlotItem()
    item.setTitle(title)
    item.setLabel("left", y_label)
    item.setLabel("bottom", translate("BasicsPlot", "epoch") if x_label is None else x_label)
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setMenuEnabled(False)
    if legend:
        item.addLegend(offset=legend_offset)
    for axis in ("left", "bottom"):
        item.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.getAxis(axis).enableAutoSIPrefix(False)  # a loss axis up to 0.8 reads 0.8, not 800 (×0.001)
    widget.setMinimumHeight(140)
    follow_font(widget)  # zoom and presenter mode reach the title, labels and legend
    return widget


def curve(plot, color: str, name: str, *, dashed: bool = False):
    import pyqtgraph as pg
    from PySide6.QtCore import Qt

    pen = pg.mkPen(color, width=2, style=Qt.DashLine if dashed else Qt.SolidLine)
    item = plot.getPlotItem().plot([], [], pen=pen, name=name)
    item.setDownsampling(auto=True, method="peak")  # a long run's thousands of epochs: ~2 points per pixel
    item.setClipToView(True)
    return item


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ᵏ at or above `value` (> 0)."""
    import math

    if not value > 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if value <= step * power * (1 + 1e-9):
            return step * power
    return 10.0 * power


class SteppedRange:
    """Keeps a plot's axes still while its curves grow: x from 0 to a round step at or above the last
    epoch, y from 0 to a step at or above the highest value (or fixed). pyqtgraph's auto-range would move
    both axes every epoch, and regenerating their ticks is most of a redraw's cost on the GUI thread;
    here they move only when a step is passed."""

    def __init__(self, plot, *, y_max: float | None = None) -> None:
        self._item = plot.getPlotItem()
        self._item.disableAutoRange()
        self._fixed_y = y_max
        self._shown: tuple[float, float] | None = None
        self._x_floor = 1.0
        self.reset()

    def reset(self, x_max: float = 1.0) -> None:
        """Start again from an empty plot whose x axis spans at least `x_max` (a run's known length)."""
        self._shown, self._x_floor = None, max(x_max, 1.0)
        self.update(0.0, self._fixed_y or 1.0)

    def update(self, x_max: float, y_max: float) -> None:
        x = nice_ceiling(max(x_max, self._x_floor))
        y = self._fixed_y or nice_ceiling(y_max * 1.05)
        if (x, y) != self._shown:
            self._shown = (x, y)
            self._item.setRange(xRange=(0, x), yRange=(0, y), padding=0.02)
