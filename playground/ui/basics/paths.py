"""Optimizer paths: SGD, Momentum, AdaGrad, RMSprop and Adam (torch's own) walking down a 2-D loss
surface from the same start, animated step by step, with their update rules beside the plot.

The paths are computed in the core (core/basics/paths.py) on a worker thread (a few hundred ms for
five optimizers), then revealed here one step per timer tick."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QT_TRANSLATE_NOOP, QTimer, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QSlider, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from playground.core.basics.paths import MAX_STEPS, OPTIMIZERS, PathConfig, PathConfigError, compute_scene
from playground.core.basics.surfaces import SURFACES
from playground.ui.basics.core_texts import core_text
from playground.ui.basics.paths_plot import PathsPlot
from playground.ui.basics.paths_side import OptimizerSide
from playground.ui.widgets.contrast import MutedLabel
from playground.ui.widgets.spinboxes import SciSpinBox
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs
from playground.ui.i18n import translate

SPEEDS = (10, 30, 100)  # steps per second
MAX_TICK_HZ = 30  # faster speeds reveal several steps per tick rather than redrawing more often
# What each config field's control is called (messages name the control) and its objectName.
CONTROLS = {"lr": (QT_TRANSLATE_NOOP("OptimizerPathsPanel", "Learning rate η (SGD, Momentum)"), "pathLearningRateSpin"),
            "adaptive_lr": (QT_TRANSLATE_NOOP("OptimizerPathsPanel", "Step size η (AdaGrad, RMSprop, Adam)"), "pathStepSizeSpin"),
            "momentum": (QT_TRANSLATE_NOOP("OptimizerPathsPanel", "Momentum β"), "pathMomentumSpin"), "beta1": ("Adam β₁", "pathBeta1Spin"),
            "beta2": ("Adam β₂", "pathBeta2Spin"), "rho": ("RMSprop ρ", "pathRhoSpin"),
            "steps": (QT_TRANSLATE_NOOP("OptimizerPathsPanel", "Steps"), "pathStepsSpin"), "start": (QT_TRANSLATE_NOOP("OptimizerPathsPanel", "Start point"), None)}
LR_HELP = QT_TRANSLATE_NOOP("OptimizerPathsPanel", "SGD and Momentum move θ by η × the gradient: a steep surface needs a small η. AdaGrad, "
                             "RMSprop and Adam divide the gradient by its running size first, so their step size is "
                             "roughly how far θ moves in one step, in plot units, however steep the surface.")


def control_name(field: str) -> str:
    """The control that sets PathConfig `field`, as messages name it."""
    return translate("OptimizerPathsPanel", CONTROLS.get(field, (field,))[0])


class BetaSpinBox(QDoubleSpinBox):
    """0.9, 0.999, 0.9999: as many decimals as the value has, no trailing zeros."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"


def _beta_spin(name: str, value: float) -> QDoubleSpinBox:
    spin = BetaSpinBox(objectName=name, decimals=4, singleStep=0.01, keyboardTracking=False)
    spin.setRange(0.0, 1.0)  # 1 itself is refused with a message (the core says why)
    spin.setValue(value)
    return spin


