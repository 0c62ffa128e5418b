"""Optimizer paths: torch's own optimizers (the ones training uses) stepping a two-element parameter
down a 2-D loss surface, all from the same start, so their paths can be compared step by step.

    result = compute_paths(PathConfig(surface="valley"))
    result.path("adam").points  # (steps + 1, 2): the start, then the point after each step
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from playground.core.basics.surfaces import SURFACES, Point, Surface, SurfacePicture, surface_picture
from playground.core.errors import Cancelled, PlaygroundError

if TYPE_CHECKING:
    import numpy as np
    import torch


@dataclass(frozen=True)
class OptimizerSpec:
    key: str
    title: str
    rule: str  # the update rule, as torch implements it (g = ∇L(θ), η = the optimizer's lr)
    idea: str  # what the rule does, in a sentence
    adaptive: bool  # takes the step size (parameter units) rather than the learning rate


OPTIMIZERS: tuple[OptimizerSpec, ...] = (
    OptimizerSpec("sgd", "SGD", "θ ← θ − η·g",
                  "Steps straight down the slope: long steps where it is steep, tiny ones where it is flat.",
                  adaptive=False),
    OptimizerSpec("momentum", "Momentum", "v ← β·v + g\nθ ← θ − η·v",
                  "v remembers past gradients: it builds up speed along any direction that persists and "
                  "cancels zig-zags.", adaptive=False),
    OptimizerSpec("adagrad", "AdaGrad", "G ← G + g²\nθ ← θ − η·g / (√G + ε)",
                  "Divides each coordinate by all its past gradients: steep directions slow down, and "
                  "every step shrinks over time.", adaptive=True),
    OptimizerSpec("rmsprop", "RMSprop", "s ← ρ·s + (1 − ρ)·g²\nθ ← θ − η·g / (√s + ε)",
                  "Like AdaGrad, but forgets old gradients: its steps do not shrink for ever.", adaptive=True),
    OptimizerSpec("adam", "Adam", "m ← β₁·m + (1 − β₁)·g\nv ← β₂·v + (1 − β₂)·g²\n"
                  "m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)\nθ ← θ − η·m̂ / (√v̂ + ε)",
                  "Momentum (m) divided by RMSprop's running size (v); m̂ and v̂ undo the zero start of "
                  "the first steps.", adaptive=True),
)
OPTIMIZER_KEYS = tuple(spec.key for spec in OPTIMIZERS)
MAX_STEPS = 2000
DIVERGED = 1e6  # a coordinate this large (or not finite) means the path has left for good


class PathConfigError(PlaygroundError):
    """A setting out of range; `field` names the PathConfig field (the control to point at)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class PathConfig:
    surface: str = "bowl"
    start: Point | None = None  # None: the surface's default start
    lr: float | None = None  # SGD and Momentum's learning rate; None: the surface's default
    adaptive_lr: float | None = None  # AdaGrad, RMSprop and Adam's step size; None: the surface's default
    momentum: float = 0.9  # β of Momentum (torch SGD's `momentum`)
    beta1: float = 0.9  # Adam's β₁
    beta2: float = 0.999  # Adam's β₂
    rho: float = 0.99  # RMSprop's decay ρ (torch's `alpha`)
    steps: int | None = None  # None: the surface's default
    seed: int = 0  # the gradient noise's seed (noisy surfaces): every optimizer sees the same noise

    def resolved(self) -> PathConfig:
        """This config with every None replaced by the surface's default, after checking it."""
        if self.surface not in SURFACES:
            raise PathConfigError("surface", f"Unknown surface {self.surface!r}: pick one of {', '.join(SURFACES)}.")
        s = SURFACES[self.surface]
        config = replace(self, start=self.start if self.start is not None else s.start,
                         lr=self.lr if self.lr is not None else s.lr,
                         adaptive_lr=self.adaptive_lr if self.adaptive_lr is not None else s.adaptive_lr,
                         steps=self.steps if self.steps is not None else s.steps)
        config._check(s)
        return config

    def _check(self, s: Surface) -> None:
        for name in ("lr", "adaptive_lr"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise PathConfigError(name, f"must be above 0 (got {value:g}).")
        for name in ("momentum", "beta1", "beta2", "rho"):
            value = getattr(self, name)
            if not (0.0 <= value < 1.0):
                raise PathConfigError(name, f"must be at least 0 and below 1 (got {value:g}).")
        if not (1 <= self.steps <= MAX_STEPS):
            raise PathConfigError("steps", f"must be between 1 and {MAX_STEPS} (got {self.steps}).")
        x, y = self.start
        if not s.contains(x, y):
            raise PathConfigError("start", f"({x:.3g}, {y:.3g}) is outside the surface "
                                           f"(x in {s.x_range}, y in {s.y_range}).")


@dataclass(frozen=True, eq=False)
class OptimizerPath:
    key: str
    points: np.ndarray  # (n, 2): the start, then θ after each step; n < steps + 1 when it diverged
    losses: np.ndarray  # (n,): the (noise-free) loss at each point
    distances: np.ndarray  # (n,): distance to the nearest minimum at each point
    diverged: bool  # stopped early: θ left for infinity (the learning rate is too large)

    def at(self, step: int) -> int:
        """The index of the point shown at `step` (a diverged path stays at its last point)."""
        return min(max(step, 0), len(self.points) - 1)


@dataclass(frozen=True, eq=False)
class PathsResult:
    config: PathConfig  # resolved: no None left
    paths: tuple[OptimizerPath, ...] = field(default=())  # in OPTIMIZERS order

    def path(self, key: str) -> OptimizerPath:
        return next(p for p in self.paths if p.key == key)


def make_optimizer(key: str, params: list[torch.Tensor], config: PathConfig) -> torch.optim.Optimizer:
    """The torch optimizer `key` as this config sets it (config resolved)."""
    import torch

    if key == "sgd":
        return torch.optim.SGD(params, lr=config.lr)
    if key == "momentum":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum)
    if key == "adagrad":
        return torch.optim.Adagrad(params, lr=config.adaptive_lr)
    if key == "rmsprop":
        return torch.optim.RMSprop(params, lr=config.adaptive_lr, alpha=config.rho)
    if key == "adam":
        return torch.optim.Adam(params, lr=config.adaptive_lr, betas=(config.beta1, config.beta2))
    raise PathConfigError("optimizer", f"Unknown optimizer {key!r}.")


