"""Owns the current model session shared by all tabs, and the workers that change it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from playground.core.types import LoadProgress, ModelInfo, ModelSource
from playground.workers.base import WorkerThread
from playground.workers.models import LoadWorker, MoveWorker


class ModelController(QObject):
    """One current model. A failed or cancelled load keeps the previous model."""

    load_started = Signal(object)  # ModelSource
    load_progressed = Signal(object)  # LoadProgress
    model_changed = Signal(object)  # ModelInfo: a new model, or the same one moved/cast
    load_failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = None  # playground.core.models.loading.ModelSession
        self._job: WorkerThread | None = None
        self._pending_source: ModelSource | None = None

    # ------------------------------------------------------------------ state
    @property
    def busy(self) -> bool:
        return self._job is not None

    def info(self) -> ModelInfo | None:
        return self.session.info() if self.session is not None else None

    # ------------------------------------------------------------------ actions
    def load(self, source: ModelSource, device: str = "cpu", dtype: str = "float32") -> bool:
        if self.busy:
            return False
        self._pending_source = source
        worker = LoadWorker(source, device, dtype)
        worker.progressed.connect(self._on_worker_progressed)
        worker.finished.connect(self._on_load_finished)
        worker.failed.connect(self._on_worker_failed)
        self._start(worker)
        self.load_started.emit(source)
        return True

    def move(self, device: str, dtype: str) -> bool:
        if self.busy or self.session is None:
            return False
        worker = MoveWorker(self.session, device, dtype)
        worker.finished.connect(self._on_move_finished)
        worker.failed.connect(self._on_worker_failed)
        self._start(worker)
        return True

    def adopt(self, session) -> None:
        """Make an already-built session current (e.g. a model just trained in the app)."""
        self.session = session
        self.model_changed.emit(session.info())

    def cancel(self) -> None:
        if self._job is not None:
            self._job.worker.stop()

    def shutdown(self) -> None:
        if self._job is not None:
            self._job.shutdown()
            self._job = None

    # ------------------------------------------------------------------ plumbing
    def _start(self, worker) -> None:
        self._job = WorkerThread(worker, self)
        self._job.done.connect(self._on_job_done)
        self._job.start()
        self.busy_changed.emit(True)

    @Slot()
    def _on_job_done(self) -> None:
        self._job = None
        self.busy_changed.emit(False)

    @Slot(object)
    def _on_worker_progressed(self, progress: LoadProgress) -> None:
        self.load_progressed.emit(progress)

    @Slot(object)
    def _on_load_finished(self, session) -> None:
        old, self.session = self.session, session
        del old  # the previous model's memory is freed once no tab holds it
        self.model_changed.emit(session.info())

    @Slot(object)
    def _on_move_finished(self, info: ModelInfo) -> None:
        self.model_changed.emit(info)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        self.load_failed.emit(message)