class _Column(QScrollArea):
    """A side column that scrolls down but is never narrower than its content (zoomed, a label or a spin
    box was cut off at the right edge)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        content = self.widget().minimumSizeHint().width() if self.widget() is not None else 0
        return QSize(content + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth(), 80)


class OptimizerPathsPanel(QWidget):
    paths_computed = Signal(object)  # core.basics.paths.PathsResult, once drawn
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = PathConfig().resolved()  # the last accepted settings
        self._result = None  # the PathsResult drawn
        self._step = 0
        self._jobs = Jobs(self)
        self._tick = QTimer(self, timeout=self._on_tick_timeout)
        self._redraw = QTimer(self, singleShot=True, interval=1000 // MAX_TICK_HZ, timeout=self._draw_step)
        self._started = False  # the first paths are computed when the panel is first shown
        self._pending = False  # paths asked for, not arrived yet
        self._build()
        self._show_config(self._config)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self._scrolled(self._settings_column(), "pathSettingsScroll"))
        split.addWidget(self._plot_column())
        self.side = OptimizerSide()
        self.side.shown_changed.connect(self.plot.set_shown)
        self.table = self.side.table
        split.addWidget(self._scrolled(self.side, "pathOptimizersScroll"))
        split.setStretchFactor(1, 1)
        split.setSizes([260, 640, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    @staticmethod
    def _scrolled(widget: QWidget, name: str) -> QScrollArea:
        scroll = _Column(objectName=name, widgetResizable=True, horizontalScrollBarPolicy=Qt.ScrollBarAlwaysOff)
        scroll.setWidget(widget)
        return scroll

    def _settings_column(self) -> QWidget:
        self.surface_combo = QComboBox(objectName="pathSurfaceCombo")
        for key, surface in SURFACES.items():
            self.surface_combo.addItem(core_text(surface.title), key)
        self.surface_combo.currentIndexChanged.connect(self._on_surface_combo_changed)
        self.description = MutedLabel(objectName="pathSurfaceDescription", wordWrap=True)
        self.spins = {"lr": SciSpinBox(0.1, objectName="pathLearningRateSpin"),
                      "adaptive_lr": SciSpinBox(0.1, objectName="pathStepSizeSpin")}
        for name in ("momentum", "beta1", "beta2", "rho"):
            self.spins[name] = _beta_spin(CONTROLS[name][1], 0.9)
        self.spins["steps"] = QSpinBox(objectName="pathStepsSpin", keyboardTracking=False)
        self.spins["steps"].setRange(1, MAX_STEPS)
        for spin in self.spins.values():
            spin.valueChanged.connect(self._on_spin_value_changed)
        rates = QFormLayout()
        rates.setRowWrapPolicy(QFormLayout.WrapLongRows)
        rates.addRow(translate("OptimizerPathsPanel", "η (SGD, Momentum)"), self.spins["lr"])
        rates.addRow(translate("OptimizerPathsPanel", "η (AdaGrad, RMSprop, Adam)"), self.spins["adaptive_lr"])
        rates.addRow(MutedLabel(translate("OptimizerPathsPanel", LR_HELP), wordWrap=True))
        rates_box = QGroupBox(translate("OptimizerPathsPanel", "Learning rates"))
        rates_box.setLayout(rates)
        decay = QFormLayout()
        for name in ("momentum", "beta1", "beta2", "rho", "steps"):
            decay.addRow(control_name(name), self.spins[name])
        decay_box = QGroupBox(translate("OptimizerPathsPanel", "Averaging and steps"))
        decay_box.setLayout(decay)
        self.start_label = QLabel(objectName="pathStartLabel", wordWrap=True)
        self.message = QLabel(objectName="pathMessage", wordWrap=True)
        self.message.setStyleSheet("color: #d64541; font-weight: bold;")
        column = QWidget()
        layout = QVBoxLayout(column)
        for widget in (QLabel(translate("OptimizerPathsPanel", "Surface")), self.surface_combo, self.description, rates_box, decay_box,
                       self.start_label, self.message):
            layout.addWidget(widget)
        layout.addStretch(1)
        return column

    def _plot_column(self) -> QWidget:
        self.plot = PathsPlot({spec.key: core_text(spec.title) for spec in OPTIMIZERS})
        self.plot.start_picked.connect(self._on_plot_start_picked)
        self.play_button = QPushButton(translate("OptimizerPathsPanel", "Play"), objectName="pathPlayButton")
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.step_button = QPushButton(translate("OptimizerPathsPanel", "Step"), objectName="pathStepButton")
        self.step_button.clicked.connect(self._on_step_button_clicked)
        self.reset_button = QPushButton(translate("OptimizerPathsPanel", "Reset"), objectName="pathResetButton")
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.slider = QSlider(Qt.Horizontal, objectName="pathStepSlider")
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.step_label = QLabel(objectName="pathStepLabel")
        self.speed_combo = QComboBox(objectName="pathSpeedCombo")
        for speed in SPEEDS:
            self.speed_combo.addItem(translate("OptimizerPathsPanel", "{speed} steps/s").format(speed=speed), speed)
        self.speed_combo.setCurrentIndex(1)
        self.speed_combo.currentIndexChanged.connect(self._on_speed_combo_changed)
        scrub = QHBoxLayout()
        scrub.addWidget(self.slider, 1)
        scrub.addWidget(self.step_label)
        transport = QHBoxLayout()
        for widget in (self.play_button, self.step_button, self.reset_button, self.speed_combo):
            transport.addWidget(widget)
        transport.addStretch(1)
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addLayout(scrub)
        layout.addLayout(transport)
        return column

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._started:
            self._started = True
            self._compute(self._config)

    # ------------------------------------------------------------------ settings
    def _show_config(self, config: PathConfig) -> None:
        """Put an accepted config in the controls (without reacting to it)."""
        if self.surface_combo.currentData() != config.surface:
            self.surface_combo.blockSignals(True)
            self.surface_combo.setCurrentIndex(self.surface_combo.findData(config.surface))
            self.surface_combo.blockSignals(False)
        for name, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(getattr(config, name))
            spin.blockSignals(False)
        self.description.setText(core_text(SURFACES[config.surface].description))
        x, y = config.start
        self.start_label.setText(translate("OptimizerPathsPanel", "Start: ({x}, {y}). Click the plot to start somewhere else.").format(
            x=f"{x:.3g}", y=f"{y:.3g}"))

    def _propose(self, config: PathConfig) -> None:
        """Check new settings; compute their paths, or refuse them with a message and keep the old ones."""
        try:
            config = config.resolved()
        except PathConfigError as exc:
            self.message.setText(f"{control_name(exc.field)} {exc}")
            self._show_config(self._config)
            return
        self.message.clear()
        self._config = config
        self._show_config(config)
        self._compute(config)

    def _compute(self, config: PathConfig) -> None:
        self.side.set_caption(translate("OptimizerPathsPanel", "Computing the paths…"))
        self._pending = True
        self._jobs.start("paths", FunctionWorker(compute_scene, config), self._on_scene_computed,
                         self._on_scene_failed)

    def _spin_config(self) -> PathConfig:
        values = {name: spin.value() for name, spin in self.spins.items()}
        values["steps"] = int(values["steps"])
        return PathConfig(surface=self._config.surface, start=self._config.start, seed=self._config.seed, **values)

    @Slot()
    def _on_spin_value_changed(self) -> None:
        self._propose(self._spin_config())

    @Slot(int)
    def _on_surface_combo_changed(self, _index: int) -> None:
        # A new surface starts from its own defaults: each one's learning rates are chosen to show its lesson.
        keep = {name: getattr(self._config, name) for name in ("momentum", "beta1", "beta2", "rho")}
        self._propose(PathConfig(surface=self.surface_combo.currentData(), **keep))

    @Slot(float, float)
    def _on_plot_start_picked(self, x: float, y: float) -> None:
        from dataclasses import replace

        self._propose(replace(self._config, start=(x, y)))

    def set_start(self, x: float, y: float) -> None:
        self._on_plot_start_picked(x, y)

    # ------------------------------------------------------------------ results
    def _on_scene_computed(self, scene) -> None:
        self._pending = False
        result = scene.result
        if self._result is None or self._result.config.surface != result.config.surface:
            self.plot.set_surface(scene.picture, SURFACES[result.config.surface])
        self._result = result
        self.plot.set_paths(result)
        self.slider.blockSignals(True)
        self.slider.setRange(0, result.config.steps)
        self.slider.blockSignals(False)
        self._go_to(0)
        self._play()  # new settings replay from the start: the paths are the point
        self.paths_computed.emit(result)

    def _on_scene_failed(self, failure) -> None:
        self._pending = False
        self.side.set_caption("")
        self.message.setText(translate("OptimizerPathsPanel", "Could not compute the paths: {failure}").format(failure=failure))
        self.failed.emit(str(failure))

    # ------------------------------------------------------------------ animation
    def _go_to(self, step: int) -> None:
        self._step = max(0, min(step, self.slider.maximum()))
        self.slider.blockSignals(True)
        self.slider.setValue(self._step)
        self.slider.blockSignals(False)
        if self._result is not None:
            self.step_label.setText(translate("OptimizerPathsPanel", "step {step} / {steps}").format(step=self._step,
                                                                                         steps=self._result.config.steps))
        if not self._redraw.isActive():
            self._redraw.start()  # at most ~30 redraws a second, however fast the steps come

    @Slot()
    def _draw_step(self) -> None:
        if self._result is not None:
            self.plot.show_step(self._step)
            self.side.show_step(self._result, self._step)

    def _play(self) -> None:
        speed = self.speed_combo.currentData()
        self._tick.setInterval(round(1000 / min(speed, MAX_TICK_HZ)))
        self._tick.start()
        self.play_button.setText(translate("OptimizerPathsPanel", "Pause"))

    def pause(self) -> None:
        self._tick.stop()
        self.play_button.setText(translate("OptimizerPathsPanel", "Play"))

    def playing(self) -> bool:
        return self._tick.isActive()

    @property
    def step(self) -> int:
        return self._step

    @property
    def result(self):
        """The PathsResult drawn (None before the first one)."""
        return self._result

    def computing(self) -> bool:
        """New paths were asked for and have not arrived yet."""
        return self._pending

    @Slot()
    def _on_tick_timeout(self) -> None:
        per_tick = max(1, round(self.speed_combo.currentData() / MAX_TICK_HZ))
        self._go_to(self._step + per_tick)
        if self._step >= self.slider.maximum():
            self.pause()

    @Slot()
    def _on_play_button_clicked(self) -> None:
        if self.playing():
            self.pause()
        elif self._result is not None:
            if self._step >= self.slider.maximum():
                self._go_to(0)  # played to the end: Play replays
            self._play()

    @Slot()
    def _on_step_button_clicked(self) -> None:
        self.pause()
        self._go_to(self._step + 1)

    @Slot()
    def _on_reset_button_clicked(self) -> None:
        self.pause()
        self._go_to(0)

    @Slot(int)
    def _on_slider_value_changed(self, value: int) -> None:
        self.pause()  # the user took over
        self._go_to(value)

    @Slot(int)
    def _on_speed_combo_changed(self, _index: int) -> None:
        if self.playing():
            self._play()

    def shutdown(self) -> None:
        """Stop the animation and wait for a computation still running (closing the window)."""
        self._tick.stop()
        self._redraw.stop()
        self._jobs.shutdown()
        self._pending = False
