"""The next-token distribution chart: one row per token (top 20), the model's raw softmax beside the
distribution after the sampling settings, the sampled token marked. Follows zoom and theme.
While one token is shown its x axis keeps its scale (it only grows), so changing the temperature
visibly lengthens or shortens the bars instead of rescaling them to look the same; the axis label says
the scale. Empty, it shows a 0–100 % axis.
The pyqtgraph plot is built just after the chart is first shown (or when first drawn into), so the
window appears without waiting ~0.5 s for pyqtgraph to import."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, QPointF, QSize, Qt, QT_TRANSLATE_NOOP, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.ui.i18n import translate
from playground.ui.widgets.plot_text import style_plot_text
from playground.ui.widgets.tokens import visible_token

RAW_COLOR = QColor(150, 150, 160, 170)
FINAL_COLOR = QColor(61, 126, 255, 230)
SAMPLED_COLOR = QColor(255, 140, 0)
BAR = 0.38  # bar thickness, in rows
EMPTY_CAPTION = QT_TRANSLATE_NOOP("TokenDistributionChart", "Click a token of a reply to see the distribution it was sampled from.")
SCALES = (2, 5, 10, 20, 25, 40, 50, 60, 80, 100)  # x axis ends, in percent: each a multiple of its tick step
PLOT_MIN_HEIGHT = 260  # px: room for the top tokens at any zoom
ROOM = 1.22  # the x range goes past the scale's end to leave room for the value labels


def axis_scale(top_percent: float) -> int:
    """The smallest round axis end (percent) that fits a bar of `top_percent`."""
    return next((s for s in SCALES if top_percent <= s), 100)


def axis_ticks(scale: int) -> list[tuple[float, str]]:
    """Ticks from 0 to `scale` only: none in the labels' room past it (no '120 %')."""
    step = next(step for limit, step in ((5, 1), (10, 2), (25, 5), (60, 10), (100, 20)) if scale <= limit)
    return [(v, str(v)) for v in range(0, scale + 1, step)]


