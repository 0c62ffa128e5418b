"""Basics › Digits: the classic MLP on scikit-learn's 8×8 handwritten digits.

Train shows live loss and accuracy (train and test), then the confusion matrix and the misclassified test
digits; the pad asks the trained network (a frozen copy, in a worker) what a drawn digit is. Compare
optimizers trains the same network from the same initial weights once per optimizer and overlays them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from playground.core.basics.mlp import OPTIMIZERS, MLPSpec, TrainSettings, check
from playground.core.errors import Failure, PlaygroundError
from playground.ui.basics.controls import NetworkControls, controls_column, optimizer_label
from playground.ui.basics.plotting import SteppedRange, curve, make_plot
from playground.ui.basics.views import DigitPad, MisclassifiedGallery, ProbabilityBars
from playground.ui.widgets.heatmap import HeatmapData, HeatmapView
from playground.ui.widgets.plots import OVERLAY_COLORS
from playground.workers.basics import BasicsWorker, predict_worker
from playground.workers.jobs import Jobs
from playground.ui.i18n import translate

# The seed's network: Dense(128, relu) → Dropout(0.2) → Dense(10, softmax), trained with Adam.
CLASSIC = TrainSettings(MLPSpec(64, 10, hidden_layers=1, neurons=128, activation="relu", dropout=0.2),
                        optimizer="adam", lr=0.001, batch_size=32, seed=0, epochs=20)
REDRAW_MS = 100  # the curves, at most 10 times a second (an epoch takes ~50-100 ms)
MAKE_WAY_S = 0.02  # the run pauses this long between batches after each redraw (two plots: workers/basics.py)


class DigitsPage(QWidget):
    run_finished = Signal(object)  # RunResult, or {optimizer: RunResult} after a comparison
    probabilities_shown = Signal(object)  # np.ndarray (10,)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digitsPage")
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)
        self.history: dict[str, dict[str, list[float]]] = {}  # run label -> field -> values per epoch
        self._curves: dict[tuple[str, str], object] = {}  # (label, field) -> curve
        self.last_report = None
        self.result = None
        self.predictor = None
        self._curves_kind = ""  # "digits" or "compare": the runs the curves are for
        self._build()
        self._prepare_curves("digits")
        self._timer = QTimer(self, interval=REDRAW_MS, timeout=self._flush)
        self._predict_timer = QTimer(self, singleShot=True, interval=40, timeout=self._predict)

    def _build(self) -> None:
        self.controls = NetworkControls("digits", CLASSIC)
        self.train_button = QPushButton(translate("DigitsPage", "Train"), objectName="digitsTrainButton")
        self.train_button.clicked.connect(self._on_train_button_clicked)
        self.compare_button = QPushButton(translate("DigitsPage", "Compare optimizers"), objectName="digitsCompareButton")
        self.compare_button.setToolTip(translate("DigitsPage", "Train this network once per optimizer, from the same initial "
                                                 "weights, and overlay their curves"))
        self.compare_button.clicked.connect(self._on_compare_button_clicked)
        self.message = QLabel(translate("DigitsPage", "The classic MLP: Dense(128, ReLU) → Dropout(0.2) → Dense(10, softmax), "
                                        "on 1,797 8×8 digits (80% train, 20% test)."), objectName="digitsMessage", wordWrap=True)
        left, left_layout, self._scroll, self._side = controls_column((self.controls,), "digitsControlsScroll")
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.compare_button)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.message)

        self.accuracy_plot = make_plot("digitsAccuracyPlot", translate("DigitsPage", "Accuracy"), translate("DigitsPage", "accuracy"), legend_offset=(-10, -40))
        self.loss_plot = make_plot("digitsLossPlot", translate("DigitsPage", "Loss"), translate("DigitsPage", "cross-entropy"))
        self.accuracy_range = SteppedRange(self.accuracy_plot, y_max=1.0)
        self.loss_range = SteppedRange(self.loss_plot)
        self.status = QLabel("", objectName="digitsStatus", wordWrap=True)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.accuracy_plot, 1)
        centre_layout.addWidget(self.loss_plot, 1)
        centre_layout.addWidget(self.status)

        self.confusion = HeatmapView("confusionMatrixView")
        self.confusion.set_empty_text(translate("DigitsPage", "Train to see which digits it confuses."))
        self.confusion.set_hint(translate("DigitsPage", "Row: the true digit · hover a cell for its share"))
        self.confusion.setMinimumSize(200, 150)
        self.gallery = MisclassifiedGallery()
        self.pad = DigitPad()
        self.pad.drawn.connect(self._on_pad_drawn)
        clear = QPushButton(translate("DigitsPage", "Clear"), objectName="digitClearButton")
        clear.clicked.connect(self.pad.clear)
        self.bars = ProbabilityBars()
        self.pad_label = QLabel(translate("DigitsPage", "Train, then draw a digit."), objectName="digitPadLabel", wordWrap=True)
        pad_box = QGroupBox(translate("DigitsPage", "Draw a digit"))
        self.pad_box = pad_box
        pad_outer = QVBoxLayout(pad_box)
        pad_layout = QHBoxLayout()
        pad_outer.addLayout(pad_layout)
        pad_outer.addWidget(self.pad_label)  # under both columns: its lines never squeeze the bars
        pad_column = QVBoxLayout()
        pad_column.addWidget(self.pad)
        pad_column.addWidget(clear)
        pad_layout.addLayout(pad_column)
        bars_column = QVBoxLayout()
        bars_column.addWidget(self.bars)
        bars_column.addStretch(1)
        pad_layout.addLayout(bars_column, 1)
        gallery_box = QGroupBox(translate("DigitsPage", "Misclassified test digits (true → predicted)"))
        QVBoxLayout(gallery_box).addWidget(self.gallery)
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.confusion)
        right.addWidget(gallery_box)
        right.addWidget(pad_box)
        right.setChildrenCollapsible(False)
        for i, stretch in enumerate((3, 1, 0)):
            right.setStretchFactor(i, stretch)

        splitter = QSplitter(Qt.Horizontal, objectName="digitsSplitter")
        for w, stretch in ((left, 0), (centre, 2), (right, 2)):
            splitter.addWidget(w)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setChildrenCollapsible(False)
        QVBoxLayout(self).addWidget(splitter)
        self._fit_to_font()

    def _fit_to_font(self) -> None:
        """Minimum sizes that follow the font (zoom): the controls never clipped, every bar readable."""
        self._scroll.setMinimumWidth(self._side.sizeHint().width() + 24)
        self.pad_box.setMinimumHeight(self.pad_box.sizeHint().height())
        self.gallery.setMinimumHeight(48 + 3 * self.fontMetrics().height())  # one row: image and label
        # Room for two lines from the start: the first epoch's text does not shrink the plots (a relayout
        # regenerates every axis, the costliest redraw there is)
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing() + 4)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            self._fit_to_font()

    def _set_pad_text(self, text: str) -> None:
        self.pad_label.setText(text)
        self.pad_box.setMinimumHeight(self.pad_box.sizeHint().height())

    # ------------------------------------------------------------------ runs
    def settings(self) -> TrainSettings:
        return self.controls.settings(64, 10)

    @property
    def is_running(self) -> bool:
        return self._jobs.running("digits")

    @Slot()
    def _on_train_button_clicked(self) -> None:
        if self.is_running:
            self._jobs.stop("digits")
            return
        self._start("digits")

    @Slot()
    def _on_compare_button_clicked(self) -> None:
        if self.is_running:
            self._jobs.stop("digits")
            return
        self._start("compare")

    def _start(self, kind: str) -> None:
        settings = self.settings()
        try:
            check(settings)
            if kind == "compare" and not settings.epochs:
                raise PlaygroundError(translate("DigitsPage", "Epochs: a comparison needs a number of epochs (above 0)."))
        except PlaygroundError as exc:
            self.message.setText(str(exc))  # refused: what is shown stays
            return
        self.history.clear()
        self._prepare_curves(kind)
        self.accuracy_range.reset(settings.epochs)
        self.loss_range.reset(settings.epochs)
        self.last_report = self.result = None
        worker = BasicsWorker(kind, settings, optimizers=OPTIMIZERS)
        self._jobs.start("digits", worker, self._on_run_finished, self._on_run_failed,
                         on_cancelled=self._on_run_cancelled)
        self.message.setText(translate("DigitsPage", "Comparing SGD, Momentum, AdaGrad, RMSprop and Adam from the same initial weights…")
                             if kind == "compare" else translate("DigitsPage", "Training…"))
        self.train_button.setText(translate("DigitsPage", "Stop"))
        self.compare_button.setText(translate("DigitsPage", "Stop"))
        self._timer.start()

    def _prepare_curves(self, kind: str) -> None:
        """Empty the curves of a run of this kind: kept from the last run of the same kind (creating
        plot items and legend entries is the costly part), made anew when the kind changes."""
        if kind == self._curves_kind:
            for c in self._curves.values():
                c.setData([], [])
            return
        for plot in (self.accuracy_plot, self.loss_plot):
            plot.getPlotItem().clear()
            plot.getPlotItem().legend.clear()
        self._curves.clear()
        self._curves_kind = kind
        if kind == "digits":
            for field in ("train_accuracy", "test_accuracy", "train_loss", "test_loss"):
                self._curve("", field)

    def _curve(self, label: str, field: str):
        key = (label, field)
        if key not in self._curves:
            labels = list(OPTIMIZERS) if label else [""]
            color = OVERLAY_COLORS[labels.index(label) % len(OVERLAY_COLORS)] if label else None
            name = optimizer_label(label) if label else ""
            plot = self.accuracy_plot if field.endswith("accuracy") else self.loss_plot
            if label:  # a comparison: test curves, one colour per optimizer
                self._curves[key] = curve(plot, color, name)
            else:
                train = field.startswith("train")
                self._curves[key] = curve(plot, "#31a354" if train else "#e6550d",
                                          translate("DigitsPage", "train") if train else translate("DigitsPage", "test"),
                                          dashed=not train)
        return self._curves[key]

    def _flush(self) -> None:
        worker = self._jobs.worker("digits")
        reports = worker.drain() if worker is not None else []
        if not reports:
            return
        worker.gate.make_way(MAKE_WAY_S)  # the repaint that follows gets the GIL to itself
        for r in reports:
            h = self.history.setdefault(r.label, {k: [] for k in ("epoch", "train_loss", "test_loss",
                                                                 "train_accuracy", "test_accuracy")})
            for k in h:
                h[k].append(getattr(r, k))
        self.last_report = reports[-1]
        fields = ("test_accuracy", "test_loss")
        top_epoch, top_loss = 0, 0.0
        for label, h in self.history.items():
            for field in (fields if label else ("train_accuracy", "test_accuracy", "train_loss", "test_loss")):
                self._curve(label, field).setData(h["epoch"], h[field])
            top_epoch = max(top_epoch, h["epoch"][-1])
            top_loss = max(top_loss, max(h["test_loss"]), max(h["train_loss"]) if not label else 0.0)
        self.accuracy_range.update(top_epoch, 1.0)
        self.loss_range.update(top_epoch, top_loss)
        r = self.last_report
        who = f"{optimizer_label(r.label)} · " if r.label else ""
        self.status.setText(who + translate("DigitsPage", "Epoch {epoch} · accuracy train {train_accuracy}, test "
                                            "{test_accuracy} · loss train {train_loss}, test {test_loss}").format(
            epoch=r.epoch, train_accuracy=f"{r.train_accuracy:.1%}", test_accuracy=f"{r.test_accuracy:.1%}",
            train_loss=f"{r.train_loss:.3f}", test_loss=f"{r.test_loss:.3f}"))

    def _on_run_finished(self, result) -> None:
        self._flush()
        self._timer.stop()
        self.result = result
        single = result if not isinstance(result, dict) else result.get(self.settings().optimizer)
        if isinstance(result, dict):
            best = max(result, key=lambda k: result[k].last.test_accuracy)
            self.message.setText(translate("DigitsPage", "Test accuracy: {accuracies}. Best: {best}.").format(
                accuracies=", ".join(f"{optimizer_label(k)} {v.last.test_accuracy:.1%}" for k, v in result.items()),
                best=optimizer_label(best)))
        else:
            self.message.setText(translate("DigitsPage", "Done: {accuracy} of the test digits right.").format(
                accuracy=f"{result.last.test_accuracy:.1%}"))
        if single is not None:
            self._show_evaluation(single)
        self.run_finished.emit(result)

    def _show_evaluation(self, result) -> None:
        ev = result.evaluation
        self.predictor = result.predictor
        confusion = ev.confusion / np.maximum(ev.confusion.sum(1, keepdims=True), 1)
        labels = tuple(str(d) for d in range(10))
        self.confusion.set_data(HeatmapData(
            confusion, labels, labels, translate("DigitsPage", "Confusion matrix (share of each true digit)"), causal=False,
            row_axis=translate("DigitsPage", "true"), col_axis=translate("DigitsPage", "predicted")))
        self.confusion.set_boost(False)
        self.gallery.set_mistakes(ev.mistakes)
        self._set_pad_text(translate("DigitsPage", "Draw a digit: the bars are the network's probabilities."))
        if self.pad.pixels().any():
            self._predict()

    def _on_run_failed(self, failure: Failure) -> None:
        self._flush()
        self._timer.stop()
        self.message.setText(failure.message)

    def _on_run_cancelled(self, failure: Failure) -> None:
        self._flush()
        self._timer.stop()
        self.message.setText(failure.message)

    @Slot(str)
    def _on_jobs_job_done(self, name: str) -> None:
        if name == "digits":
            self.train_button.setText(translate("DigitsPage", "Train"))
            self.compare_button.setText(translate("DigitsPage", "Compare optimizers"))

    # ------------------------------------------------------------------ the pad
    @Slot(object)
    def _on_pad_drawn(self, _pixels) -> None:
        self._predict_timer.start()  # one prediction per pause in the stroke, not per mouse move

    def _predict(self) -> None:
        if self.predictor is None:
            self._set_pad_text(translate("DigitsPage", "Train first: then the network says what you drew."))
            return
        self._jobs.start("predict", predict_worker(self.predictor, self.pad.pixels()), self._on_predicted,
                         lambda f: self._set_pad_text(f.message))

    def _on_predicted(self, probabilities) -> None:
        self.bars.set_values(probabilities)
        self._set_pad_text(translate("DigitsPage", "It says {digit} ({share}).").format(
            digit=int(np.argmax(probabilities)), share=f"{float(np.max(probabilities)):.0%}"))
        self.probabilities_shown.emit(probabilities)

    def shutdown(self) -> None:
        self._timer.stop()
        self._predict_timer.stop()
        self._jobs.shutdown()
