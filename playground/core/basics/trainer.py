"""Train a Basics MLP epoch by epoch, reporting frozen snapshots through a callback.

`run(trainer, on_report=…, should_stop=…, gate=…)` is the one loop: the Decision-boundary page plays,
pauses and steps it through a `Gate`; the Digits page runs it to a fixed number of epochs; `compare`
runs it once per optimizer from the same initial weights. Snapshots carry everything the UI draws
(the boundary grid and each hidden neuron's output are computed here, on the training thread), at most
~15 per second; every epoch's losses and accuracies are reported.
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

VISUAL_INTERVAL_S = 1 / 15  # the boundary and thumbnails, at most this often (the last epoch always)
THUMBNAILS_PER_LAYER = 16  # hidden neurons drawn per layer (the first ones)


@dataclass(frozen=True)
class EpochReport:
    label: str  # the run's name: "" for a single run, the optimizer's in a comparison
    epoch: int  # epochs done
    train_loss: float  # cross-entropy, network in eval mode (no dropout), penalty not included
    test_loss: float
    train_accuracy: float  # 0..1
    test_accuracy: float
    weight_norm: float  # √Σw² over the Linear weights
    boundary: np.ndarray | None = None  # (G, G) P(class 1) on datasets.grid(G); toy runs, when drawn
    neurons: tuple[np.ndarray, ...] | None = None  # per drawn hidden neuron, (T, T) output scaled to 0..1
    neuron_layers: tuple[int, ...] = ()  # the hidden layer (0-based) of each drawn neuron


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
        self._x_train, self._y_train = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
        self._x_test, self._y_test = torch.from_numpy(data.x_test), torch.from_numpy(data.y_test)

    def train_epoch(self) -> None:
        s = self.settings
        self.model.train()
        n = len(self._y_train)
        order = torch.randperm(n, generator=self.generator)
        for start in range(0, n, s.batch_size):
            idx = order[start:start + s.batch_size]
            if len(idx) < 2 and s.mlp.batch_norm:  # batch norm cannot normalize one example
                continue
            logits = self.model(self._x_train[idx])  # (B, classes)
            loss = F.cross_entropy(logits, self._y_train[idx]) + penalty(self.model, s.l1, s.l2)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
        if not all(bool(torch.isfinite(p).all()) for p in self.model.parameters()):
            raise PlaygroundError("The weights became infinite or NaN: lower the Learning rate.")
        self.epoch += 1

    @torch.no_grad()
    def _score(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        logits = self.model(x)
        return float(F.cross_entropy(logits, y)), float((logits.argmax(1) == y).float().mean())

    @torch.no_grad()
    def report(self, visuals: bool = True) -> EpochReport:
        self.model.eval()
        train_loss, train_acc = self._score(self._x_train, self._y_train)
        test_loss, test_acc = self._score(self._x_test, self._y_test)
        boundary = neurons = None
        layers: tuple[int, ...] = ()
        if visuals and self.boundary_resolution and self.data.n_features == 2:
            g = self.boundary_resolution
            probs = F.softmax(self.model(torch.from_numpy(datasets.grid(g))), dim=1)[:, 1]  # (G², )
            boundary = probs.reshape(g, g).numpy()
        if visuals and self.thumbnail_resolution and self.data.n_features == 2 and self.settings.mlp.hidden_layers:
            t = self.thumbnail_resolution
            out, layer_of = [], []
            for layer, h in enumerate(self.model.hidden(torch.from_numpy(datasets.grid(t)))):  # (T², width)
                h = h[:, :THUMBNAILS_PER_LAYER]
                lo, hi = h.min(0).values, h.max(0).values
                scaled = ((h - lo) / (hi - lo).clamp_min(1e-6)).T.reshape(-1, t, t)  # (shown, T, T)
                out.extend(scaled.numpy())
                layer_of.extend([layer] * len(scaled))
            neurons, layers = tuple(out), tuple(layer_of)
        return EpochReport(self.label, self.epoch, train_loss, test_loss, train_acc, test_acc,
                           weight_norm(self.model), boundary, neurons, layers)

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


def run(trainer: Trainer, *, on_report: Callable[[EpochReport], None], should_stop: threading.Event | None = None,
        gate: Gate | None = None) -> RunResult:
    """Train until `settings.epochs` (0: until stopped), reporting each epoch."""
    with _one_thread_here():
        return _run(trainer, on_report=on_report, should_stop=should_stop or threading.Event(), gate=gate)


def _run(trainer: Trainer, *, on_report, should_stop: threading.Event, gate: Gate | None) -> RunResult:
    limit = trainer.settings.epochs
    last_visual, last = float("-inf"), None
    if trainer.epoch == 0:
        last = trainer.report()
        on_report(last)  # the untrained network's boundary, straight away
    while not limit or trainer.epoch < limit:
        playing = gate.wait(should_stop) if gate is not None else (None if should_stop.is_set() else True)
        if playing is None:
            return trainer.result(True, last)
        trainer.train_epoch()
        now = time.monotonic()
        visuals = not playing or now - last_visual >= VISUAL_INTERVAL_S or trainer.epoch == limit
        if visuals:
            last_visual = now
        last = trainer.report(visuals)
        on_report(last)
    return trainer.result(False, last)


def compare(data: datasets.Dataset, settings: TrainSettings, optimizers: tuple[str, ...], *,
            on_report: Callable[[EpochReport], None], should_stop: threading.Event | None = None
            ) -> dict[str, RunResult]:
    """The same network (same seed, same initial weights, same batches) trained once per optimizer."""
    should_stop = should_stop or threading.Event()
    if not settings.epochs:
        raise PlaygroundError("Epochs: a comparison needs a number of epochs (above 0).")
    results = {}
    for name in optimizers:
        trainer = Trainer(data, TrainSettings(**{**settings.__dict__, "optimizer": name}), label=name)
        results[name] = run(trainer, on_report=on_report, should_stop=should_stop)
        if results[name].stopped:
            raise Cancelled(f"Comparison stopped after {len(results)} of {len(optimizers)} optimizers.")
    return results
