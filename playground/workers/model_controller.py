"""Owns the current model session shared by all tabs, and the jobs that change it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from playground.core.errors import Failure
from playground.core.progress import Progress
from playground.core.types import ModelInfo, ModelSource
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs

JOB = "model"  # one load or move at a time


class ModelController(QObject):
    """One current model. A failed or cancelled load keeps the previous model."""

    load_started = Signal(object)  # ModelSource
    load_progressed = Signal(object)  # Progress
    model_changed = Signal(object)  # ModelInfo: a new model, or the same one moved/cast
    load_failed = Signal(object)  # Failure (a load or a move)
    load_cancelled = Signal(object)  # Failure of kind "cancelled"
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = None  # playground.core.models.loading.ModelSession
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)

    # ------------------------------------------------------------------ state
    @property
    def busy(self) -> bool:
        return self._jobs.running(JOB)

    def info(self) -> ModelInfo | None:
        return self.session.info() if self.session is not None else None

    # ------------------------------------------------------------------ actions
    def load(self, source: ModelSource, device: str = "cpu", dtype: str = "float32") -> bool:
        from playground.workers.models import load

        if not self._start(FunctionWorker(load, source, device, dtype), self._on_load_finished):
            return False
        self.load_started.emit(source)
        return True

    def move(self, device: str, dtype: str) -> bool:
        from playground.workers.models import move

        if self.session is None:
            return False
        return self._start(FunctionWorker(move, self.session, device, dtype), self._on_move_finished)

    def adopt(self, session) -> None:
        """Make an already-built session current (e.g. a model just trained in the app)."""
        self.session = session
        self.model_changed.emit(session.info())

    def cancel(self) -> None:
        self._jobs.stop(JOB)

    def shutdown(self) -> None:
        self._jobs.shutdown()

    # ------------------------------------------------------------------ plumbing
    def _start(self, worker: FunctionWorker, on_finished) -> bool:
        if not self._jobs.start(JOB, worker, on_finished, self._on_job_failed, on_cancelled=self._on_job_cancelled,
                                on_progress=self._on_job_progressed, replace=False):
            return False
        self.busy_changed.emit(True)
        return True

    @Slot(str)
    def _on_jobs_job_done(self, _name: str) -> None:
        self.busy_changed.emit(False)

    @Slot(object)
    def _on_job_progressed(self, progress: Progress) -> None:
        self.load_progressed.emit(progress)

    @Slot(object)
    def _on_load_finished(self, session) -> None:
        old, self.session = self.session, session
        del old  # the previous model's memory is freed once no tab holds it
        self.model_changed.emit(session.info())

    @Slot(object)
    def _on_move_finished(self, info: ModelInfo) -> None:
        self.model_changed.emit(info)

    @Slot(object)
    def _on_job_failed(self, failure: Failure) -> None:
        self.load_failed.emit(failure)

    @Slot(object)
    def _on_job_cancelled(self, failure: Failure) -> None:
        self.load_cancelled.emit(failure)