def run_optimizer(key: str, config: PathConfig, should_stop: threading.Event | None = None) -> OptimizerPath:
    """One optimizer's path (config resolved)."""
    import numpy as np
    import torch

    surface = SURFACES[config.surface]
    theta = torch.tensor(config.start, dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer(key, [theta], config)
    noise = torch.Generator().manual_seed(config.seed)  # the same noise sequence for every optimizer
    points = [config.start]
    diverged = False
    for _ in range(config.steps):
        if should_stop is not None and should_stop.is_set():
            raise Cancelled("Stopped computing the optimizer paths.")
        optimizer.zero_grad()
        surface.fn(theta).backward()
        if surface.gradient_noise:
            theta.grad += surface.gradient_noise * torch.randn(2, generator=noise, dtype=torch.float64)
        optimizer.step()
        x, y = theta.detach().tolist()
        if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > DIVERGED:
            diverged = True
            break
        points.append((x, y))
    xy = np.array(points, dtype=np.float64)  # (n, 2)
    with torch.no_grad():
        losses = surface.fn(torch.from_numpy(xy)).numpy()
    minima = np.array(surface.minima, dtype=np.float64)  # (m, 2)
    distances = np.linalg.norm(xy[:, None, :] - minima[None, :, :], axis=-1).min(axis=1)
    for array in (xy, losses, distances):
        array.setflags(write=False)
    return OptimizerPath(key, xy, losses, distances, diverged)


def compute_paths(config: PathConfig, *, should_stop: threading.Event | None = None,
                  keys: tuple[str, ...] = OPTIMIZER_KEYS) -> PathsResult:
    """Every optimizer's path from the same start (a few ms per hundred steps each)."""
    config = config.resolved()
    return PathsResult(config, tuple(run_optimizer(key, config, should_stop) for key in keys))


@dataclass(frozen=True, eq=False)
class PathsScene:
    """What the optimizer paths panel draws: the surface's picture and every path over it."""

    picture: SurfacePicture
    result: PathsResult


def compute_scene(config: PathConfig, *, should_stop: threading.Event | None = None) -> PathsScene:
    result = compute_paths(config, should_stop=should_stop)
    return PathsScene(surface_picture(result.config.surface), result)
