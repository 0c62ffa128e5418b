"""How long the GUI event loop stalls while the app works (a 10 ms QTimer probe); `gui` uses it."""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, QObject, QTimer


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
