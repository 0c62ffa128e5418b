"""Run a worker QObject on its own QThread, and always shut it down cleanly."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot


class Worker(QObject):
    """Base for workers: `run()` does the job; `stop()` (GUI thread) asks it to end early.

    Subclasses emit `finished(object)` with a frozen result, or `failed(str)` with a message for the user.
    """

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.should_stop = threading.Event()

    @Slot()
    def run(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def stop(self) -> None:
        self.should_stop.set()

    def fail(self, exc: BaseException) -> None:
        from playground.core.types import PlaygroundError

        if isinstance(exc, PlaygroundError):
            self.failed.emit(str(exc))
        elif isinstance(exc, MemoryError) or "out of memory" in str(exc).lower():
            self.failed.emit("Out of memory. Try a smaller model, a shorter input or a smaller batch.")
        else:
            self.failed.emit(f"{type(exc).__name__}: {exc}")


class _WorkerQThread(QThread):
    """Calls the worker's `run()` on this thread.

    Not `started.connect(worker.run)`: with PySide6 6.12 a slot overridden in a subclass of a Python
    QObject class (every Worker) is invoked on the GUI thread, freezing the window.
    """

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self._worker = worker

    def run(self) -> None:
        self._worker.run()


class WorkerThread(QObject):
    """Owns one QThread running one Worker. Keep a reference until `done` fires.

    The thread quits when the worker emits finished or failed; `shutdown()` asks the worker to
    stop and waits for the thread (never `terminate()`).
    """

    done = Signal()

    def __init__(self, worker: Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.thread = _WorkerQThread(worker)
        self.thread.setObjectName(type(worker).__name__)
        worker.moveToThread(self.thread)
        # Direct: QThread.quit is thread-safe, and this works even while the GUI thread is busy.
        worker.finished.connect(self.thread.quit, Qt.DirectConnection)
        worker.failed.connect(self.thread.quit, Qt.DirectConnection)
        self.thread.finished.connect(self.done)

    def start(self) -> "WorkerThread":
        self.thread.start()
        return self

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        self.worker.stop()
        self.thread.quit()
        return self.thread.wait(timeout_ms)
