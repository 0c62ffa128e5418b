"""Named background jobs for a tab: at most one per name, references kept until the thread ends."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from playground.workers.base import Worker, WorkerThread


class Jobs(QObject):
    """`start("attention", worker, on_finished, on_failed)`; `job_done(name)` once its thread has ended.

    Connect bound methods of QObjects living on the GUI thread (not lambdas): they then run there.
    """

    job_done = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: dict[str, WorkerThread] = {}

    def running(self, name: str) -> bool:
        return name in self._jobs

    def start(self, name: str, worker: Worker, on_finished, on_failed) -> bool:
        if name in self._jobs:
            return False
        worker.finished.connect(on_finished)
        worker.failed.connect(on_failed)
        job = WorkerThread(worker, self)
        job.setObjectName(name)
        job.done.connect(self._on_job_done)
        self._jobs[name] = job
        job.start()
        return True

    def stop(self, name: str) -> None:
        if name in self._jobs:
            self._jobs[name].worker.stop()

    def wait(self, name: str, timeout_ms: int = 30_000) -> None:
        if name in self._jobs:
            self._jobs[name].thread.wait(timeout_ms)

    @Slot()
    def _on_job_done(self) -> None:
        job = self.sender()
        name = next((n for n, j in self._jobs.items() if j is job), None)
        if name is None:
            return
        del self._jobs[name]
        job.deleteLater()
        self.job_done.emit(name)

    def shutdown(self) -> None:
        for job in list(self._jobs.values()):
            job.shutdown()
        self._jobs.clear()
