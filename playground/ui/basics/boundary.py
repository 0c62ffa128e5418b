"""Basics › Decision boundary: a 2-D toy set, an MLP from the controls, and what it learns as it trains.

Play / pause / step one epoch / reset drive a BasicsWorker through its Gate. The worker computes the
boundary grid and each hidden neuron's output; this page drains its reports on a 15 Hz timer and only
draws (setImage / setData). Editing a control starts over with the new settings (a bad value is refused
with a message naming the control, and the current run stays).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from playground.core.basics import datasets
from playground.core.basics.mlp import MLPSpec, TrainSettings, check
from playground.core.errors import Failure, PlaygroundError
from playground.ui.basics.controls import NetworkControls
from playground.ui.basics.plotting import curve, make_plot
from playground.ui.basics.views import CLASS_COLORS, NeuronThumbnails, two_class_lut
from playground.workers.basics import BasicsWorker
from playground.workers.jobs import Jobs

DEFAULTS = TrainSettings(MLPSpec(2, 2, hidden_layers=2, neurons=8), optimizer="adam", lr=0.03, batch_size=16)
# Few noisy points and a big network: it learns the training points by heart and the test loss climbs.
OVERFIT_DATA = datasets.ToySpec("circles", n_points=60, noise=0.25, test_fraction=0.5, seed=1)
OVERFIT = TrainSettings(MLPSpec(2, 2, hidden_layers=4, neurons=32), optimizer="adam", lr=0.01, batch_size=8,
                        seed=0, epochs=200)
DATASET_LABELS = {"circles": "Circles", "xor": "XOR", "spirals": "Two spirals", "blobs": "Gaussian blobs"}
REDRAW_MS = 66  # ~15 Hz


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
        self._pending_visual = None
        self._build()
        self._data = self._make_data()
        self._draw_points()
        self._timer = QTimer(self, interval=REDRAW_MS, timeout=self._flush)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.dataset = QComboBox(objectName="basicsDatasetCombo")
        for name in datasets.TOY_DATASETS:
            self.dataset.addItem(DATASET_LABELS[name], name)
        self.n_points = QSpinBox(objectName="basicsPointsSpin", minimum=4, maximum=5000, value=400)
        self.noise = QDoubleSpinBox(objectName="basicsNoiseSpin", minimum=0.0, maximum=1.0, value=0.1,
                                    singleStep=0.05, decimals=2)
        self.test_split = QSpinBox(objectName="basicsTestSplitSpin", minimum=1, maximum=99, value=50, suffix=" %")
        self.click_class = QComboBox(objectName="basicsClickClassCombo")
        self.click_class.addItems(["orange (class 0)", "blue (class 1)"])
        self.click_class.setToolTip("The class a click on the plot adds (Shift-click adds the other one)")
        clear_points = QPushButton("Remove added points", objectName="basicsClearPointsButton")
        clear_points.clicked.connect(self._on_clear_points_clicked)
        preset = QPushButton("Overfitting preset", objectName="basicsOverfitPresetButton")
        preset.setToolTip("Few noisy points, a big network: watch the test loss leave the train loss behind, then "
                          "turn on Dropout or L2")
        preset.clicked.connect(self.apply_overfitting_preset)
        data_box = QGroupBox("Data")
        form = QFormLayout(data_box)
        form.addRow("Dataset", self.dataset)
        form.addRow("Points", self.n_points)
        form.addRow("Noise", self.noise)
        form.addRow("Test split", self.test_split)
        form.addRow("Click adds", self.click_class)
        form.addRow(clear_points)
        form.addRow(preset)
        for w in (self.n_points, self.noise, self.test_split):
            w.setKeyboardTracking(False)
            w.valueChanged.connect(self._on_settings_changed)
        self.dataset.currentIndexChanged.connect(self._on_settings_changed)
        self.controls = NetworkControls("basics", DEFAULTS)
        self.controls.changed.connect(self._on_settings_changed)

        self.play_button = QPushButton("Play", objectName="basicsPlayButton")
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.step_button = QPushButton("Step", objectName="basicsStepButton")
        self.step_button.setToolTip("Train one epoch, then pause")
        self.step_button.clicked.connect(self._on_step_button_clicked)
        self.reset_button = QPushButton("Reset", objectName="basicsResetButton")
        self.reset_button.setToolTip("New initial weights (from the seed): start again")
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        for b in (self.play_button, self.step_button, self.reset_button):
            buttons.addWidget(b)
        self.message = QLabel("", objectName="basicsMessage", wordWrap=True)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(data_box)
        side_layout.addWidget(self.controls)
        side_layout.addStretch(1)
        scroll = QScrollArea(objectName="basicsControlsScroll", widgetResizable=True)
        scroll.setWidget(side)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(side.sizeHint().width() + 24)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(scroll, 1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.message)

        import pyqtgraph as pg

        self.plot = make_plot("decisionBoundaryPlot", "Decision boundary (click to add a point)", "x₂", "x₁")
        self.plot.setMinimumSize(260, 260)
        item = self.plot.getPlotItem()
        item.legend.setVisible(False)
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
        self.status = QLabel("Press Play to train.", objectName="basicsStatus", wordWrap=True)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.plot, 1)
        centre_layout.addWidget(self.status)

        self.loss_plot = make_plot("basicsLossPlot", "Loss", "cross-entropy")
        self.train_curve = curve(self.loss_plot, "#31a354", "train")
        self.test_curve = curve(self.loss_plot, "#e6550d", "test", dashed=True)
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

    def apply_overfitting_preset(self) -> None:
        for w in (self.dataset, self.n_points, self.noise, self.test_split, self.controls):
            w.blockSignals(True)
        self.dataset.setCurrentIndex(datasets.TOY_DATASETS.index(OVERFIT_DATA.name))
        self.n_points.setValue(OVERFIT_DATA.n_points)
        self.noise.setValue(OVERFIT_DATA.noise)
        self.test_split.setValue(round(OVERFIT_DATA.test_fraction * 100))
        self.controls.set_settings(OVERFIT)
        self.controls.seed.setValue(OVERFIT_DATA.seed)
        for w in (self.dataset, self.n_points, self.noise, self.test_split, self.controls):
            w.blockSignals(False)
        self.points.clear()
        self.reset()
        self.message.setText("Overfitting preset: press Play and watch the test loss climb away from the train "
                             "loss. Then set Dropout to 0.5 (or L2 to 0.001) and play again: the gap closes.")

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
        self.message.setText("")
        worker = BasicsWorker("toy", self.settings(), data=self.toy_spec(), points=tuple(self.points),
                              playing=playing)
        self._jobs.start("toy", worker, self._on_run_finished, self._on_run_failed,
                         on_cancelled=lambda _f: None)
        self._timer.start()
        return worker

    @Slot()
    def reset(self) -> None:
        """Stop the run and start again from new initial weights (the points stay)."""
        self._jobs.stop("toy")
        self._jobs.shutdown()  # a stopped run ends within one epoch; its late reports are dropped
        self._clear()
        self._data = self._make_data()
        self._draw_points()
        self._sync_buttons()

    def _clear(self) -> None:
        self.epochs.clear()
        self.train_losses.clear()
        self.test_losses.clear()
        self.last_report = self.result = self._pending_visual = None
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])
        self.boundary_image.clear()
        self.thumbnails.set_neurons(None, ())
        self.status.setText("Press Play to train.")

    def _sync_buttons(self) -> None:
        worker = self._worker()
        self.play_button.setText("Pause" if worker is not None and worker.gate.playing else "Play")

    # ------------------------------------------------------------------ results
    def _on_run_finished(self, result) -> None:
        self._flush()
        self.result = result
        self._timer.stop()
        self.status.setText(self.status.text() + " · done")
        self.run_finished.emit(result)

    def _on_run_failed(self, failure: Failure) -> None:
        self._flush()
        self._timer.stop()
        self.message.setText(failure.message)

    @Slot(str)
    def _on_jobs_job_done(self, _name: str) -> None:
        self._sync_buttons()

    def _flush(self) -> None:
        worker = self._worker()
        reports = worker.drain() if worker is not None else []
        if not reports:
            return
        for r in reports:
            if r.epoch in self.epochs:
                continue
            self.epochs.append(r.epoch)
            self.train_losses.append(r.train_loss)
            self.test_losses.append(r.test_loss)
            if r.boundary is not None:
                self._pending_visual = r
        self.last_report = reports[-1]
        self.train_curve.setData(self.epochs, self.train_losses)
        self.test_curve.setData(self.epochs, self.test_losses)
        if self._pending_visual is not None:
            v, self._pending_visual = self._pending_visual, None
            self.boundary_image.setImage(v.boundary.T, levels=(0.0, 1.0), autoLevels=False)
            e = datasets.EXTENT
            self.boundary_image.setRect(QRectF(-e, -e, 2 * e, 2 * e))
            self.thumbnails.set_neurons(v.neurons, v.neuron_layers)
            self.redraws += 1
        r = self.last_report
        self.status.setText(f"Epoch {r.epoch} · loss train {r.train_loss:.3f}, test {r.test_loss:.3f} · accuracy "
                            f"train {r.train_accuracy:.0%}, test {r.test_accuracy:.0%} · ‖w‖ {r.weight_norm:.2f}")

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

    def shutdown(self) -> None:
        self._timer.stop()
        self._jobs.shutdown()

