"""Runs `core.trainer.train` on a QThread and reports through Qt signals (frozen dataclasses)."""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal, Slot

from playground.workers.base import Worker


class TrainWorker(Worker):
    """Signals: run_started(TrainStarted), metrics_reported(StepMetrics), sample_generated(Sample),
    status_changed(str), then finished(TrainResult) or failed(str)."""

    run_started = Signal(object)
    metrics_reported = Signal(object)
    sample_generated = Signal(object)
    status_changed = Signal(str)

    def __init__(self, cfg, *, resume_from=None, run_dir=None) -> None:
        super().__init__()
        self.cfg, self.resume_from, self.run_dir = cfg, resume_from, run_dir
        self.pause_event = threading.Event()

    def pause(self) -> None:
        self.pause_event.set()

    def resume(self) -> None:
        self.pause_event.clear()

    @property
    def paused(self) -> bool:
        return self.pause_event.is_set()

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.trainer import train

            result = train(self.cfg, on_metrics=self.metrics_reported.emit, on_sample=self.sample_generated.emit,
                           should_stop=self.should_stop, pause=self.pause_event, resume_from=self.resume_from,
                           run_dir=self.run_dir, on_status=self.status_changed.emit,
                           on_started=self.run_started.emit)
        except BaseException as exc:  # noqa: BLE001 - every failure reaches the user
            self.fail(exc)
        else:
            self.finished.emit(result)

