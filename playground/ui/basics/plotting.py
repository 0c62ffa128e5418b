"""The Basics tab's pyqtgraph plots: built once, updated with setData/setImage."""

from __future__ import annotations

from PySide6.QtWidgets import QGraphicsItem


def make_plot(name: str, title: str, y_label: str, x_label: str = "epoch"):
    import pyqtgraph as pg

    widget = pg.PlotWidget()  # not PlotWidget(objectName=…): its keyword arguments go to the PlotItem
    widget.setObjectName(name)
    widget.setBackground(None)
    item = widget.getPlotItem()
    item.setTitle(title)
    item.setLabel("left", y_label)
    item.setLabel("bottom", x_label)
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setMenuEnabled(False)
    item.addLegend(offset=(-10, 10))
    for axis in ("left", "bottom"):
        item.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    widget.setMinimumHeight(140)
    return widget


def curve(plot, color: str, name: str, *, dashed: bool = False):
    import pyqtgraph as pg
    from PySide6.QtCore import Qt

    pen = pg.mkPen(color, width=2, style=Qt.DashLine if dashed else Qt.SolidLine)
    return plot.getPlotItem().plot([], [], pen=pen, name=name)
