"""The Training tab: pick a preset or build a config, start/pause/stop, watch the curves and samples,
compare runs, and hand the trained model to the other tabs."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from playground.core.errors import Failure
from playground.core.types import ModelSource
from playground.ui.i18n import model_name, translate
from playground.ui.shell.context import TabContext
from playground.ui.training.layout import build
from playground.ui.training.runs import MetricsReader
from playground.workers.jobs import Jobs

JOB = "train"  # one run at a time (an optimizer race runs its contestants one after another)


def format_eta(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


class TrainingTab(QWidget):
    training_finished = Signal(object)  # TrainResult
    navigate_requested = Signal(str)  # the objectName of a tab to show ("chatTab", "architectureTab")
    # The stage a run is in, for the Learn panel: ("preprocess", status text), ("init", RunStarted),
    # ("step", StepMetrics): every step is forward → loss → backprop → update.
    stage_changed = Signal(str, object)

    def __init__(self, context: TabContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingTab")
        self.context = context or TabContext()  # on its own (tests, scripts): no model, no dialogs
        self.controller = controller = self.context.controller
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)
        self._queue: list = []  # optimizer race: configs still to run
        self._race_runs: list[Path] = []
        self._racing = False  # an optimizer race is on: the plots show its runs, not the runs list's selection
        self._run_dir: Path | None = None
        self._latest = None  # newest StepMetrics, drawn by the progress timer
        self._shown = None  # what the progress bar shows: (metrics, paused, outcome); redrawn only on a change
        self._origin: tuple[int, float] | None = None  # (step, elapsed) when this run's clock started
        self._outcome = ""  # replaces the ETA once the run is stopping or has ended ("stopped", …)
        self._devices_filled = False
        self.metrics_reader = MetricsReader(self)  # past runs' metrics.jsonl, read on a worker thread
        self.metrics_reader.read_failed.connect(self._on_metrics_reader_read_failed)
        self._build()
        self._progress_timer = QTimer(self, interval=66, timeout=self._on_progress_timer_timeout)
        if controller is not None:
            controller.model_changed.connect(self._on_controller_model_changed)
            if controller.session is not None:
                self._on_controller_model_changed(controller.session.info())
        self.runs.refresh()
        self._on_panel_config_changed()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        build(self)  # ui/training/layout.py

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._devices_filled:  # torch is imported only once the tab is first shown
            self._devices_filled = True
            from playground.core.models.devices import available_devices

            self.panel.set_devices(available_devices())

    def _fit_to_font(self) -> None:
        """The settings column grows with the font (View → Zoom), so labels and values are never cut."""
        scroll_bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        fitted = self.panel.sizeHint().width() + scroll_bar + 2 * self.config_scroll.frameWidth()
        self.config_scroll.setMinimumWidth(max(360, 52 * self.fontMetrics().averageCharWidth(), fitted))
        if hasattr(self, "status"):
            # Two lines, whatever the text: a status that wrapped to a new height re-laid out and repainted
            # all four plots at once, freezing the window for ~100 ms at the start and end of every run.
            self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 4)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fit_to_font()

    # ------------------------------------------------------------------ public API
    @property
    def is_training(self) -> bool:
        return self._jobs.running(JOB)

    def apply_preset(self, key: str) -> None:
        self.panel.apply_preset(key)

    def set_config(self, cfg) -> None:
        self.panel.set_config(cfg)

    @Slot(dict)
    def set_model_config(self, config: dict) -> None:
        """The Architecture tab's "Train this": a transformers config dict fills the from-scratch builder."""
        from playground.core.models.builder import spec_from_hf_config

        index = self.panel.mode_combo.findData("scratch")
        self.panel.mode_combo.setCurrentIndex(index)
        self.panel.preset_description.setText(
            translate("TrainingTab", "Architecture from the Architecture tab's config builder. Its vocabulary is replaced by the one "
            "the tokenizer learns from the data (see below). Check the data and optimizer settings, then press Start."))
        self.panel.set_custom_architecture(spec_from_hf_config(config), int(config.get("vocab_size") or 0))
        self.navigate_requested.emit("trainingTab")

    def loss_points(self) -> list[float]:
        return self.plots.loss_points()

    # ------------------------------------------------------------------ validation
    @Slot()
    def _on_panel_config_changed(self) -> None:
        problems = self.panel.config().problems() or [p for p in [self.panel.memory_problem()] if p]
        self.message.setText(problems[0] if problems else "")
        self.message.setVisible(bool(problems))
        self._update_buttons()

    def _update_buttons(self) -> None:
        valid = not self.message.text()
        self.start_button.setEnabled(valid and not self.is_training)
        self.pause_button.setEnabled(self.is_training)
        self.stop_button.setEnabled(self.is_training)
        self.panel.setEnabled(not self.is_training)

    # ------------------------------------------------------------------ start / pause / stop
    @Slot()
    def _on_start_button_clicked(self) -> None:
        cfg = self.panel.config()
        if cfg.problems() or self.panel.memory_problem() or self.is_training:
            return
        if self.panel.is_race:
            from playground.core.training.presets import race_configs

            self.start_series(race_configs(cfg))
        else:
            self._queue, self._race_runs, self._racing = [], [], False
            self.start(cfg)

    def start_series(self, configs: list) -> bool:
        """Run `configs` one after another, each finished one overlaid, all of them selected at the end
        (the optimizer race; the Learn panel's with/without comparisons)."""
        if self.is_training or not configs:
            return False
        self._queue, self._race_runs, self._racing = list(configs), [], True
        self.runs.select_runs([])  # a run selected before is not part of the series
        self.plots.set_overlays([])
        self.start(self._queue.pop(0))
        return True

    def start(self, cfg, resume_from: Path | None = None) -> None:
        from playground.workers.training import TrainWorker

        worker = TrainWorker(cfg, resume_from=resume_from)  # progress arrives via worker.drain()
        # The thread starts on the next pass of the event loop, after the cleared plots have repainted:
        # painting them while the model is built beside it froze the window for ~90 ms.
        self._jobs.start(JOB, worker, self._on_job_finished, self._on_job_failed, on_cancelled=self._on_job_cancelled,
                         replace=False, start_later=True)
        self._cfg, self._latest, self._origin, self._outcome = cfg, None, None, ""
        if resume_from is None:
            self.plots.clear()
        self.sample_view.clear()
        self.progress.setRange(0, cfg.max_steps)
        self.progress.setValue(0)
        self.progress.setFormat(translate("TrainingTab", "Preparing…"))
        self.pause_button.setText(translate("TrainingTab", "Pause"))
        self.status.setStyleSheet("")
        self.status.setText(translate("TrainingTab", "Starting {n0}…").format(n0=cfg.name or translate("TrainingTab", "a new run")))
        self._update_buttons()
        self._progress_timer.start()
        self.stage_changed.emit("preprocess", cfg)

    @Slot()
    def _on_pause_button_clicked(self) -> None:
        worker = self._jobs.worker(JOB)
        if worker is None:
            return
        if worker.paused:
            worker.resume()
            self.pause_button.setText(translate("TrainingTab", "Pause"))
            self.status.setText(translate("TrainingTab", "Training…"))
        else:
            worker.pause()
            self.pause_button.setText(translate("TrainingTab", "Resume"))
            self.status.setText(translate("TrainingTab", "Paused. Press Resume to continue, or Stop to save a checkpoint and end."))

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        if self.is_training:
            self._queue = []
            self._jobs.stop(JOB)  # resumes a paused run first
            self._outcome = "stopping…"
            self._update_progress()
            self.status.setText(translate("TrainingTab", "Stopping: saving a checkpoint…"))

    def shutdown(self) -> None:
        self._queue = []
        self._progress_timer.stop()
        self.runs.shutdown()
        self.metrics_reader.shutdown()
        self._jobs.shutdown(120_000)

    # ------------------------------------------------------------------ worker events
    @Slot()
    def _on_progress_timer_timeout(self) -> None:
        self._drain_events()
        self._update_progress()

    def _drain_events(self) -> None:
        worker = self._jobs.worker(JOB)
        if worker is None:
            return
        handlers = {"started": self._on_worker_run_started, "history": self.plots.load_rows,
                    "metrics": self._on_worker_metrics_reported, "sample": self._on_worker_sample_generated,
                    "status": self._on_worker_status}
        for kind, payload in worker.drain():
            handlers[kind](payload)
            if kind == "metrics":
                self.stage_changed.emit("step", payload)

    def _on_worker_status(self, text: str) -> None:
        self.status.setText(text)
        self.stage_changed.emit("init" if text.startswith("Building") else "preprocess", text)

    def _on_worker_run_started(self, started) -> None:
        self._run_dir = Path(started.run_dir)
        self._origin = None
        self.status.setText(translate("TrainingTab", "Training {name}: {n_params:,} parameters ({trainable_params:,} trained) · {data_description}").format(name=self._run_dir.name, n_params=started.n_params, trainable_params=started.trainable_params, data_description=started.data_description))
        self.runs.set_busy_run(self._run_dir)
        self.runs.refresh()
        self.stage_changed.emit("init", started)

    def _on_worker_metrics_reported(self, m) -> None:
        self.plots.add(m)
        self._latest = m
        if self._origin is None:
            self._origin = (m.step, m.elapsed)

    def _update_progress(self) -> None:
        m = self._latest
        worker = self._jobs.worker(JOB)
        paused = translate("TrainingTab", " · paused") if worker is not None and worker.paused else ""
        shown = (m, paused, self._outcome)
        if m is None or shown == self._shown:  # nothing new since the last tick: no repaint
            return
        self._shown = shown
        s0, e0 = self._origin or (m.step, m.elapsed)
        eta = format_eta((m.elapsed - e0) / (m.step - s0) * (m.max_steps - m.step)) if m.step > s0 else "…"
        tail = self._outcome_text() or translate("TrainingTab", "ETA {eta}{paused}").format(eta=eta, paused=paused)  # a stopped run has no time left to estimate
        # one paint for both: QProgressBar.setValue repaints at once, and setFormat asks for a second one
        self.progress.setUpdatesEnabled(False)
        self.progress.setValue(m.step)
        self.progress.setFormat(translate("TrainingTab", "Step {step:,} / {max_steps:,} · loss {loss:.3f} · {tokens_per_s:,.0f} tokens/s · {tail}").format(step=m.step, max_steps=m.max_steps, loss=m.loss, tokens_per_s=m.tokens_per_s, tail=tail))
        self.progress.setUpdatesEnabled(True)  # schedules the one repaint

    def _outcome_text(self) -> str:
        """`_outcome` in the UI's language ("" while the run goes on)."""
        return {"finished": translate("TrainingTab", "finished"), "stopped": translate("TrainingTab", "stopped"),
                "diverged": translate("TrainingTab", "diverged"),
                "stopping…": translate("TrainingTab", "stopping…")}.get(self._outcome, self._outcome)

    def _on_worker_sample_generated(self, sample) -> None:
        self.sample_view.add_sample(sample)

    @Slot(object)
    def _on_job_finished(self, result) -> None:
        self._drain_events()  # the last metrics and samples came before this signal
        self._outcome = result.status  # "finished" | "stopped" | "diverged"
        self._update_progress()
        self.plots.fit(now=False)
        failed = result.status == "diverged"
        self.status.setStyleSheet("color: #c62828; font-weight: bold;" if failed else "")
        self.status.setText(f"{result.run_dir.name}: {result.message}")
        if failed:
            self._show_error(translate("TrainingTab", "Training stopped: the loss diverged"), result.message)
        if self._racing:
            self._race_runs.append(result.run_dir)
        self._last_result = result
        self.training_finished.emit(result)

    @Slot(object)
    def _on_job_failed(self, failure: Failure) -> None:
        self._drain_events()
        self._queue, self._latest = [], None  # the timer's last ticks keep "Failed", not the step and ETA
        self.status.setStyleSheet("color: #c62828; font-weight: bold;")
        self.status.setText(failure.message)
        self.progress.setFormat(translate("TrainingTab", "Failed"))
        self._show_error(translate("TrainingTab", "Training failed"), failure.message)

    @Slot(object)
    def _on_job_cancelled(self, failure: Failure) -> None:
        """Stopped before the first step (a stopped run normally finishes with its checkpoint)."""
        self._drain_events()
        self._queue = []
        self.status.setStyleSheet("")
        self.status.setText(failure.message)
        self.progress.setFormat(translate("TrainingTab", "Stopped"))

    @Slot(str)
    def _on_jobs_job_done(self, _name: str) -> None:
        self._progress_timer.stop()
        self.runs.set_busy_run(None)
        if self._queue:  # optimizer race: the next contestant, with the finished ones overlaid
            self._show_race_overlays()
            self.start(self._queue.pop(0))
            return
        self._racing = False
        self._on_panel_config_changed()
        self.context.refresh_sources()  # the new run appears in the toolbar's model list as "run: <name>"
        if self._race_runs:  # the race's runs, overlaid on every plot
            self.runs.refresh()
            self.runs.select_runs(self._race_runs)
        elif self._run_dir is not None:
            self.runs.refresh(select=self._run_dir)

    def _show_race_overlays(self) -> None:
        self.metrics_reader.read(self._race_runs, self._overlay_runs)

    def _overlay_runs(self, runs: list) -> None:
        self.plots.set_overlays([(m.run_dir.name, m.rows) for m in runs])

    def _show_error(self, title: str, message: str) -> None:
        self.context.show_error(title, message)

    # ------------------------------------------------------------------ runs
    @Slot(list)
    def _on_runs_selection_changed(self, run_dirs: list) -> None:
        """While training, the selected runs are overlaid; else one run's curves are shown, or several
        runs' curves overlaid (not during a race: it shows its own runs). Their metrics are read on a
        worker: `_show_selected_runs` draws them."""
        if self._racing:
            return
        if self.is_training or run_dirs:
            others = [p for p in run_dirs if p != self._run_dir or not self.is_training]
            self.metrics_reader.read(others, partial(self._show_selected_runs, training=self.is_training))

    def _show_selected_runs(self, runs: list, training: bool) -> None:
        if training != self.is_training:  # a run started or ended since: its own selection comes next
            return
        if training:
            self._overlay_runs(runs)
        elif len(runs) == 1:
            self.plots.set_overlays([])
            self.plots.load_rows(runs[0].rows)
        elif runs:
            self.plots.clear()
            self._overlay_runs(runs)
            self.plots.fit()  # the x axis spans these runs, not the last one trained

    @Slot(object)
    def _on_metrics_reader_read_failed(self, failure) -> None:  # core.errors.Failure
        self._show_error(translate("TrainingTab", "Cannot read the run's metrics"), failure.message)

    @Slot(object)
    def _on_runs_resume_requested(self, run_dir: Path) -> None:
        from playground.core.training.config import ConfigError, load_train_config

        try:
            cfg = load_train_config(Path(run_dir) / "config.json")
        except ConfigError as exc:
            self._show_error(translate("TrainingTab", "Cannot resume"), str(exc))
            return
        cfg = cfg.replace(max_steps=max(cfg.max_steps, self.panel.steps_spin.value()))
        self.panel.set_config(cfg)
        self.start(cfg, resume_from=Path(run_dir))

    def hand_off(self, run_dir: Path, tab: str) -> bool:
        """Make the run's model the current model, then show `tab` ("chatTab", "architectureTab")."""
        run_dir = Path(run_dir)
        if self.controller is None:
            return False
        if self.controller.busy:
            self.status.setText(translate("TrainingTab", "Another model is loading; try again in a moment."))
            return False
        source = ModelSource("run", f"run: {run_dir.name}", str(run_dir / "model"), detail=str(run_dir))
        device = str(self.controller.session.device).split(":")[0] if self.controller.session else "cpu"
        if not self.controller.load(source, device, "float32"):
            return False
        self.navigate_requested.emit(tab)
        return True

    @Slot(object)
    def _on_controller_model_changed(self, info) -> None:
        session = self.controller.session
        if session is None:
            return
        base = "builtin" if session.source.kind == "builtin" else session.source.path
        self.panel.set_base_model(base, model_name(info.name))

    # ------------------------------------------------------------------ config files
    @Slot()
    def _on_export_button_clicked(self) -> None:
        from playground.core.training.config import save_train_config

        path = QFileDialog.getSaveFileName(self, translate("TrainingTab", "Export run config"), "train_config.json", "JSON (*.json)")[0]
        if path:
            save_train_config(self.panel.config(), path)

    @Slot()
    def _on_import_button_clicked(self) -> None:
        from playground.core.training.config import ConfigError, load_train_config

        path = QFileDialog.getOpenFileName(self, translate("TrainingTab", "Open a run config"), "", "JSON (*.json)")[0]
        if not path:
            return
        try:
            self.panel.set_config(load_train_config(path))
        except ConfigError as exc:
            self._show_error(translate("TrainingTab", "Cannot open the config"), str(exc))
