"""Basics › Decision boundary: a 2-D toy set, an MLP from the controls, and what it learns as it trains.

Play / pause / step one epoch / reset drive a BasicsWorker through its Gate. The worker computes the
boundary grid and each hidden neuron's 8-bit image (a snapshot at most every 66 ms, from inside an epoch
too); this page polls on a 33 ms timer, draws only the latest snapshot (setImage with fixed levels) and
the loss curves at most every CURVES_S, on axes that move in steps. Reset does not wait for the
run: it is stopped and forgotten (Jobs.discard), and its late reports are dropped. Editing a control
starts over with the new settings (a bad value is refused with a message naming the control, and the
current run stays).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QRectF, Qt, QT_TRANSLATE_NOOP, QTimer, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QSplitter, QVBoxLayout, QWidget)

from playground.core.basics import datasets
from playground.core.basics.mlp import MLPSpec, TrainSettings, check
from playground.core.errors import Failure, PlaygroundError
from playground.ui.basics.controls import NetworkControls, controls_column
from playground.ui.basics.plotting import SteppedRange, curve, make_plot
from playground.ui.basics.views import CLASS_COLORS, NeuronThumbnails, two_class_lut
from playground.workers.basics import BasicsWorker
from playground.workers.jobs import Jobs
from playground.ui.i18n import translate

DEFAULTS = TrainSettings(MLPSpec(2, 2, hidden_layers=2, neurons=8), optimizer="adam", lr=0.03, batch_size=16)
# Few noisy points and a big network: it learns the training points by heart and the test loss climbs.
OVERFIT_DATA = datasets.ToySpec("circles", n_points=60, noise=0.25, test_fraction=0.5, seed=1)
OVERFIT = TrainSettings(MLPSpec(2, 2, hidden_layers=4, neurons=32), optimizer="adam", lr=0.01, batch_size=8,
                        seed=0, epochs=200)
# Two spirals are too much for the default 2×8 network (about 60%), and noise 0.1 blurs their arms together.
SPIRALS_DATA = datasets.ToySpec("spirals", n_points=400, noise=0.05, test_fraction=0.5, seed=0)
SPIRALS = TrainSettings(MLPSpec(2, 2, hidden_layers=2, neurons=32), optimizer="adam", lr=0.01, batch_size=16,
                        seed=0, epochs=0)
DATASET_LABELS = {"circles": QT_TRANSLATE_NOOP("DecisionBoundaryPage", "Circles"), "xor": "XOR",
                  "spirals": QT_TRANSLATE_NOOP("DecisionBoundaryPage", "Two spirals"),
                  "blobs": QT_TRANSLATE_NOOP("DecisionBoundaryPage", "Gaussian blobs")}
REDRAW_MS = 33  # how often the page looks for a new snapshot (the worker makes one at most every 66 ms)
CURVES_S = 0.1  # the loss curves and the status line, at most this often
MAKE_WAY_S = 0.012  # the run pauses this long between batches after each redraw (workers/basics.py)


class DecisionBoundaryPage(QWidget):
    run_finished = Signal(object)  # core.basics.trainer.RunResult

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionBoundaryPage")
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)
        self.points: list[tuple[float, float, int]] = []  # clicked onto the plot: added to the training split
        self.epochs: list[int] = []
        self.train_losses: list[float] = []
        self.test_losses: list[float] = []
        self.last_report = None
        self.result = None
        self.redraws = 0  # boundary images drawn (the bench's redraw rate)
        self.last_snapshot = None  # the core.basics.trainer.Snapshot drawn last
        self._build()
        self._data = self._make_data()
        self._draw_points()
        self._timer = QTimer(self, interval=REDRAW_MS, timeout=self._flush)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.dataset = QComboBox(objectName="basicsDatasetCombo")
        for name in datasets.TOY_DATASETS:
            self.dataset.addItem(translate("DecisionBoundaryPage", DATASET_LABELS[name]), name)
        self.n_points = QSpinBox(objectName="basicsPointsSpin", minimum=4, maximum=5000, value=400)
        self.noise = QDoubleSpinBox(objectName="basicsNoiseSpin", minimum=0.0, maximum=1.0, value=0.1,
                                    singleStep=0.05, decimals=2)
        self.test_split = QSpinBox(objectName="basicsTestSplitSpin", minimum=1, maximum=99, value=50, suffix=" %")
        self.click_class = QComboBox(objectName="basicsClickClassCombo")
        self.click_class.addItems([translate("DecisionBoundaryPage", "orange (class 0)"),
                                   translate("DecisionBoundaryPage", "blue (class 1)")])
        self.click_class.setToolTip(translate("DecisionBoundaryPage", "The class a click on the plot adds (Shift-click adds the other one)"))
        clear_points = QPushButton(translate("DecisionBoundaryPage", "Remove added points"), objectName="basicsClearPointsButton")
        clear_points.clicked.connect(self._on_clear_points_clicked)
        preset = QPushButton(translate("DecisionBoundaryPage", "Overfitting preset"), objectName="basicsOverfitPresetButton")
        preset.setToolTip(translate("DecisionBoundaryPage", "Few noisy points, a big network: watch the test loss leave the train loss behind, then "
                          "turn on Dropout or L2"))
        preset.clicked.connect(self.apply_overfitting_preset)
        spirals = QPushButton(translate("DecisionBoundaryPage", "Spirals preset"), objectName="basicsSpiralsPresetButton")
        spirals.setToolTip(translate("DecisionBoundaryPage", "Two spirals with less noise and a network that can learn them (2 × 32 neurons)"))
        spirals.clicked.connect(self.apply_spirals_preset)
        data_box = QGroupBox(translate("DecisionBoundaryPage", "Data"))
        form = QFormLayout(data_box)
        form.addRow(translate("DecisionBoundaryPage", "Dataset"), self.dataset)
        form.addRow(translate("DecisionBoundaryPage", "Points"), self.n_points)
        form.addRow(translate("DecisionBoundaryPage", "Noise"), self.noise)
        form.addRow(translate("DecisionBoundaryPage", "Test split"), self.test_split)
        form.addRow(translate("DecisionBoundaryPage", "Click adds"), self.click_class)
        form.addRow(clear_points)
        form.addRow(preset)
        form.addRow(spirals)
        for w in (self.n_points, self.noise, self.test_split):
            w.setKeyboardTracking(False)
            w.valueChanged.connect(self._on_settings_changed)
        self.dataset.currentIndexChanged.connect(self._on_settings_changed)
        self.controls = NetworkControls("basics", DEFAULTS)
        self.controls.changed.connect(self._on_settings_changed)

        self.play_button = QPushButton(translate("DecisionBoundaryPage", "Play"), objectName="basicsPlayButton")
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.step_button = QPushButton(translate("DecisionBoundaryPage", "Step"), objectName="basicsStepButton")
        self.step_button.setToolTip(translate("DecisionBoundaryPage", "Train one epoch, then pause"))
        self.step_button.clicked.connect(self._on_step_button_clicked)
        self.reset_button = QPushButton(translate("DecisionBoundaryPage", "Reset"), objectName="basicsResetButton")
        self.reset_button.setToolTip(translate("DecisionBoundaryPage", "New initial weights (from the seed): start again"))
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        for b in (self.play_button, self.step_button, self.reset_button):
            buttons.addWidget(b)
        self.message = QLabel("", objectName="basicsMessage", wordWrap=True)

        left, left_layout, self._scroll, self._side = controls_column((data_box, self.controls),
                                                                      "basicsControlsScroll")
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.message)

        import pyqtgraph as pg

        self.plot = make_plot("decisionBoundaryPlot", translate("DecisionBoundaryPage", "Decision boundary (click to add a point)"), "x₂", "x₁",
                              legend=False)
        self.plot.setMinimumSize(260, 260)
        item = self.plot.getPlotItem()
        item.setAspectLocked(True)
        item.setRange(xRange=(-datasets.EXTENT, datasets.EXTENT), yRange=(-datasets.EXTENT, datasets.EXTENT),
                      padding=0)
        item.setMouseEnabled(x=False, y=False)
        self.boundary_image = pg.ImageItem()
        self.boundary_image.setLookupTable(two_class_lut())
        item.addItem(self.boundary_image)
        self.train_scatter = pg.ScatterPlotItem(size=7, pen=pg.mkPen("w", width=1))
        self.test_scatter = pg.ScatterPlotItem(size=7, brush=None)
        item.addItem(self.train_scatter)
        item.addItem(self.test_scatter)
        self.plot.scene().sigMouseClicked.connect(self._on_plot_clicked)
        self.status = QLabel(translate("DecisionBoundaryPage", "Press Play to train."), objectName="basicsStatus", wordWrap=True)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.plot, 1)
        centre_layout.addWidget(self.status)

        self.loss_plot = make_plot("basicsLossPlot", translate("DecisionBoundaryPage", "Loss"), translate("DecisionBoundaryPage", "cross-entropy"))
        self.train_curve = curve(self.loss_plot, "#31a354", translate("DecisionBoundaryPage", "train"))
        self.test_curve = curve(self.loss_plot, "#e6550d", translate("DecisionBoundaryPage", "test"), dashed=True)
        self.loss_range = SteppedRange(self.loss_plot)
        self._curves_drawn, self._curves_epoch = 0.0, None  # when the curves were last drawn, up to which epoch
        self._image_placed = False
        self.thumbnails = NeuronThumbnails()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.loss_plot, 1)
        right_layout.addWidget(self.thumbnails)

        splitter = QSplitter(Qt.Horizontal, objectName="basicsSplitter")
        for w, stretch in ((left, 0), (centre, 2), (right, 1)):
            splitter.addWidget(w)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._fit_to_font()

    # ------------------------------------------------------------------ data and settings
    def toy_spec(self) -> datasets.ToySpec:
        return datasets.ToySpec(self.dataset.currentData(), self.n_points.value(), self.noise.value(),
                                self.test_split.value() / 100, self.controls.seed.value())

    def settings(self) -> TrainSettings:
        return self.controls.settings(2, 2)

    def _make_data(self) -> datasets.Dataset:
        return datasets.make_toy(self.toy_spec()).with_points(tuple(self.points))

    def _check(self) -> str | None:
        """The message for a setting that cannot train, or None."""
        try:
            check(self.settings())
            self._make_data()
        except PlaygroundError as exc:
            return str(exc)
        return None

    @property
    def is_running(self) -> bool:
        return self._jobs.running("toy")

    def _worker(self) -> BasicsWorker | None:
        return self._jobs.worker("toy")

    @Slot()
    def _on_settings_changed(self) -> None:
        problem = self._check()
        if problem:
            self.message.setText(problem)  # refused: the current run and plots stay
            return
        self.reset()
        self.message.setText(self._hint())

    def _hint(self) -> str:
        """Advice for a data set the network cannot learn (two spirals with a small network), or ""."""
        m = self.settings().mlp
        if self.dataset.currentData() == "spirals" and (m.hidden_layers < 2 or m.neurons < 24):
            return translate("DecisionBoundaryPage", "Two spirals are too hard for this small network (it stays near 60%): press Spirals preset "
                             "for 2 × 32 neurons and less noise, or add neurons yourself.")
        return ""

    def _apply_preset(self, data: datasets.ToySpec, settings: TrainSettings, message: str) -> None:
        for w in (self.dataset, self.n_points, self.noise, self.test_split, self.controls):
            w.blockSignals(True)
        self.dataset.setCurrentIndex(datasets.TOY_DATASETS.index(data.name))
        self.n_points.setValue(data.n_points)
        self.noise.setValue(data.noise)
        self.test_split.setValue(round(data.test_fraction * 100))
        self.controls.set_settings(settings)
        self.controls.seed.setValue(data.seed)
        for w in (self.dataset, self.n_points, self.noise, self.test_split, self.controls):
            w.blockSignals(False)
        self.points.clear()
        self.reset()
        self.message.setText(message)

    def apply_overfitting_preset(self) -> None:
        self._apply_preset(OVERFIT_DATA, OVERFIT, translate("DecisionBoundaryPage", "Overfitting preset: press Play and watch the test loss climb "
                           "away from the train loss. Then set Dropout to 0.5 (or L2 to 0.001) and play again: "
                           "the gap closes."))

    def apply_spirals_preset(self) -> None:
        self._apply_preset(SPIRALS_DATA, SPIRALS, translate("DecisionBoundaryPage", "Spirals preset: 2 hidden layers of 32 neurons, learning rate "
                           "0.01, noise 0.05. Press Play: after about a hundred epochs the boundary winds along "
                           "both arms."))

    # ------------------------------------------------------------------ play / pause / step / reset
    @Slot()
    def _on_play_button_clicked(self) -> None:
        worker = self._worker()
        if worker is None:
            self._start(playing=True)
        elif worker.gate.playing:
            worker.gate.pause()
        else:
            worker.gate.play()
        self._sync_buttons()

    @Slot()
    def _on_step_button_clicked(self) -> None:
        worker = self._worker() or self._start(playing=False)
        if worker is not None:
            worker.gate.pause()
            worker.gate.step()
        self._sync_buttons()

    def play(self) -> None:
        """Start (or resume) training, as the Play button does."""
        if not (self.is_running and self._worker().gate.playing):
            self._on_play_button_clicked()

    def _start(self, *, playing: bool) -> BasicsWorker | None:
        problem = self._check()
        if problem:
            self.message.setText(problem)
            return None
        if self.result is not None or self.epochs:  # a finished run: start over
            self._clear()
        self.message.setText(self._hint())
        worker = BasicsWorker("toy", self.settings(), data=self.toy_spec(), points=tuple(self.points),
                              playing=playing)
        self._jobs.start("toy", worker, self._on_run_finished, self._on_run_failed,
                         on_cancelled=lambda _f: None)
        self._timer.start()
        return worker

    @Slot()
    def reset(self) -> None:
        """Stop the run and start again from new initial weights (the points stay). Nothing waits: the run
        is stopped and forgotten (it ends after its current batch; what it still sends is dropped)."""
        self._jobs.discard("toy")
        self._timer.stop()
        self._clear()
        self._data = self._make_data()
        self._draw_points()
        self._sync_buttons()

    def _clear(self) -> None:
        self.epochs.clear()
        self.train_losses.clear()
        self.test_losses.clear()
        self.last_report = self.result = self.last_snapshot = None
        self._curves_drawn, self._curves_epoch = 0.0, None
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])
        self.loss_range.reset()
        self.boundary_image.clear()
        self._image_placed = False
        self.thumbnails.set_neurons(None, ())
        self.thumbnails.set_rows(self.controls.layers.value())
        self.status.setText(translate("DecisionBoundaryPage", "Press Play to train."))

    def _sync_buttons(self) -> None:
        worker = self._worker()
        self.play_button.setText(translate("DecisionBoundaryPage", "Pause") if worker is not None and worker.gate.playing
                                  else translate("DecisionBoundaryPage", "Play"))

    # ------------------------------------------------------------------ results
    def _on_run_finished(self, result) -> None:
        self._flush(final=True)
        self.result = result
        self._timer.stop()
        self.status.setText(self.status.text() + translate("DecisionBoundaryPage", " · done"))
        self.run_finished.emit(result)

    def _on_run_failed(self, failure: Failure) -> None:
        self._flush(final=True)
        self._timer.stop()
        self.message.setText(failure.message)

    @Slot(str)
    def _on_jobs_job_done(self, _name: str) -> None:
        self._sync_buttons()

    def _flush(self, final: bool = False) -> None:
        """Apply what the worker sent: the latest snapshot, and the new epochs (the curves at most every
        CURVES_S, and on `final`)."""
        worker = self._worker()
        if worker is None:
            return
        snapshot = worker.take_snapshot()
        if snapshot is not None:
            worker.gate.make_way(MAKE_WAY_S)  # the repaint that follows gets the GIL to itself
            self._draw_snapshot(snapshot)
        for r in worker.drain():
            if self.epochs and r.epoch <= self.epochs[-1]:
                continue
            self.epochs.append(r.epoch)
            self.train_losses.append(r.train_loss)
            self.test_losses.append(r.test_loss)
            self.last_report = r
        now = time.monotonic()
        if self.last_report is None or not (final or now - self._curves_drawn >= CURVES_S):
            return
        if self.epochs[-1] == self._curves_epoch:
            return  # nothing new
        self._curves_drawn, self._curves_epoch = now, self.epochs[-1]
        worker.gate.make_way(MAKE_WAY_S)
        self.train_curve.setData(self.epochs, self.train_losses)
        self.test_curve.setData(self.epochs, self.test_losses)
        self.loss_range.update(self.epochs[-1], max(max(self.train_losses), max(self.test_losses)))
        r = self.last_report
        self.status.setText(translate("DecisionBoundaryPage", "Epoch {epoch} · loss train {train_loss}, test {test_loss} · accuracy "
                                      "train {train_accuracy}, test {test_accuracy} · ‖w‖ {norm}").format(
            epoch=r.epoch, train_loss=f"{r.train_loss:.3f}", test_loss=f"{r.test_loss:.3f}",
            train_accuracy=f"{r.train_accuracy:.0%}", test_accuracy=f"{r.test_accuracy:.0%}", norm=f"{r.weight_norm:.2f}"))

    def _draw_snapshot(self, snapshot) -> None:
        self.boundary_image.setImage(snapshot.boundary.T, levels=(0.0, 1.0), autoLevels=False)
        if not self._image_placed:
            e = datasets.EXTENT
            self.boundary_image.setRect(QRectF(-e, -e, 2 * e, 2 * e))
            self._image_placed = True
        self.thumbnails.set_neurons(snapshot.neurons, snapshot.neuron_layers)
        self.last_snapshot = snapshot
        self.redraws += 1

    # ------------------------------------------------------------------ points
    def _draw_points(self) -> None:
        import pyqtgraph as pg

        d = self._data
        brushes = [pg.mkBrush(c) for c in CLASS_COLORS]
        pens = [pg.mkPen(c, width=2) for c in CLASS_COLORS]
        self.train_scatter.setData(d.x_train[:, 0], d.x_train[:, 1], brush=[brushes[c] for c in d.y_train])
        self.test_scatter.setData(d.x_test[:, 0], d.x_test[:, 1], pen=[pens[c] for c in d.y_test], brush=None)

    def add_point(self, x: float, y: float, label: int) -> None:
        """Add a training point (what a click on the plot does) and start over with it."""
        self.points.append((float(x), float(y), int(label)))
        self.reset()

    @Slot()
    def _on_clear_points_clicked(self) -> None:
        self.points.clear()
        self.reset()

    def _on_plot_clicked(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        pos = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        e = datasets.EXTENT
        if -e <= pos.x() <= e and -e <= pos.y() <= e:
            label = self.click_class.currentIndex()
            if event.modifiers() & Qt.ShiftModifier:
                label = 1 - label
            self.add_point(pos.x(), pos.y(), label)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            self._fit_to_font()

    def _fit_to_font(self) -> None:
        """Minimum sizes that follow the font (zoom): the controls never clipped; two lines of status from
        the start, so a longer status does not shrink the plots (a relayout regenerates every axis)."""
        self._scroll.setMinimumWidth(self._side.sizeHint().width() + 24)
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing() + 4)

    def shutdown(self) -> None:
        self._timer.stop()
        self._jobs.shutdown()

