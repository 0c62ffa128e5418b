"""How long the GUI event loop stalls while the app works (a 10 ms QTimer probe)."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QEventLoop, QObject, QTimer

from playground.bench.common import Row


class StallProbe(QObject):
    """Ticks every 10 ms on the GUI thread; the longest gap between ticks is the worst stall."""

    def __init__(self) -> None:
        super().__init__()
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(self, interval=10, timeout=self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def __enter__(self) -> "StallProbe":
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.stop()


def wait_signal(signal, timeout_s: float = 600) -> list:
    loop, got = QEventLoop(), []

    def fire(*args):
        got.append(args)
        loop.quit()

    signal.connect(fire)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(fire)
    if not got:
        raise TimeoutError("the operation did not finish in time")
    return list(got[0])


def measure(label: str, start: Callable[[], object], done_signal, limit_ms: float) -> Row:
    with StallProbe() as probe:
        start()
        wait_signal(done_signal)
    stall_ms = probe.longest * 1000
    print(f"  longest stall during {label}: {stall_ms:.0f} ms")
    return Row("responsiveness", f"longest event-loop stall during {label}", stall_ms, "ms",
               target=f"<= {limit_ms:.0f} ms", passed=stall_ms <= limit_ms)


def run_model_paths(window, n_tokens: int) -> list[Row]:
    """Model load and generation through the window's controller and the chat worker path."""
    from dataclasses import replace

    from playground.core import registry
    from playground.core.generation import encode_chat
    from playground.core.sampling import GREEDY
    from playground.workers.base import WorkerThread
    from playground.workers.model_workers import GenerateWorker

    controller = window.controller
    rows = [measure("model load (cached)", lambda: window.load_source(registry.builtin_source()),
                    controller.busy_changed, 100)]
    if controller.busy:
        wait_signal(controller.busy_changed)
    session = controller.session
    prompt = encode_chat(session.tokenizer, [{"role": "user", "content": "Tell me about the sea."}])
    worker = GenerateWorker(session, prompt, replace(GREEDY, max_new_tokens=n_tokens))
    job = WorkerThread(worker)
    rows.append(measure("generation", job.start, worker.finished, 50))
    job.shutdown()
    return rows
