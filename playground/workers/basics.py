"""Runs the Basics tab's training (core.basics.trainer) on a QThread.

As in workers/training.py, reports do not cross threads as signals: the core appends each EpochReport
to a deque that the page drains on its redraw timer, and puts each Snapshot (the pictures) in a one-place
slot, so a newer one replaces one the page has not drawn yet: stale pictures are dropped, never queued. `gate` plays, pauses and steps the run from the
GUI thread, and `gate.make_way(s)` pauses it between batches while the page redraws. The end is a
signal: finished(RunResult, or {optimizer: RunResult} for a comparison),
failed(Failure) or cancelled(Failure).
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import Slot

from playground.core.basics.trainer import Gate
from playground.workers.base import FunctionWorker, Worker, drain

BOUNDARY_RESOLUTION = 80  # cells per side of the decision-boundary image
THUMBNAIL_RESOLUTION = 24  # cells per side of each hidden neuron's thumbnail


class BasicsWorker(Worker):
    """One toy run (`toy`), one digits run (`digits`) or a comparison of optimizers (`compare`)."""

    def __init__(self, kind: str, settings, *, data=None, points=(), optimizers=(), playing: bool = True) -> None:
        super().__init__()
        self.kind, self.settings, self.data, self.points, self.optimizers = kind, settings, data, points, optimizers
        self.gate = Gate(playing)
        self.events: deque = deque()
        self._snapshot: deque = deque(maxlen=1)  # the latest core.basics.trainer.Snapshot not yet taken

    def take_snapshot(self):
        """The latest Snapshot since the last call, or None (GUI thread)."""
        try:
            return self._snapshot.popleft()
        except IndexError:
            return None

    def drain(self) -> list:
        """Every EpochReport since the last call, oldest first (GUI thread)."""
        return drain(self.events)

    def stop(self) -> None:
        super().stop()
        self.gate.play()  # a paused run wakes up to see the stop

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.basics import datasets, trainer

            report = self.events.append
            if self.kind == "toy":
                data = datasets.make_toy(self.data).with_points(self.points)
                run = trainer.Trainer(data, self.settings, boundary_resolution=BOUNDARY_RESOLUTION,
                                      thumbnail_resolution=THUMBNAIL_RESOLUTION)
                result = trainer.run(run, on_report=report, on_snapshot=self._snapshot.append,
                                     should_stop=self.should_stop, gate=self.gate)
            elif self.kind == "digits":
                run = trainer.Trainer(datasets.load_digits(seed=self.settings.seed), self.settings)
                result = trainer.run(run, on_report=report, should_stop=self.should_stop, gate=self.gate)
            else:
                result = trainer.compare(datasets.load_digits(seed=self.settings.seed), self.settings,
                                         self.optimizers, on_report=report, should_stop=self.should_stop,
                                         gate=self.gate)
        except BaseException as exc:  # noqa: BLE001 - every failure reaches the user
            self.fail(exc)
        else:
            self.finished.emit(result)


def _probabilities(predictor, pixels):
    return predictor.probabilities(pixels)


def predict_worker(predictor, pixels) -> FunctionWorker:
    """The trained network's probabilities for one drawn digit (64 values in 0..1)."""
    return FunctionWorker(_probabilities, predictor, pixels)
