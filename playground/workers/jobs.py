"""The one job lifecycle: named background jobs, where the latest request wins.

Starting a job under a name that is still running stops the old worker and forgets its handlers,
so a stale result never reaches the tab; the old thread is kept (and waited for at shutdown) until
it ends. Results, failures, cancellations and progress are delivered on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from playground.workers.base import Worker, WorkerThread

Handler = Callable[[object], None] | None


@dataclass
class _Job:
    name: str
    thread: WorkerThread
    on_finished: Handler
    on_failed: Handler
    on_cancelled: Handler
    on_progress: Handler


class Jobs(QObject):
    """`start("attention", worker, on_finished, on_failed)`; `job_done(name)` once its thread has ended.

    Handlers get the result, a core.errors.Failure or a core.progress.Progress. A failure with no
    `on_failed` is dropped (say so in the caller); a cancellation with no `on_cancelled` is silent.
    """

    job_done = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: dict[str, _Job] = {}  # name -> the job whose results count
        self._by_worker: dict[int, _Job] = {}  # id(worker) -> job, every thread not yet ended

    def running(self, name: str) -> bool:
        return name in self._current

    def worker(self, name: str) -> Worker | None:
        job = self._current.get(name)
        return job.thread.worker if job is not None else None

    def start(self, name: str, worker: Worker, on_finished: Handler = None, on_failed: Handler = None, *,
              on_cancelled: Handler = None, on_progress: Handler = None, replace: bool = True,
              start_later: bool = False) -> bool:
        """Run `worker` as `name`. A running job of that name is stopped and superseded, or, with
        `replace=False`, kept (and False returned). `start_later`: the thread starts on the next pass of
        the event loop (after pending repaints); the job counts as running from now."""
        old = self._current.get(name)
        if old is not None:
            if not replace:
                return False
            old.thread.worker.stop()
        for signal, slot in ((worker.finished, self._on_worker_finished), (worker.failed, self._on_worker_failed),
                             (worker.cancelled, self._on_worker_cancelled)):
            signal.connect(slot)
        if hasattr(worker, "progressed"):
            worker.progressed.connect(self._on_worker_progressed)
        thread = WorkerThread(worker, self)
        thread.setObjectName(name)
        thread.done.connect(self._on_thread_done)
        job = _Job(name, thread, on_finished, on_failed, on_cancelled, on_progress)
        self._current[name] = job
        self._by_worker[id(worker)] = job
        if start_later:
            QTimer.singleShot(0, self, lambda: thread.start() if self._by_worker.get(id(worker)) is job else None)
        else:
            thread.start()
        return True

    def stop(self, name: str) -> None:
        if name in self._current:
            self._current[name].thread.worker.stop()

    def discard(self, name: str) -> None:
        """Stop `name` and forget it now, without waiting: its late results and its job_done are dropped,
        `running(name)` is False at once; its thread ends on its own (shutdown still waits for it)."""
        job = self._current.pop(name, None)
        if job is not None:
            job.thread.worker.stop()

    def wait(self, name: str, timeout_ms: int = 30_000) -> None:
        for job in list(self._by_worker.values()):
            if job.name == name:
                job.thread.thread.wait(timeout_ms)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Stop every job (superseded ones too) and wait for their threads."""
        jobs = list(self._by_worker.values())
        for job in jobs:
            job.thread.worker.stop()
        for job in jobs:
            job.thread.shutdown(timeout_ms)
        self._current.clear()
        self._by_worker.clear()

    # ------------------------------------------------------------------ delivery (GUI thread)
    def _live(self) -> _Job | None:
        """The sender's job while it is still the current one of its name."""
        job = self._by_worker.get(id(self.sender()))
        return job if job is not None and self._current.get(job.name) is job else None

    def _deliver(self, handler: str, value) -> None:
        job = self._live()
        if job is not None and getattr(job, handler) is not None:
            getattr(job, handler)(value)

    @Slot(object)
    def _on_worker_finished(self, result) -> None:
        self._deliver("on_finished", result)

    @Slot(object)
    def _on_worker_failed(self, failure) -> None:
        self._deliver("on_failed", failure)

    @Slot(object)
    def _on_worker_cancelled(self, failure) -> None:
        self._deliver("on_cancelled", failure)

    @Slot(object)
    def _on_worker_progressed(self, progress) -> None:
        self._deliver("on_progress", progress)

    @Slot()
    def _on_thread_done(self) -> None:
        thread = self.sender()
        job = self._by_worker.pop(id(thread.worker), None) if isinstance(thread, WorkerThread) else None
        if job is None:
            return
        current = self._current.get(job.name) is job
        if current:
            del self._current[job.name]
        thread.deleteLater()
        if current:
            self.job_done.emit(job.name)
