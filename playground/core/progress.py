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


def reporter(on_progress: ProgressFn | None) -> Callable[[float, str], None]:
    """`report(fraction, message)` that sends a Progress to `on_progress` (or nowhere when None)."""
    if on_progress is None:
        return lambda _fraction, _message: None
    return lambda fraction, message: on_progress(progress(fraction, message))


def scaled(on_progress: ProgressFn | None, lo: float, hi: float, prefix: str = "") -> ProgressFn | None:
    """A ProgressFn for one stage: maps its 0..1 onto lo..hi of the whole and prefixes its messages."""
    if on_progress is None:
        return None
    return lambda p: on_progress(progress(lo + (hi - lo) * p.fraction, prefix + p.message))