class TokenDistributionChart(QWidget):
    """`tokenDistributionPlot` (pyqtgraph) with a caption above. Bars are built once, then updated.
    Clicking a row (its bars or its token) emits `token_clicked(token id)`: the Chat tab branches the reply
    there with that token."""

    token_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = None  # the DistributionView on show
        self.scale = 100  # the x axis's end (percent): kept while the same token is shown
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(objectName="tokenDistributionCaption", wordWrap=True)
        self.caption.setTextFormat(Qt.RichText)
        self.legend = QLabel(objectName="tokenDistributionLegend", wordWrap=True)
        self._plot = None  # pyqtgraph.PlotWidget, see `plot`
        self.value_labels: list = []  # pyqtgraph.TextItem per row
        layout.addWidget(self.caption)
        layout.addWidget(self.legend)
        self._plot_slot = QWidget(minimumHeight=PLOT_MIN_HEIGHT)  # where the plot goes; holds its place until then
        self._plot_slot.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        layout.addWidget(self._plot_slot, 1)
        self._apply_style()
        self.clear(translate("TokenDistributionChart", EMPTY_CAPTION))

    @property
    def plot(self):
        """The `tokenDistributionPlot` PlotWidget, built on first use."""
        return self.ensure_plot()

    def ensure_plot(self):
        if self._plot is not None:
            return self._plot
        import pyqtgraph as pg

        class Plot(pg.PlotWidget):
            def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
                # asks for its minimum (pyqtgraph asks 390 px): the side column then fits without a scroll
                # bar at 1.5× fonts; the stretch gives it the room there is
                return QSize(super().sizeHint().width(), PLOT_MIN_HEIGHT)

        plot = Plot()
        plot.setObjectName("tokenDistributionPlot")
        plot.setMinimumHeight(PLOT_MIN_HEIGHT)
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
        plot.scene().sigMouseClicked.connect(self._on_plot_clicked)
        plot.setToolTip(translate("TokenDistributionChart", "Click another token to branch the reply from here with it"))
        self.layout().replaceWidget(self._plot_slot, plot)
        self._plot_slot.deleteLater()
        self._plot = plot
        self._apply_style()
        if self.view is None:
            self._show_empty_axes()
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
        self._show_empty_axes()

    def _show_empty_axes(self) -> None:
        """No token: a plain 0–100 % axis (not pyqtgraph's default 0–1 under a 'percent' label)."""
        self.scale = 100
        self.plot.getAxis("left").setTicks([[]])
        self._set_x_scale()
        self.plot.setYRange(0, 1, padding=0)

    def _set_x_scale(self) -> None:
        self.plot.getAxis("bottom").setTicks([axis_ticks(self.scale)])
        self.plot.setXRange(0, self.scale * ROOM, padding=0)
        self._apply_axis_label()

    def _apply_axis_label(self) -> None:
        # the text only: setLabel keeps the style `_apply_style` gave it (font size and colour)
        self.plot.getAxis("bottom").setLabel(translate("TokenDistributionChart", "probability (%)"))

    def show_view(self, view, heading: str, *, same_token: bool = False) -> None:
        """Draw a `token_inspection.DistributionView`; `heading` says which token of which reply.
        `same_token`: the token on show, under other settings: the x axis keeps its scale (or grows)."""
        self.view = view
        self.ensure_plot()
        rows = view.rows
        ys = list(range(len(rows)))
        # bars in percent, so the axis reads like the labels (no "x0.001" scale)
        self.raw_bars.setOpts(x0=[0] * len(rows), y=[y - BAR / 2 for y in ys], width=[100 * r.raw for r in rows])
        self.final_bars.setOpts(x0=[0] * len(rows), y=[y + BAR / 2 for y in ys],
                                width=[100 * r.final for r in rows])
        scale = axis_scale(100 * max([r.raw for r in rows] + [r.final for r in rows]))
        self.scale = max(scale, self.scale) if same_token else scale
        marked = [y for y, r in zip(ys, rows) if r.sampled]
        self.sampled_box.setOpts(x0=[-0.01 * self.scale] * len(marked), y=marked,
                                 width=[self.scale * 1.2] * len(marked))
        self.plot.getAxis("left").setTicks([[(y, ("▶ " if r.sampled else "") + visible_token(r.text, 16))
                                             for y, r in zip(ys, rows)]])
        self._update_value_labels(rows, self.scale)
        self._set_x_scale()
        self.plot.setYRange(-0.6, len(rows) - 0.4, padding=0)
        sampled = html.escape(visible_token(next(r.text for r in rows if r.sampled), 40))
        self.caption.setText(
            translate("TokenDistributionChart", "<b>{heading}</b>: sampled <b>{sampled}</b><br>raw softmax {sampled_raw:.1%} → {sampled_final:.1%} with the settings now ({kept:,} of {vocab_size:,} tokens can be picked)<br><i>Axis 0–{scale} %, kept while this token is shown.</i>").format(heading=html.escape(heading), sampled=sampled, sampled_raw=view.sampled_raw, sampled_final=view.sampled_final, kept=view.kept, vocab_size=view.vocab_size, scale=self.scale))

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

    def _on_plot_clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or self.view is None:
            return
        item = self.plot.getPlotItem()
        if not item.sceneBoundingRect().contains(event.scenePos()):
            return
        y = round(item.vb.mapSceneToView(event.scenePos()).y())
        if 0 <= y < len(self.view.rows):
            self.token_clicked.emit(self.view.rows[y].token_id)

    def row_point(self, row: int) -> QPoint:
        """A point of the plot widget on row `row`'s bars: where a click picks its token."""
        scene = self.plot.getPlotItem().vb.mapViewToScene(QPointF(self.scale * 0.5, row))
        return self.plot.mapFromScene(scene)

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
            axis.setTextPen(text)
            axis.setPen(palette.color(QPalette.Mid))
        self._apply_axis_label()
        # in the widget's font size (pyqtgraph's default is 9 pt), so zoom and presenter mode reach it
        style_plot_text(self.plot, font=self.font(), color=text)
        for label in self.value_labels:
            label.setFont(self.font())
        if self.view is not None:
            self._update_value_labels(self.view.rows, self.scale)

    def _apply_legend_text(self) -> None:
        swatch = "<span style='color:{}'>■</span>"
        self.legend.setText(translate("TokenDistributionChart", "{n0} raw softmax &nbsp; {n1} after your settings &nbsp; {n2} sampled &nbsp; <i>cut</i> = removed by top-k/top-p").format(n0=swatch.format(RAW_COLOR.name()), n1=swatch.format(FINAL_COLOR.name()), n2=swatch.format(SAMPLED_COLOR.name())))
