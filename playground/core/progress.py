"""The one progress record, and the throttle every job's progress passes through.

Progress crosses threads throttled at the source: at most ~15 records a second (the first, every
stage start at fraction 0 and the final one at fraction 1 always go through). Cancel is a
`threading.Event` passed as `should_stop`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

INTERVAL_S = 0.066  # ~15 Hz


@dataclass(frozen=True)
class Progress:
    fraction: float  # 0..1 over the whole job
    message: str


ProgressFn = Callable[[Progress], None]


def progress(fraction: float, message: str) -> Progress:
    """A Progress with the fraction clamped to 0..1."""
    return Progress(min(max(float(fraction), 0.0), 1.0), message)


class Throttle:
    """Forwards Progress to `emit` at most every `interval` seconds. Called as `throttle(fraction, message)`
    or `throttle(Progress)`."""

    def __init__(self, emit: ProgressFn, interval: float = INTERVAL_S) -> None:
        self.emit, self.interval, self.last = emit, interval, float("-inf")

    def __call__(self, fraction: float | Progress, message: str = "") -> None:
        record = fraction if isinstance(fraction, Progress) else progress(fraction, message)
        now = time.monotonic()
        if now - self.last >= self.interval or record.fraction >= 1.0 or record.fraction <= 0.0:
            self.last = now
            self.emit(record)
