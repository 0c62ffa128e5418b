"""Runs `core.trainer.train` on a QThread.

Progress does not cross threads as Qt signals: the core's callbacks append `(kind, payload)` to a
thread-safe deque that the GUI drains on its redraw timer (~15 Hz). Thousands of cross-thread
Python-object signals per minute crashed PySide6 6.12 (a refcount error); a deque is also leaner.
Only the rare end-of-run events are signals: finished(TrainResult), failed(Failure) or cancelled(Failure).
"""

from __future__ import annotations

import threading
from collections import deque

from PySide6.QtCore import Slot

from playground.workers.base import Worker

EVENT_KINDS = ("started", "metrics", "sample", "status")  # TrainStarted, StepMetrics, Sample, str


class TrainWorker(Worker):
    def __init__(self, cfg, *, resume_from=None, run_dir=None) -> None:
        super().__init__()
        self.cfg, self.resume_from, self.run_dir = cfg, resume_from, run_dir
        self.pause_event = threading.Event()
        self.events: deque[tuple[str, object]] = deque()

    def drain(self) -> list[tuple[str, object]]:
        """Everything reported since the last call, oldest first (GUI thread)."""
        out = []
        while True:
            try:
                out.append(self.events.popleft())
            except IndexError:
                return out

    def stop(self) -> None:
        """Stop (a paused run is resumed first, so it can save its checkpoint and end)."""
        self.pause_event.clear()
        super().stop()

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
            from playground.core.training.trainer import train

            put = self.events.append
            result = train(self.cfg, on_metrics=lambda m: put(("metrics", m)),
                           on_sample=lambda s: put(("sample", s)), on_status=lambda t: put(("status", t)),
                           on_started=lambda s: put(("started", s)), should_stop=self.should_stop,
                           pause=self.pause_event, resume_from=self.resume_from, run_dir=self.run_dir)
        except BaseException as exc:  # noqa: BLE001 - every failure reaches the user
            self.fail(exc)
        else:
            self.finished.emit(result)
