"""The Basics tab: how often the decision boundary is redrawn while the default network trains (target
>= 10 Hz), and the longest event-loop stall meanwhile and during a digits run (target <= 50 ms).
Driven through the real pages (offscreen), like gui.py."""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, QTimer

from playground.bench.common import Row
from playground.bench.responsiveness import StallProbe, wait_signal


def _wait(ms: int) -> None:
    """The event loop runs as under app.exec() (QTest.qWait sleeps between passes, the GUI then lags)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _boundary(page, seconds: float) -> tuple[float, float, float]:
    """(redraws per second, epochs per second, longest stall) over `seconds` of playing."""
    page.reset()
    page.play()
    while len(page.epochs) < 2:  # the worker's first import of torch is not the page's cost
        _wait(20)
    with StallProbe() as probe:
        redraws, epochs, started = page.redraws, len(page.epochs), time.perf_counter()
        _wait(int(seconds * 1000))
        took = time.perf_counter() - started
        rate, speed = (page.redraws - redraws) / took, (len(page.epochs) - epochs) / took
    page.reset()
    return rate, speed, probe.longest


def _digits(page, epochs: int) -> float:
    page.controls.epochs.setValue(epochs)
    with StallProbe() as probe:
        page._on_train_button_clicked()
        wait_signal(page.run_finished)
    while page.is_running:
        _wait(20)
    return probe.longest


def run(*, quick: bool, repeats: int) -> list[Row]:
    from playground.ui.basics.tab import BasicsTab

    tab = BasicsTab()
    tab.resize(1280, 800)
    tab.show()
    try:
        boundary = tab.show_page("Decision boundary")
        runs = [_boundary(boundary, 1.0 if quick else 4.0) for _ in range(repeats)]
        rate = min(r[0] for r in runs)  # the slowest repeat
        stall = max(r[2] for r in runs)
        print(f"  decision boundary: {rate:.1f} redraws/s, {max(r[1] for r in runs):.0f} epochs/s, "
              f"longest stall {stall * 1000:.0f} ms")
        digits = tab.show_page("Digits")
        _wait(300)  # the page's first layout and paint are not the training's cost
        digits_stall = max(_digits(digits, 2 if quick else 15) for _ in range(repeats))
        print(f"  digits: longest stall {digits_stall * 1000:.0f} ms")
    finally:
        tab.shutdown()
        tab.close()
    return [
        Row("basics", "decision boundary + neuron thumbnails redraw rate, default network (2×8, 400 points)",
            rate, "Hz", target=">= 10 Hz", passed=rate >= 10),
        Row("responsiveness", "longest event-loop stall during basics decision-boundary training", stall * 1000,
            "ms", target="<= 50 ms", passed=stall * 1000 <= 50),
        Row("responsiveness", "longest event-loop stall during basics digits training", digits_stall * 1000, "ms",
            target="<= 50 ms", passed=digits_stall * 1000 <= 50),
    ]
