"""Runs `core.training.trainer.train` on a QThread.

Progress does not cross threads as Qt signals: the core's callbacks append `(kind, payload)` to a
thread-safe deque that the GUI drains on its redraw timer (~15 Hz), the rate every progress report in
the app keeps. (It began as a way round PySide6 6.12's refcount bug, now pinned away; it stays because
a step costs one append, not a queued signal, and the plots want the batch per redraw anyway.)
Only the rare end-of-run events are signals: finished(TrainResult), failed(Failure) or cancelled(Failure).
"""

from __future__ import annotations

import threading
from collections import deque

from PySide6.QtCore import Slot

from playground.workers.base import Worker, drain

# TrainStarted, list[dict] (a resumed run's earlier metrics.jsonl rows), StepMetrics, Sample, str
EVENT_KINDS = ("started", "history", "metrics", "sample", "status")


class TrainWorker(Worker):
    def __init__(self, cfg, *, resume_from=None, run_dir=None) -> None:
        super().__init__()
        self.cfg, self.resume_from, self.run_dir = cfg, resume_from, run_dir
        self.pause_event = threading.Event()
        self.events: deque[tuple[str, object]] = deque()

    def drain(self) -> list[tuple[str, object]]:
        """Everything reported since the last call, oldest first (GUI thread)."""
        return drain(self.events)

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

    def _on_run_started(self, started) -> None:
        """On the training thread, before the first step: a resumed run's earlier metrics go first, so
        the plots show the whole run and the GUI thread never parses metrics.jsonl."""
        self.events.append(("started", started))
        if started.start_step:
            from playground.core.training.runs import read_metrics

            rows = [r for r in read_metrics(started.run_dir) if r.get("step", 0) <= started.start_step]
            self.events.append(("history", rows))

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.training.trainer import train

            put = self.events.append
            result = train(self.cfg, on_metrics=lambda m: put(("metrics", m)),
                           on_sample=lambda s: put(("sample", s)), on_status=lambda t: put(("status", t)),
                           on_started=self._on_run_started, should_stop=self.should_stop,
                           pause=self.pause_event, resume_from=self.resume_from, run_dir=self.run_dir)
        except BaseException as exc:  # noqa: BLE001 - every failure reaches the user
            self.fail(exc)
        else:
            self.finished.emit(result)
