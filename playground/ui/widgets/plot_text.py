"""A pyqtgraph plot's words at the widget's font size: title, axis labels, tick labels and legend.

pyqtgraph draws them at its own fixed size (9 pt), so View ▸ Zoom and presenter mode (≥ 1.5×) did not reach
them. `follow_font(plot)` restyles them now and whenever the plot's font or palette changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette


def style_plot_text(plot, *, font=None, color=None, legend=None) -> None:
    """Title, axis labels, ticks and legend of `plot` (a PlotWidget) in its font size and text colour.
    `font` / `color` (a QColor) stand in for the plot's own (a container's, say); `legend` for a LegendItem
    kept outside the plot item."""
    item = plot.getPlotItem()
    font = font if font is not None else plot.font()
    size = f"{max(7.0, font.pointSizeF())}pt"
    color = (color if color is not None else plot.palette().color(QPalette.WindowText)).name()
    if item.titleLabel.text:
        item.setTitle(item.titleLabel.text, size=size, color=color)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        if axis.labelText:
            item.setLabel(name, axis.labelText, units=axis.labelUnits or None, **{"font-size": size, "color": color})
        axis.setTickFont(font)
    legend = legend if legend is not None else item.legend
    if legend is not None:
        legend.setLabelTextSize(size)
        legend.setLabelTextColor(color)
        for _sample, label in legend.items:
            label.setText(label.text, size=size, color=color)


class _FontFollower(QObject):
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.FontChange, QEvent.PaletteChange):
            style_plot_text(watched)
        return False


def follow_font(plot) -> None:
    """Style `plot`'s text now (see `style_plot_text`) and again on every font or palette change."""
    plot.installEventFilter(_FontFollower(plot))
    style_plot_text(plot)
