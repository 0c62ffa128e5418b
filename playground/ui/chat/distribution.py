"""The next-token distribution chart: one row per token (top 20), the model's raw softmax beside the
distribution after the sampling settings, the sampled token marked. Follows zoom and theme.
The pyqtgraph plot is built just after the chart is first shown (or when first drawn into), so the
window appears without waiting ~0.5 s for pyqtgraph to import."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.ui.widgets.tokens import visible_token

RAW_COLOR = QColor(150, 150, 160, 170)
FINAL_COLOR = QColor(61, 126, 255, 230)
SAMPLED_COLOR = QColor(255, 140, 0)
BAR = 0.38  # bar thickness, in rows


class TokenDistributionChart(QWidget):
    """`tokenDistributionPlot` (pyqtgraph) with a caption above. Bars are built once, then updated."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = None  # the DistributionView on show
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(objectName="tokenDistributionCaption", wordWrap=True)
        self.caption.setTextFormat(Qt.RichText)
        self.legend = QLabel(objectName="tokenDistributionLegend", wordWrap=True)
        self._plot = None  # pyqtgraph.PlotWidget, see `plot`
        self.value_labels: list = []  # pyqtgraph.TextItem per row
        layout.addWidget(self.caption)
        layout.addWidget(self.legend)
        self._plot_slot = QWidget(minimumHeight=260)  # where the plot goes; holds its place until then
        self._plot_slot.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        layout.addWidget(self._plot_slot, 1)
        self._apply_style()
        self.clear("Click a token of a reply to see the distribution it was sampled from.")

    @property
    def plot(self):
        """The `tokenDistributionPlot` PlotWidget, built on first use."""
        return self.ensure_plot()

    def ensure_plot(self):
        if self._plot is not None:
            return self._plot
        import pyqtgraph as pg

        plot = pg.PlotWidget()
        plot.setObjectName("tokenDistributionPlot")
        plot.setMinimumHeight(260)
        plot.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.invertY(True)
        plot.showGrid(x=True, y=False, alpha=0.25)
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.raw_bars = pg.BarGraphItem(x0=[], y=[], width=[], height=BAR, brush=RAW_COLOR, pen=None)
        self.final_bars = pg.BarGraphItem(x0=[], y=[], width=[], height=BAR, brush=FINAL_COLOR, pen=None)
        self.sampled_box = pg.BarGraphItem(x0=[], y=[], width=[], height=0.96, brush=None,
                                           pen=pg.mkPen(SAMPLED_COLOR, width=2))
        for item in (self.raw_bars, self.final_bars, self.sampled_box):
            plot.addItem(item)
        self.layout().replaceWidget(self._plot_slot, plot)
        self._plot_slot.deleteLater()
        self._plot = plot
        self._apply_style()
        return plot

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._plot is None:
            QTimer.singleShot(0, self, self.ensure_plot)  # right after the window has painted

    # ------------------------------------------------------------------ data
    def clear(self, message: str) -> None:
        self.view = None
        self.caption.setText(html.escape(message))
        if self._plot is None:
            return
        for item in (self.raw_bars, self.final_bars, self.sampled_box):
            item.setOpts(x0=[], y=[], width=[])
        for label in self.value_labels:
            label.hide()
        self.plot.getAxis("left").setTicks([[]])


    def show_view(self, view, heading: str) -> None:
        """Draw a `token_inspection.DistributionView`; `heading` says which token of which reply."""
        self.view = view
        self.ensure_plot()
        rows = view.rows
        ys = list(range(len(rows)))
        # bars in percent, so the axis reads like the labels (no "x0.001" scale)
        self.raw_bars.setOpts(x0=[0] * len(rows), y=[y - BAR / 2 for y in ys], width=[100 * r.raw for r in rows])
        self.final_bars.setOpts(x0=[0] * len(rows), y=[y + BAR / 2 for y in ys],
                                width=[100 * r.final for r in rows])
        top = 100 * max([r.raw for r in rows] + [r.final for r in rows] + [0.02])
        marked = [y for y, r in zip(ys, rows) if r.sampled]
        self.sampled_box.setOpts(x0=[-0.01 * top] * len(marked), y=marked, width=[top * 1.2] * len(marked))
        self.plot.getAxis("left").setTicks([[(y, ("▶ " if r.sampled else "") + visible_token(r.text, 16))
                                             for y, r in zip(ys, rows)]])
        self._update_value_labels(rows, top)
        self.plot.setXRange(0, top * 1.22, padding=0)
        self.plot.setYRange(-0.6, len(rows) - 0.4, padding=0)
        sampled = html.escape(visible_token(next(r.text for r in rows if r.sampled), 40))
        self.caption.setText(
            f"<b>{html.escape(heading)}</b>: sampled <b>{sampled}</b><br>"
            f"raw softmax {view.sampled_raw:.1%} → {view.sampled_final:.1%} with the settings now "
            f"({view.kept:,} of {view.vocab_size:,} tokens can be picked)")

    def _update_value_labels(self, rows, top: float) -> None:
        import pyqtgraph as pg

        while len(self.value_labels) < len(rows):
            label = pg.TextItem(anchor=(0, 0.5))
            label.setFont(self.font())
            self.plot.addItem(label)
            self.value_labels.append(label)
        color = self.palette().color(QPalette.Text)
        muted = self.palette().color(QPalette.PlaceholderText)
        for y, (row, label) in enumerate(zip(rows, self.value_labels)):
            text = f"{row.final:.1%}" if row.final >= 0.0005 else ("cut" if row.final == 0 else "<0.1%")
            label.setText(text, color=color if row.final > 0 else muted)
            label.setPos(100 * max(row.raw, row.final) + top * 0.015, y)
            label.show()
        for label in self.value_labels[len(rows):]:
            label.hide()

    def values(self) -> list[tuple[str, float, float, bool]]:
        """(token text, raw, final, sampled) per row on show: what tests and scripts read."""
        return [(r.text, r.raw, r.final, r.sampled) for r in self.view.rows] if self.view else []

    # ------------------------------------------------------------------ zoom / theme
    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() in (QEvent.FontChange, QEvent.PaletteChange, QEvent.ApplicationFontChange):
            self._apply_style()
        super().changeEvent(event)

    def _apply_style(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.Text)
        self._apply_legend_text()
        if self._plot is None:
            return
        self.plot.setBackground(palette.color(QPalette.Base))
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setTickFont(self.font())
            axis.setTextPen(text)
            axis.setPen(palette.color(QPalette.Mid))
        self.plot.getAxis("bottom").setLabel("probability (%)", color=text.name())
        for label in self.value_labels:
            label.setFont(self.font())
        if self.view is not None:
            self._update_value_labels(self.view.rows, 100 * max(max(r.raw, r.final) for r in self.view.rows))

    def _apply_legend_text(self) -> None:
        swatch = "<span style='color:{}'>■</span>"
        self.legend.setText(f"{swatch.format(RAW_COLOR.name())} raw softmax &nbsp; "
                            f"{swatch.format(FINAL_COLOR.name())} after your settings &nbsp; "
                            f"{swatch.format(SAMPLED_COLOR.name())} sampled &nbsp; <i>cut</i> = removed by top-k/top-p")
