"""Live training plots: loss (raw, smoothed, validation, other runs overlaid), learning rate,
gradient norm and throughput. Metrics are buffered; a 10 Hz timer redraws one changed plot per tick.
The pyqtgraph plots are built when the widget is first shown (or drawn into): importing pyqtgraph costs
~0.5 s, which the window's start-up does not pay for a tab nobody has opened yet."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QGraphicsItem, QGridLayout, QHBoxLayout, QLabel,
                               QPushButton, QVBoxLayout, QWidget)

from playground.ui.i18n import translate
from playground.ui.widgets.plot_text import style_plot_text

OVERLAY_COLORS = ["#e6550d", "#31a354", "#756bb1", "#d62728", "#17becf", "#bcbd22", "#8c564b", "#e377c2"]
SMOOTHING = 0.8  # exponential moving average of the raw loss (and of throughput)
FIELDS = ("step", "tokens", "loss", "smoothed", "lr", "grad_norm", "tokens_per_s", "tokens_per_s_smoothed", "val_loss")
PLOTS = ("loss", "lr", "grad", "speed")
# The timer redraws one changed plot per tick, in this order: the loss (the one people watch) every
# other tick (~5 Hz), the other three in turn (~1.7 Hz each).
ROTATION = ("loss", "lr", "loss", "grad", "loss", "speed")
# What an overlaid run (metrics.jsonl rows) draws on each plot: the row's field, and whether it is smoothed.
OVERLAY_FIELDS = {"loss": ("loss", True), "lr": ("lr", False), "grad": ("grad_norm", False),
                  "speed": ("tokens_per_s", True)}
# The least height each plot keeps (pixels: the plot area, ticks and title need them at any zoom), so a
# dock or the runs list below cannot squeeze a plot into overlapping tick labels.
MIN_HEIGHTS = {"loss": 150, "lr": 110, "grad": 110, "speed": 110}
HEADROOM = 0.25  # when a plot re-ranges, room left beyond the data, as a fraction of the data's span
FLAT_BAND = 0.05  # a flat line is shown in a band this wide (a fraction of its value) around it


def _plot(name: str, title: str, y_label: str):
    import pyqtgraph as pg

    widget = pg.PlotWidget()  # not PlotWidget(objectName=…): its keyword arguments go to the PlotItem
    widget.setObjectName(name)
    widget.setBackground(None)
    item = widget.getPlotItem()
    item.setTitle(title)
    item.setLabel("left", y_label)
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setDownsampling(mode="peak")
    item.setClipToView(True)
    item.setMenuEnabled(False)
    for axis in ("left", "bottom"):
        # The grid lines belong to the axes, which QGraphicsView repainted (~10 ms each) whenever the
        # curve changed; cached as pixmaps, they are redrawn only when their ticks move.
        item.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return widget


def followed_range(view: tuple[float, float], lo: float, hi: float, *, grows: bool) -> tuple[float, float] | None:
    """The range a plot that follows its data should show for data in [lo, hi]; None: keep `view`.

    Moving the range redraws the axes (and their grid), which is what made each plot update cost ~8 ms
    instead of ~1 ms; pyqtgraph's auto-range moved it at every new point. So the range stays while the
    data fits and fills at least half of it, and a new one leaves HEADROOM: ahead of the data on an axis
    that `grows` (steps, tokens), half on each side otherwise (loss goes down, throughput wobbles)."""
    v0, v1 = view
    span = hi - lo
    if v0 <= lo and hi <= v1 and span >= 0.5 * (v1 - v0):
        return None
    pad = span * HEADROOM if span > 0 else max(abs(hi) * FLAT_BAND, 1e-9)
    return (lo, hi + pad) if grows else (lo - pad / 2, hi + pad / 2)


def _nonempty(lo: float, hi: float) -> tuple[float, float]:
    pad = 0.0 if hi > lo else max(abs(hi) * FLAT_BAND, 1e-9) / 2
    return float(lo - pad), float(hi + pad)


def smooth(values: list[float], factor: float = SMOOTHING) -> list[float]:
    """Debiased EMA (TensorBoard's smoothing)."""
    out, ema = [], 0.0
    for i, v in enumerate(values, 1):
        ema = factor * ema + (1 - factor) * v
        out.append(ema / (1 - factor ** i))
    return out


class TrainingPlots(QWidget):
    """Call `add(StepMetrics)` from a slot; the curves redraw on a timer."""

    x_axis_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, list] = {k: [] for k in FIELDS}
        self._ema = self._speed_ema = 0.0
        self._dirty: set[str] = set()  # plots whose curves lag the data
        self._next = 0  # where the round-robin redraw looks first
        self._overlays: list[tuple[str, list[dict]]] = []
        self._overlay_items: dict[str, list] = {}  # plot -> one curve per overlaid run
        self._following: dict[str, bool] = {}  # False once the user pans or zooms that plot
        self._fresh: set[str] = set()  # plots whose next range ignores the current one
        self._refollow(PLOTS)
        self._to_fit: set[str] = set()  # plots whose next redraw fits them to their data
        self.loss_plot = None  # the plots: built by ensure_plots() on first show
        self._build()
        self._timer = QTimer(self, interval=100, timeout=self._on_timer_timeout)  # 10 Hz
        self._timer.start()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(translate("TrainingPlots", "x axis")))
        self.x_combo = QComboBox(objectName="xAxisCombo")
        self.x_combo.addItems([translate("TrainingPlots", "Steps"), translate("TrainingPlots", "Tokens")])
        self.x_combo.currentIndexChanged.connect(self._on_x_combo_changed)
        self.log_check = QCheckBox(translate("TrainingPlots", "Log scale (y)"), objectName="logYCheck")
        self.log_check.toggled.connect(self._on_log_check_toggled)
        self.csv_button = QPushButton(translate("TrainingPlots", "Export CSV…"), objectName="exportCsvButton")
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.png_button = QPushButton(translate("TrainingPlots", "Export PNG…"), objectName="exportPngButton")
        self.png_button.clicked.connect(self._on_png_button_clicked)
        for widget in (self.x_combo, self.log_check):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.csv_button)
        bar.addWidget(self.png_button)
        layout.addLayout(bar)
        self._grid = QGridLayout()
        layout.addLayout(self._grid, 1)

    def ensure_plots(self) -> None:
        """Build the four plots (once) and draw what is buffered."""
        if self.loss_plot is not None:
            return
        import pyqtgraph as pg

        grid = self._grid
        self.loss_plot = _plot("lossPlot", translate("TrainingPlots", "Loss"), translate("TrainingPlots", "cross-entropy"))
        self.loss_plot.addLegend(offset=(-10, 10))
        self.lr_plot = _plot("lrPlot", translate("TrainingPlots", "Learning rate"), "lr")
        self.grad_plot = _plot("gradNormPlot", translate("TrainingPlots", "Gradient norm"), "‖g‖")
        self.speed_plot = _plot("throughputPlot", translate("TrainingPlots", "Throughput (smoothed)"),
                                translate("TrainingPlots", "tokens/s"))
        grid.addWidget(self.loss_plot, 0, 0, 1, 3)
        grid.addWidget(self.lr_plot, 1, 0)
        grid.addWidget(self.grad_plot, 1, 1)
        grid.addWidget(self.speed_plot, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)

        self.raw_curve = self.loss_plot.plot(pen=pg.mkPen("#9ecae1", width=1), name=translate("TrainingPlots", "train (raw)"))
        self.smooth_curve = self.loss_plot.plot(pen=pg.mkPen("#1f77b4", width=2.5), name=translate("TrainingPlots", "train (smoothed)"))
        self.val_curve = self.loss_plot.plot(pen=pg.mkPen("#ff7f0e", width=2), symbol="o", symbolSize=7,
                                             symbolBrush="#ff7f0e", name=translate("TrainingPlots", "validation"))
        self.legend = self.loss_plot.getPlotItem().legend
        self.lr_curve = self.lr_plot.plot(pen=pg.mkPen("#2ca02c", width=2))
        self.grad_curve = self.grad_plot.plot(pen=pg.mkPen("#d62728", width=1.5))
        self.speed_curve = self.speed_plot.plot(pen=pg.mkPen("#9467bd", width=1.5))
        self.plot_widgets = dict(zip(PLOTS, (self.loss_plot, self.lr_plot, self.grad_plot, self.speed_plot)))
        for name, widget in self.plot_widgets.items():
            widget.setMinimumHeight(MIN_HEIGHTS[name])
            item = widget.getPlotItem()
            item.disableAutoRange()  # the plots follow their data themselves: _follow()
            item.getViewBox().sigRangeChangedManually.connect(lambda _mask, n=name: self._stop_following(n))
            item.autoBtn.clicked.connect(lambda _checked=False, n=name: self._resume_following(n))
        self._update_axis_labels()
        self._on_log_check_toggled(self.log_check.isChecked())
        self.set_overlays(self._overlays)  # also draws everything buffered

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.ensure_plots()
        super().showEvent(event)

    # ------------------------------------------------------------------ data in
    def add(self, m) -> None:
        """Buffer one StepMetrics (cheap; drawing happens on the timer)."""
        r = self.rows
        n = len(r["step"]) + 1
        self._ema = SMOOTHING * self._ema + (1 - SMOOTHING) * m.loss
        self._speed_ema = SMOOTHING * self._speed_ema + (1 - SMOOTHING) * (m.tokens_per_s or 0.0)
        debias = 1 - SMOOTHING ** n
        for key, value in (("step", m.step), ("tokens", m.tokens), ("loss", m.loss),
                           ("smoothed", self._ema / debias), ("lr", m.lr), ("grad_norm", m.grad_norm),
                           ("tokens_per_s", m.tokens_per_s), ("tokens_per_s_smoothed", self._speed_ema / debias),
                           ("val_loss", m.val_loss)):
            r[key].append(value)
        self._dirty.update(PLOTS)

    def load_rows(self, rows: list[dict]) -> None:
        """Show a finished run's metrics (metrics.jsonl rows)."""
        from types import SimpleNamespace

        self.clear()
        for row in rows:
            self.add(SimpleNamespace(**{k: row.get(k) for k in ("step", "tokens", "loss", "lr", "grad_norm",
                                                                 "tokens_per_s", "val_loss")}))
        self.fit()

    def clear(self) -> None:
        self.rows = {k: [] for k in FIELDS}
        self._ema = self._speed_ema = 0.0
        self._refollow(PLOTS)  # a new run: every plot follows it afresh
        self._to_fit.clear()
        self._dirty.update(PLOTS)
        self._flush()

    def set_overlays(self, overlays: list[tuple[str, list[dict]]]) -> None:
        """Other runs' (name, metrics rows), drawn in their own colors on every plot: smoothed loss, lr,
        gradient norm and smoothed throughput (the loss plot's legend names them)."""
        self._overlays = overlays
        self._dirty.update(PLOTS)
        if self.loss_plot is None:
            return
        import pyqtgraph as pg

        for plot, items in self._overlay_items.items():
            for item in items:
                self.plot_widgets[plot].removeItem(item)
        self._overlay_items = {plot: [] for plot in PLOTS}
        for i, (name, _rows) in enumerate(overlays):
            pen = pg.mkPen(OVERLAY_COLORS[i % len(OVERLAY_COLORS)], width=2)
            for plot in PLOTS:
                item = self.plot_widgets[plot].plot(pen=pen, name=name if plot == "loss" else None)
                self._overlay_items[plot].append(item)
        self._flush()

    # ------------------------------------------------------------------ drawing
    def _x(self, rows: dict | list) -> list:
        key = "tokens" if self.x_combo.currentIndex() == 1 else "step"
        return rows[key] if isinstance(rows, dict) else [r.get(key, 0) for r in rows]

    @Slot()
    def _on_timer_timeout(self) -> None:
        """Redraw one changed plot per tick. All four at once (axes re-laid out, curves re-drawn) cost
        ~50 ms of GUI time per training step, and more on a busy CPU: the event loop stalled for
        100-300 ms each step (bench: "longest event-loop stall during training"). Each redraw still
        costs ~6 ms of CPU that training shares, hence 10 Hz rather than 15 (bench: "gui overhead")."""
        if self.loss_plot is None:
            return
        for i in range(len(ROTATION)):
            name = ROTATION[(self._next + i) % len(ROTATION)]
            if name in self._dirty:
                self._draw(name)
                self._next = (self._next + i + 1) % len(ROTATION)
                return

    def _flush(self) -> None:
        """Draw every changed plot now."""
        if self.loss_plot is None:
            return
        for name in PLOTS:
            if name in self._dirty:
                self._draw(name)

    def _draw(self, plot: str) -> None:
        self._dirty.discard(plot)
        r, x = self.rows, self._x(self.rows)
        if plot == "loss":
            self.raw_curve.setData(x, r["loss"])
            self.smooth_curve.setData(x, r["smoothed"])
            val = [(xi, v) for xi, v in zip(x, r["val_loss"]) if v is not None]
            self.val_curve.setData([p[0] for p in val], [p[1] for p in val])
        else:
            own = {"lr": (self.lr_curve, "lr"), "grad": (self.grad_curve, "grad_norm"),
                   "speed": (self.speed_curve, "tokens_per_s_smoothed")}[plot]
            own[0].setData(x, r[own[1]])
        field, smoothed = OVERLAY_FIELDS[plot]
        for item, (_name, rows) in zip(self._overlay_items.get(plot, []), self._overlays):
            ys = [math.nan if row.get(field) is None else float(row[field]) for row in rows]
            item.setData(self._x(rows), smooth(ys) if smoothed else ys)
        if plot == "loss":
            self._sync_legend()
        self._follow(plot, tight=plot in self._to_fit)
        self._to_fit.discard(plot)

    def _sync_legend(self) -> None:
        """The legend lists only curves with points: overlaid runs alone (a race, a comparison) show no
        empty "train"/"validation" entries."""
        curves = [self.raw_curve, self.smooth_curve, self.val_curve] + self._overlay_items.get("loss", [])
        wanted = [c for c in curves if c.getOriginalDataset()[0] is not None and len(c.getOriginalDataset()[0])]
        if [sample.item for sample, _label in self.legend.items] != wanted:
            self.legend.clear()
            for curve in wanted:
                self.legend.addItem(curve, curve.name())

    def fit(self, now: bool = True) -> None:
        """Fit each plot the user has not panned or zoomed to its data, with no room for steps to come
        (a finished run). `now=False`: one plot per timer tick, as they redraw (four new axes at once
        froze the window ~50 ms at the end of a run)."""
        self._to_fit.update(PLOTS)
        self._dirty.update(PLOTS)
        if now:
            self._flush()

    def _follow(self, plot: str, tight: bool = False) -> None:
        """Keep every curve of `plot` in view (see `followed_range`), unless the user panned or zoomed it."""
        if not self._following[plot]:
            return
        import numpy as np

        item = self.plot_widgets[plot].getPlotItem()
        xs, ys = [], []
        for curve in item.listDataItems():
            x, y = curve.getOriginalDataset()
            if x is not None and len(x):
                xs.append(np.asarray(x, dtype=float))
                ys.append(np.asarray(y, dtype=float))
        if not xs:
            return
        x, y = np.concatenate(xs), np.concatenate(ys)
        if item.getAxis("left").logMode:  # the view range is in log10 units then
            y = np.log10(y[y > 0])
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]  # a diverged run's inf/NaN loss is not a range
        if not len(x) or not len(y):
            return
        box = item.getViewBox()
        if tight:
            box.setRange(xRange=_nonempty(x.min(), x.max()), yRange=_nonempty(y.min(), y.max()), padding=0.02)
            return
        view_x, view_y = box.viewRange()
        if plot in self._fresh:  # a range no data fits: a new one is chosen
            self._fresh.discard(plot)
            view_x = view_y = (math.inf, -math.inf)
        new_x = followed_range(tuple(view_x), float(x.min()), float(x.max()), grows=True)
        new_y = followed_range(tuple(view_y), float(y.min()), float(y.max()), grows=False)
        if new_x or new_y:
            box.setRange(xRange=new_x, yRange=new_y, padding=0)

    def _refollow(self, plots) -> None:
        """These plots follow their data again, from a range chosen afresh at their next redraw."""
        self._following.update(dict.fromkeys(plots, True))
        self._fresh.update(plots)

    def _stop_following(self, plot: str) -> None:
        self._following[plot] = False

    def _resume_following(self, plot: str) -> None:
        """The plot's "A" button: back to following the data."""
        self._refollow([plot])
        self.plot_widgets[plot].getPlotItem().disableAutoRange()  # pyqtgraph's button turned its own on
        self._follow(plot)

    def _update_axis_labels(self) -> None:
        """Titles, axis labels and the legend in the widget's font size, so View → Zoom reaches them."""
        if self.loss_plot is None:
            return
        label = translate("TrainingPlots", "tokens") if self.x_combo.currentIndex() == 1 else translate("TrainingPlots", "step")
        self.loss_plot.getPlotItem().setLabel("bottom", label)  # the small plots share its x axis: no label
        color = self.palette().color(self.foregroundRole())
        for plot in (self.loss_plot, self.lr_plot, self.grad_plot, self.speed_plot):
            style_plot_text(plot, font=self.font(), color=color)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.PaletteChange):
            self._update_axis_labels()

    @Slot(int)
    def _on_x_combo_changed(self, _index: int) -> None:
        self._update_axis_labels()
        self._refollow(PLOTS)
        self._dirty.update(PLOTS)
        self._flush()
        self.x_axis_changed.emit(self.x_combo.currentText())

    @Slot(bool)
    def _on_log_check_toggled(self, on: bool) -> None:
        if self.loss_plot is None:
            return
        for plot in ("loss", "grad"):
            self.plot_widgets[plot].getPlotItem().setLogMode(y=on)
            self._refollow([plot])
            self._follow(plot)

    # ------------------------------------------------------------------ reading back (tests, export)
    def loss_points(self) -> list[float]:
        return list(self.rows["loss"])

    def curve_point_counts(self) -> dict[str, int]:
        """Points each loss-plot curve is drawing now (after the last redraw)."""
        self.ensure_plots()
        counts = {}
        for item in self.loss_plot.getPlotItem().listDataItems():
            xs, _ys = item.getOriginalDataset()
            counts[item.name() or "?"] = 0 if xs is None else len(xs)
        return counts

    def export_csv(self, path: str | Path) -> None:
        from playground.core.files import write_text_atomic

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(FIELDS)
        for i in range(len(self.rows["step"])):
            writer.writerow(["" if self.rows[k][i] is None else self.rows[k][i] for k in FIELDS])
        write_text_atomic(Path(path), buffer.getvalue())

    def export_png(self, path: str | Path) -> None:
        self.ensure_plots()
        self._flush()
        if not self.grab().save(str(path), "PNG"):
            raise OSError(translate("TrainingPlots", "Could not write {path}").format(path=path))

    @Slot()
    def _on_csv_button_clicked(self) -> None:
        path = QFileDialog.getSaveFileName(self, translate("TrainingPlots", "Export metrics as CSV"), "metrics.csv", "CSV (*.csv)")[0]
        if path:
            self.export_csv(path)

    @Slot()
    def _on_png_button_clicked(self) -> None:
        path = QFileDialog.getSaveFileName(self, translate("TrainingPlots", "Export plots as PNG"), "training.png", "PNG (*.png)")[0]
        if path:
            self.export_png(path)

