"""Train a Basics MLP epoch by epoch, reporting frozen snapshots through a callback.

`run(trainer, on_report=…, should_stop=…, gate=…)` is the one loop: the Decision-boundary page plays,
pauses and steps it through a `Gate`; the Digits page runs it to a fixed number of epochs; `compare`
runs it once per optimizer from the same initial weights. Every epoch's losses and accuracies are
reported (`EpochReport`); a `Snapshot` carries everything the decision-boundary page draws, ready to draw
(the boundary grid and each hidden neuron's output as an 8-bit image are computed here, on the training
thread), at most every SNAPSHOT_INTERVAL_S, from inside an epoch too (after any batch), so a big epoch
still animates. Between two batches the run also sees a stop, sleeps briefly (YIELD_*) and gives way
while the window redraws (`Gate.make_way`).
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from playground.core.basics import datasets
from playground.core.basics.mlp import TrainSettings, build_mlp, check, make_optimizer, penalty, weight_norm
from playground.core.errors import Cancelled, PlaygroundError

SNAPSHOT_INTERVAL_S = 1 / 15  # the boundary and thumbnails, at most this often (the first and last always)
THUMBNAILS_PER_LAYER = 16  # hidden neurons drawn per layer (the first ones)
# A tiny network's training is mostly Python (module calls, the optimizer's loop) holding the GIL: left
# alone it takes the window's turns too (100-300 ms stalls measured on a busy 2-core machine). Every
# YIELD_EVERY_S of training it sleeps YIELD_S, which hands the GIL over: about 8% fewer epochs per second.
YIELD_EVERY_S = 0.012
YIELD_S = 0.001


@dataclass(frozen=True)
class EpochReport:
    label: str  # the run's name: "" for a single run, the optimizer's in a comparison
    epoch: int  # epochs done
    train_loss: float  # cross-entropy, network in eval mode (no dropout), penalty not included
    test_loss: float
    train_accuracy: float  # 0..1
    test_accuracy: float
    weight_norm: float  # √Σw² over the Linear weights


@dataclass(frozen=True)
class Snapshot:
    """What the decision-boundary page draws, taken between two batches."""

    epoch: float  # epochs done, fractional inside an epoch
    boundary: np.ndarray  # (G, G) float32 P(class 1) on datasets.grid(G): row 0 is the bottom (y = -EXTENT)
    neurons: tuple[np.ndarray, ...]  # per drawn hidden neuron, (T, T) uint8 output scaled to 0..255, row 0 on top
    neuron_layers: tuple[int, ...]  # the hidden layer (0-based) of each drawn neuron


@dataclass(frozen=True)
class Mistake:
    image: np.ndarray  # (8, 8) in 0..1
    true: int
    predicted: int
    confidence: float  # the network's probability for `predicted`


@dataclass(frozen=True)
class Evaluation:
    confusion: np.ndarray  # (classes, classes) counts on the test split: row = true, column = predicted
    mistakes: tuple[Mistake, ...]  # misclassified test images, most confident first


class Predictor:
    """A frozen copy of a trained network, for single inputs (the digit pad)."""

    def __init__(self, model) -> None:
        import copy

        self._model = copy.deepcopy(model).eval()
        self._lock = threading.Lock()

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """(F,) input → (classes,) softmax probabilities."""
        with self._lock, torch.no_grad():
            logits = self._model(torch.as_tensor(np.asarray(x, np.float32).reshape(1, -1)))
            return F.softmax(logits, dim=1)[0].numpy()


@dataclass(frozen=True)
class RunResult:
    stopped: bool  # ended by should_stop, not by reaching the epoch limit
    last: EpochReport | None
    evaluation: Evaluation | None = None  # classifiers with more than 2 classes (the digits)
    predictor: Predictor | None = None


class Gate:
    """Play, pause or step one epoch, from any thread; `run` waits on it before each epoch."""

    def __init__(self, playing: bool = True) -> None:
        self._cond = threading.Condition()
        self._playing, self._steps = playing, 0
        self._make_way_until = 0.0  # time.monotonic() until which the run pauses between batches

    def make_way(self, seconds: float) -> None:
        """Ask the run to pause between batches for `seconds` (the window is about to redraw: a tiny
        network's training is mostly Python, and would take the GIL from it at every turn)."""
        self._make_way_until = time.monotonic() + seconds

    def give_way(self) -> None:
        """Sleep while a make_way lasts (the training thread, between batches)."""
        while (left := self._make_way_until - time.monotonic()) > 0:
            time.sleep(min(left, 0.002))

    @property
    def playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        with self._cond:
            self._playing = True
            self._cond.notify_all()

    def pause(self) -> None:
        with self._cond:
            self._playing = False

    def step(self) -> None:
        with self._cond:
            self._steps += 1
            self._cond.notify_all()

    def wait(self, should_stop: threading.Event) -> bool | None:
        """Block until the next epoch may run. True: playing; False: one step; None: stop."""
        with self._cond:
            while not (self._playing or self._steps) and not should_stop.is_set():
                self._cond.wait(0.05)
            if should_stop.is_set():
                return None
            if self._playing:
                return True
            self._steps -= 1
            return False


class Trainer:
    """A network, its optimizer and its data; `train_epoch()` then `report()`."""

    def __init__(self, data: datasets.Dataset, settings: TrainSettings, *, label: str = "",
                 boundary_resolution: int = 0, thumbnail_resolution: int = 0) -> None:
        check(settings)
        if settings.mlp.batch_norm and settings.batch_size < 2:
            raise PlaygroundError("Batch size: batch normalization needs at least 2 examples per batch.")
        if settings.mlp.in_features != data.n_features or settings.mlp.out_features != data.n_classes:
            raise PlaygroundError(f"The network takes {settings.mlp.in_features} inputs and {settings.mlp.out_features} "
                                  f"classes; the data has {data.n_features} and {data.n_classes}.")
        self.data, self.settings, self.label = data, settings, label
        self.boundary_resolution, self.thumbnail_resolution = boundary_resolution, thumbnail_resolution
        torch.manual_seed(settings.seed)
        self.model = build_mlp(settings.mlp)
        self.optimizer = make_optimizer(settings.optimizer, self.model.parameters(), settings.lr)
        self.generator = torch.Generator().manual_seed(settings.seed)
        self.epoch = 0
        self._grids: tuple | None = None  # the boundary's and the thumbnails' grid points, made once
        self._x_train, self._y_train = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
        self._x_test, self._y_test = torch.from_numpy(data.x_test), torch.from_numpy(data.y_test)

    def train_epoch(self, after_batch: Callable[[float], None] | None = None) -> None:
        """One pass over the training split; `after_batch(fraction of the epoch done)` after each step."""
        s = self.settings
        self.model.train()
        n = len(self._y_train)
        order = torch.randperm(n, generator=self.generator)
        penalized = bool(s.l1 or s.l2)
        for start in range(0, n, s.batch_size):
            idx = order[start:start + s.batch_size]
            if len(idx) < 2 and s.mlp.batch_norm:  # batch norm cannot normalize one example
                continue
            logits = self.model(self._x_train[idx])  # (B, classes)
            loss = F.cross_entropy(logits, self._y_train[idx])
            if penalized:
                loss = loss + penalty(self.model, s.l1, s.l2)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            if after_batch is not None:
                after_batch(min(start + s.batch_size, n) / n)
        if not all(bool(torch.isfinite(p).all()) for p in self.model.parameters()):
            raise PlaygroundError("The weights became infinite or NaN: lower the Learning rate.")
        self.epoch += 1

    @torch.no_grad()
    def _score(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        logits = self.model(x)
        return float(F.cross_entropy(logits, y)), float((logits.argmax(1) == y).float().mean())

    @torch.no_grad()
    def report(self) -> EpochReport:
        self.model.eval()
        train_loss, train_acc = self._score(self._x_train, self._y_train)
        test_loss, test_acc = self._score(self._x_test, self._y_test)
        return EpochReport(self.label, self.epoch, train_loss, test_loss, train_acc, test_acc,
                           weight_norm(self.model))

    @property
    def draws(self) -> bool:
        """Whether `snapshot()` has anything to draw (a 2-D toy set and a boundary resolution)."""
        return bool(self.boundary_resolution) and self.data.n_features == 2

    @torch.no_grad()
    def snapshot(self, epoch: float | None = None) -> Snapshot:
        """The boundary and the hidden neurons now (the network goes back to training mode after)."""
        was_training = self.model.training
        self.model.eval()
        g = self.boundary_resolution
        if self._grids is None:
            self._grids = (torch.from_numpy(datasets.grid(g)), torch.from_numpy(datasets.grid(self.thumbnail_resolution))
                           if self.thumbnail_resolution else None)
        boundary_grid, thumbnail_grid = self._grids
        probs = F.softmax(self.model(boundary_grid), dim=1)[:, 1]  # (G², )
        boundary = probs.reshape(g, g).numpy()
        out, layer_of = [], []
        if thumbnail_grid is not None and self.settings.mlp.hidden_layers:
            t = self.thumbnail_resolution
            for layer, h in enumerate(self.model.hidden(thumbnail_grid)):  # (T², width)
                h = torch.nan_to_num(h[:, :THUMBNAILS_PER_LAYER])
                lo, hi = h.min(0).values, h.max(0).values
                scaled = ((h - lo) / (hi - lo).clamp_min(1e-6)).T.reshape(-1, t, t)  # (shown, T, T), row 0 = bottom
                pixels = (scaled.flip(1).clamp(0, 1) * 255).round().to(torch.uint8).numpy()
                out.extend(pixels)
                layer_of.extend([layer] * len(pixels))
        self.model.train(was_training)
        return Snapshot(float(self.epoch if epoch is None else epoch), boundary, tuple(out), tuple(layer_of))

    @torch.no_grad()
    def evaluate(self, max_mistakes: int = 24) -> Evaluation:
        self.model.eval()
        probs = F.softmax(self.model(self._x_test), dim=1).numpy()  # (N, classes)
        predicted, true = probs.argmax(1), self.data.y_test
        k = self.data.n_classes
        confusion = np.bincount(true * k + predicted, minlength=k * k).reshape(k, k)
        wrong = np.flatnonzero(predicted != true)
        wrong = wrong[np.argsort(-probs[wrong, predicted[wrong]])][:max_mistakes]
        side = int(round(self.data.n_features ** 0.5))
        mistakes = tuple(Mistake(self.data.x_test[i].reshape(side, side), int(true[i]), int(predicted[i]),
                                 float(probs[i, predicted[i]])) for i in wrong)
        return Evaluation(confusion, mistakes)

    def result(self, stopped: bool, last: EpochReport | None) -> RunResult:
        evaluation = self.evaluate() if self.data.n_classes > 2 else None
        return RunResult(stopped, last, evaluation, Predictor(self.model))


@contextmanager
def _one_thread_here():
    """These networks are tiny: on a busy 2-core machine, waking torch's second OpenMP thread for each op
    cost more than the op (3-15 epochs/s instead of 50-80, measured). OpenMP's thread count is a setting of
    the calling thread, so this one runs single-threaded and every other thread (a Training-tab run, the
    GUI) keeps its own; `torch.set_num_threads` would change them all."""
    try:
        gomp = ctypes.CDLL(os.path.join(os.path.dirname(torch.__file__), "lib", "libgomp.so.1"))
        before = gomp.omp_get_max_threads()
        gomp.omp_set_num_threads(1)
    except (OSError, AttributeError):  # another OpenMP runtime (macOS, Windows): torch's default stays
        yield
        return
    try:
        yield
    finally:
        gomp.omp_set_num_threads(before)


class _Stopped(Exception):
    """should_stop was set between two batches."""


def run(trainer: Trainer, *, on_report: Callable[[EpochReport], None],
        on_snapshot: Callable[[Snapshot], None] | None = None, should_stop: threading.Event | None = None,
        gate: Gate | None = None) -> RunResult:
    """Train until `settings.epochs` (0: until stopped), reporting each epoch; `on_snapshot` gets the
    pictures (when the trainer draws): the untrained network's, at most every SNAPSHOT_INTERVAL_S while
    playing, after every step, and the last one. A stop is seen between two batches."""
    with _one_thread_here():
        return _run(trainer, on_report=on_report, on_snapshot=on_snapshot if trainer.draws else None,
                    should_stop=should_stop or threading.Event(), gate=gate)


def _run(trainer: Trainer, *, on_report, on_snapshot, should_stop: threading.Event, gate: Gate | None) -> RunResult:
    limit = trainer.settings.epochs
    last = None
    last_snapshot = last_yield = time.monotonic()

    def after_batch(fraction: float) -> None:
        nonlocal last_snapshot, last_yield
        if should_stop.is_set():
            raise _Stopped
        if gate is not None:
            gate.give_way()
        if time.monotonic() - last_yield >= YIELD_EVERY_S:
            time.sleep(YIELD_S)
            last_yield = time.monotonic()
        if on_snapshot is not None and fraction < 1 and time.monotonic() - last_snapshot >= SNAPSHOT_INTERVAL_S:
            on_snapshot(trainer.snapshot(trainer.epoch + fraction))
            last_snapshot = time.monotonic()

    if trainer.epoch == 0:
        last = trainer.report()
        on_report(last)
        if on_snapshot is not None:
            on_snapshot(trainer.snapshot())  # the untrained network's boundary, straight away
    while not limit or trainer.epoch < limit:
        playing = gate.wait(should_stop) if gate is not None else (None if should_stop.is_set() else True)
        if playing is None:
            return trainer.result(True, last)
        try:
            trainer.train_epoch(after_batch)
        except _Stopped:
            return trainer.result(True, last)
        last = trainer.report()
        on_report(last)
        if on_snapshot is not None and (not playing or trainer.epoch == limit
                                        or time.monotonic() - last_snapshot >= SNAPSHOT_INTERVAL_S):
            on_snapshot(trainer.snapshot())
            last_snapshot = time.monotonic()
    return trainer.result(False, last)


def compare(data: datasets.Dataset, settings: TrainSettings, optimizers: tuple[str, ...], *,
            on_report: Callable[[EpochReport], None], should_stop: threading.Event | None = None,
            gate: Gate | None = None) -> dict[str, RunResult]:
    """The same network (same seed, same initial weights, same batches) trained once per optimizer."""
    should_stop = should_stop or threading.Event()
    if not settings.epochs:
        raise PlaygroundError("Epochs: a comparison needs a number of epochs (above 0).")
    results = {}
    for name in optimizers:
        trainer = Trainer(data, TrainSettings(**{**settings.__dict__, "optimizer": name}), label=name)
        results[name] = run(trainer, on_report=on_report, should_stop=should_stop, gate=gate)
        if results[name].stopped:
            raise Cancelled(f"Comparison stopped after {len(results)} of {len(optimizers)} optimizers.")
    return results
