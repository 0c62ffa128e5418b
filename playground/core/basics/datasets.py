"""The Basics tab's data: 2-D toy sets made in code, and the 8×8 handwritten digits shipped in resources/.

Toy points live in about [-1, 1]² (the decision-boundary grid spans EXTENT); labels are 0 or 1.
Everything here is numpy only: the tab shows the points before any network (or torch) exists.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.core.errors import PlaygroundError
from playground.core.paths import RESOURCES

TOY_DATASETS = ("circles", "xor", "spirals", "blobs")
EXTENT = 1.5  # the boundary grid covers [-EXTENT, EXTENT]² (every toy set fits inside)
DIGITS_PATH = RESOURCES / "datasets" / "digits.csv.gz"
DIGIT_SIDE = 8  # the images are 8×8, values 0..16


@dataclass(frozen=True)
class Dataset:
    """Train and test splits. x: (N, F) float32; y: (N,) int64 class ids."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    name: str = ""

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    def with_points(self, points: tuple[tuple[float, float, int], ...]) -> "Dataset":
        """These (x, y, label) points added to the training split (the ones clicked onto the plot)."""
        if not points:
            return self
        extra = np.asarray(points, dtype=np.float32).reshape(-1, 3)
        return Dataset(np.concatenate([self.x_train, extra[:, :2]]),
                       np.concatenate([self.y_train, extra[:, 2].astype(np.int64)]),
                       self.x_test, self.y_test, self.n_classes, self.name)


@dataclass(frozen=True)
class ToySpec:
    name: str = "circles"  # one of TOY_DATASETS
    n_points: int = 400  # train + test
    noise: float = 0.1  # standard deviation of the Gaussian jitter, in plot units
    test_fraction: float = 0.5
    seed: int = 0


def _circles(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    radius = np.where(y == 1, rng.uniform(0.0, 0.45, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1), y


def _xor(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-1, 1, (n, 2))
    x += np.sign(x) * 0.05  # a small margin around the axes
    return x, ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(np.int64)


def _spirals(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    t = rng.uniform(0.0, 1.0, n)
    radius = 0.1 + 0.9 * t
    angle = 1.75 * 2 * np.pi * t + np.pi * y
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1), y


def _blobs(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    centres = np.array([[-0.5, -0.5], [0.5, 0.5]])
    return centres[y] + rng.normal(0, 0.2, (n, 2)), y


_GENERATORS = {"circles": _circles, "xor": _xor, "spirals": _spirals, "blobs": _blobs}


def make_toy(spec: ToySpec) -> Dataset:
    """The same spec always gives the same points."""
    if spec.name not in _GENERATORS:
        raise PlaygroundError(f"Dataset: unknown toy set {spec.name!r} (choose one of {', '.join(TOY_DATASETS)}).")
    if spec.n_points < 4:
        raise PlaygroundError("Points: at least 4 are needed (some to train on, some to test).")
    if not 0.0 < spec.test_fraction < 1.0:
        raise PlaygroundError("Test split: must be between 0% and 100% (exclusive).")
    if spec.noise < 0:
        raise PlaygroundError("Noise: must be 0 or more.")
    rng = np.random.default_rng(spec.seed)
    x, y = _GENERATORS[spec.name](rng, spec.n_points)
    x = np.clip(x + rng.normal(0, spec.noise, x.shape), -EXTENT, EXTENT).astype(np.float32)
    n_test = min(max(1, round(spec.n_points * spec.test_fraction)), spec.n_points - 1)
    order = rng.permutation(spec.n_points)
    test, train = order[:n_test], order[n_test:]
    return Dataset(x[train], y[train].astype(np.int64), x[test], y[test].astype(np.int64), 2, spec.name)


def grid(resolution: int) -> np.ndarray:
    """(resolution², 2) points covering [-EXTENT, EXTENT]², row-major from the bottom row (y = -EXTENT) up."""
    axis = np.linspace(-EXTENT, EXTENT, resolution, dtype=np.float32)
    gx, gy = np.meshgrid(axis, axis)
    return np.stack([gx.ravel(), gy.ravel()], 1)


def load_digits_array(path: Path | str = DIGITS_PATH) -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 64) float32 in 0..16, labels (1797,) int64) from scikit-learn's digits.csv.gz.
    Read once per path (parsing the text holds the GIL for ~25-50 ms: every run's start would stall the
    window); the arrays are read-only."""
    key = str(Path(path).resolve())
    if key not in _DIGITS_CACHE:
        images, labels = _read_digits(Path(path))
        images.setflags(write=False)
        labels.setflags(write=False)
        _DIGITS_CACHE[key] = (images, labels)
    return _DIGITS_CACHE[key]


_DIGITS_CACHE: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def _read_digits(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with gzip.open(path, "rt", encoding="ascii") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.float32, ndmin=2)
    except FileNotFoundError:
        raise PlaygroundError(f"The digits data set is missing ({path}). Reinstall the app.") from None
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise PlaygroundError(f"The digits data set at {path} is damaged ({exc}). Reinstall the app.") from None
    side = DIGIT_SIDE * DIGIT_SIDE
    if table.shape[1] != side + 1 or len(table) < 10:
        raise PlaygroundError(f"The digits data set at {path} is damaged: expected rows of {side} pixels and a "
                              f"label, found {table.shape[0]} rows of {table.shape[1]} values. Reinstall the app.")
    images, labels = table[:, :side], table[:, side]
    if images.min() < 0 or images.max() > 16 or not np.all(np.isin(labels, np.arange(10))):
        raise PlaygroundError(f"The digits data set at {path} is damaged: pixels must be 0..16 and labels 0..9.")
    return np.ascontiguousarray(images), labels.astype(np.int64)


def load_digits(test_fraction: float = 0.2, seed: int = 0, path: Path | str = DIGITS_PATH) -> Dataset:
    """The digits scaled to [0, 1], split at random (seeded) into train and test."""
    if not 0.0 < test_fraction < 1.0:
        raise PlaygroundError("Test split: must be between 0% and 100% (exclusive).")
    images, labels = load_digits_array(path)
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = round(len(labels) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    x = images / 16.0
    return Dataset(x[train], labels[train], x[test], labels[test], 10, "digits")
