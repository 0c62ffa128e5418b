"""Run a worker QObject on its own QThread, and always shut it down cleanly.

Every worker ends with exactly one of: finished(result), failed(Failure) or cancelled(Failure)
(core/errors.py). Callers decide by signal and by `Failure.kind`, never by reading the message.
Progress crosses threads as `core.progress.Progress`, throttled at the source to ~15 Hz.
"""

from __future__ import annotations

import inspect
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from playground.core.errors import failure_of
from playground.core.imports import heavy_imports
from playground.core.progress import Throttle


def drain(events) -> list:
    """Everything in the deque `events` (filled by a worker thread), oldest first, leaving it empty (GUI thread)."""
    out = []
    while True:
        try:
            out.append(events.popleft())
        except IndexError:
            return out


class Worker(QObject):
    """Base for workers: `run()` does the job; `stop()` (GUI thread) asks it to end early.

    Subclasses emit `finished(object)` with a frozen result, or call `fail(exc)` from their
    `except BaseException` (it emits `failed` or `cancelled` with a Failure).
    """

    finished = Signal(object)
    failed = Signal(object)  # core.errors.Failure (any kind but "cancelled")
    cancelled = Signal(object)  # core.errors.Failure of kind "cancelled": its message says what was kept

    # Workers import torch/transformers lazily; the first import must not race another thread's
    # (core/imports.py), so the thread does it first, under the one lock. False: never touches them.
    uses_heavy_libraries = True

    def __init__(self) -> None:
        super().__init__()
        self.should_stop = threading.Event()

    @property
    def name(self) -> str:
        """The thread's name (shown in debuggers and the leak fixture)."""
        return type(self).__name__

    @Slot()
    def run(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def stop(self) -> None:
        self.should_stop.set()

    def fail(self, exc: BaseException) -> None:
        failure = failure_of(exc)
        (self.cancelled if failure.cancelled else self.failed).emit(failure)


def _accepts(fn: Callable, parameter: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        return False
    return parameter in params  # named explicitly: never pushed into a **kwargs passed further on


class FunctionWorker(Worker):
    """Runs `fn(*args, **kwargs)` on the worker thread; finished(its result).

    When `fn` takes `on_progress`, it gets a throttled callback (a Progress, or (fraction, message))
    that emits progressed(Progress); when it takes `should_stop`, it gets this worker's Event.
    `result` holds the return value once finished (for a shutdown that races the signal).
    """

    progressed = Signal(object)  # core.progress.Progress

    def __init__(self, fn: Callable, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.result: Any = None
        self.uses_heavy_libraries = getattr(fn, "uses_heavy_libraries", True)  # core.imports.without_heavy_imports

    @property
    def name(self) -> str:
        return getattr(self.fn, "__qualname__", type(self).__name__)

    @Slot()
    def run(self) -> None:
        kwargs = dict(self.kwargs)
        if _accepts(self.fn, "on_progress") and "on_progress" not in kwargs:
            kwargs["on_progress"] = Throttle(self.progressed.emit)
        if _accepts(self.fn, "should_stop") and "should_stop" not in kwargs:
            kwargs["should_stop"] = self.should_stop
        try:
            self.result = self.fn(*self.args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure reaches the user
            self.fail(exc)
        else:
            self.finished.emit(self.result)


class _WorkerQThread(QThread):
    """Calls the worker's `run()` on this thread, after the heavy libraries' first import.

    Not `started.connect(worker.run)`: a slot overridden in a subclass of a Python QObject class (every
    Worker) is then invoked on the GUI thread, freezing the window. Still so on PySide6 6.11.3 (checked
    when the binding was pinned below 6.12); tests/workers/test_base.py checks where `run()` runs.
    """

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self._worker = worker

    def run(self) -> None:
        if self._worker.uses_heavy_libraries:
            try:
                heavy_imports()
            except BaseException as exc:  # noqa: BLE001 - a broken install reaches the user too
                self._worker.fail(exc)
                return
        self._worker.run()


class WorkerThread(QObject):
    """Owns one QThread running one Worker. Keep a reference until `done` fires.

    The thread quits when the worker emits finished, failed or cancelled; `shutdown()` asks the
    worker to stop and waits for the thread (never `terminate()`).
    """

    done = Signal()

    def __init__(self, worker: Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.thread = _WorkerQThread(worker)
        self.thread.setObjectName(worker.name)
        worker.moveToThread(self.thread)
        # Direct: QThread.quit is thread-safe, and this works even while the GUI thread is busy.
        for signal in (worker.finished, worker.failed, worker.cancelled):
            signal.connect(self.thread.quit, Qt.DirectConnection)
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
