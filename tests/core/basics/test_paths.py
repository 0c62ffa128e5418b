"""Optimizer paths: torch's optimizers on the 2-D surfaces, checked against the update rules by hand
and against the lessons the panel teaches."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from playground.core.basics.paths import (OPTIMIZER_KEYS, OPTIMIZERS, PathConfig, PathConfigError, compute_paths,
                                          run_optimizer)
from playground.core.basics.surfaces import SURFACES
from playground.core.errors import Cancelled


def test_every_optimizer_ends_near_the_bottom_of_the_bowl():
    result = compute_paths(PathConfig(surface="bowl"))
    start_distance = SURFACES["bowl"].distance_to_minimum(*SURFACES["bowl"].start)
    assert [p.key for p in result.paths] == list(OPTIMIZER_KEYS)
    for path in result.paths:
        assert len(path.points) == result.config.steps + 1 and not path.diverged
        assert path.distances[-1] < 0.03 * start_distance, path.key
        assert path.losses[-1] < 1e-3 < path.losses[0], path.key


def test_momentum_and_adam_beat_sgd_down_the_elongated_valley_in_the_same_steps():
    result = compute_paths(PathConfig(surface="valley"))
    sgd, momentum, adam = (result.path(k) for k in ("sgd", "momentum", "adam"))
    assert len(sgd.points) == len(momentum.points) == len(adam.points) == result.config.steps + 1
    assert momentum.distances[-1] < 0.1 * sgd.distances[-1]
    assert adam.distances[-1] < 0.1 * sgd.distances[-1]
    assert momentum.losses[-1] < 0.05 * sgd.losses[-1] and adam.losses[-1] < 0.05 * sgd.losses[-1]
    # SGD zig-zags across the steep direction: y changes sign from one step to the next.
    assert np.all(np.sign(sgd.points[1:6, 1]) == -np.sign(sgd.points[0:5, 1]))


def test_adaptive_methods_leave_the_saddle_long_before_sgd():
    result = compute_paths(PathConfig(surface="saddle"))

    def escape(key):  # the first step at which |y| passes 0.5
        return int(np.argmax(np.abs(result.path(key).points[:, 1]) > 0.5))

    assert escape("sgd") > 100
    for key in ("rmsprop", "adam", "momentum"):
        assert 0 < escape(key) < escape("sgd") / 2, key


def _by_hand(key: str, config: PathConfig, steps: int) -> np.ndarray:
    """The update rules as the panel shows them, on the bowl (g = θ)."""
    theta = np.array(config.start, dtype=np.float64)
    v, G, s, m, t = np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2), 0
    out = [theta.copy()]
    for _ in range(steps):
        g = theta.copy()
        t += 1
        if key == "sgd":
            theta = theta - config.lr * g
        elif key == "momentum":
            v = config.momentum * v + g
            theta = theta - config.lr * v
        elif key == "adagrad":
            G = G + g ** 2
            theta = theta - config.adaptive_lr * g / (np.sqrt(G) + 1e-10)
        elif key == "rmsprop":
            s = config.rho * s + (1 - config.rho) * g ** 2
            theta = theta - config.adaptive_lr * g / (np.sqrt(s) + 1e-8)
        elif key == "adam":
            m = config.beta1 * m + (1 - config.beta1) * g
            v = config.beta2 * v + (1 - config.beta2) * g ** 2
            m_hat, v_hat = m / (1 - config.beta1 ** t), v / (1 - config.beta2 ** t)
            theta = theta - config.adaptive_lr * m_hat / (np.sqrt(v_hat) + 1e-8)
        out.append(theta.copy())
    return np.array(out)


@pytest.mark.parametrize("key", OPTIMIZER_KEYS)
def test_torch_runs_the_update_rule_shown_with_the_settings_chosen(key):
    config = PathConfig(surface="bowl", start=(1.5, -2.0), lr=0.07, adaptive_lr=0.2, momentum=0.6, beta1=0.7,
                        beta2=0.95, rho=0.8, steps=25).resolved()
    path = run_optimizer(key, config)
    np.testing.assert_allclose(path.points, _by_hand(key, config, 25), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(path.losses, 0.5 * (path.points ** 2).sum(axis=1))
    np.testing.assert_allclose(path.distances, np.hypot(*path.points.T))


def test_every_optimizer_has_a_title_and_a_rule():
    for spec in OPTIMIZERS:
        assert spec.title and spec.idea and "θ ←" in spec.rule
    assert [s.key for s in OPTIMIZERS if s.adaptive] == ["adagrad", "rmsprop", "adam"]


def test_the_noise_is_seeded_shared_and_only_on_the_noisy_surface():
    first = compute_paths(PathConfig(surface="noisy", steps=40))
    again = compute_paths(PathConfig(surface="noisy", steps=40))
    other_seed = compute_paths(PathConfig(surface="noisy", steps=40, seed=1))
    for key in OPTIMIZER_KEYS:
        np.testing.assert_array_equal(first.path(key).points, again.path(key).points)
        assert not np.allclose(first.path(key).points, other_seed.path(key).points)
    # The first SGD step differs from the noise-free one by η times the first noise draw.
    import torch

    noise = torch.randn(2, generator=torch.Generator().manual_seed(0), dtype=torch.float64).numpy()
    start = np.array(SURFACES["noisy"].start)
    clean_gradient = np.array([0.5, 2.0]) * start
    np.testing.assert_allclose(first.path("sgd").points[1], start - 0.1 * (clean_gradient + noise))
    # Noise-free surfaces are deterministic without a seed mattering.
    np.testing.assert_array_equal(compute_paths(PathConfig(surface="bowl", steps=5, seed=3)).path("sgd").points,
                                  compute_paths(PathConfig(surface="bowl", steps=5)).path("sgd").points)


def test_a_too_large_learning_rate_diverges_and_stops_at_its_last_finite_point():
    result = compute_paths(PathConfig(surface="bowl", lr=2.5, steps=200))
    sgd = result.path("sgd")
    assert sgd.diverged and 10 < len(sgd.points) < 201
    assert np.all(np.isfinite(sgd.points)) and np.abs(sgd.points[-1]).max() > 1e3
    assert sgd.at(500) == len(sgd.points) - 1 and sgd.at(3) == 3
    assert not result.path("adam").diverged


@pytest.mark.parametrize(("change", "field"), [
    ({"lr": 0.0}, "lr"), ({"lr": -0.1}, "lr"), ({"adaptive_lr": float("nan")}, "adaptive_lr"),
    ({"momentum": 1.0}, "momentum"), ({"beta1": -0.1}, "beta1"), ({"beta2": 1.0}, "beta2"), ({"rho": 1.5}, "rho"),
    ({"steps": 0}, "steps"), ({"steps": 10 ** 6}, "steps"), ({"start": (9.0, 0.0)}, "start"),
    ({"surface": "moon"}, "surface"),
])
def test_bad_settings_are_refused_naming_the_setting(change, field):
    with pytest.raises(PathConfigError) as caught:
        compute_paths(PathConfig(**change))
    assert caught.value.field == field and str(caught.value)


def test_defaults_come_from_the_surface():
    config = PathConfig(surface="rosenbrock").resolved()
    rosenbrock = SURFACES["rosenbrock"]
    assert (config.start, config.lr, config.adaptive_lr, config.steps) == (
        rosenbrock.start, rosenbrock.lr, rosenbrock.adaptive_lr, rosenbrock.steps)
    assert PathConfig(surface="rosenbrock", lr=0.001).resolved().lr == 0.001


def test_a_set_stop_event_cancels():
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        compute_paths(PathConfig(), should_stop=stop)


def test_a_scene_is_the_paths_with_their_surface_picture():
    from playground.core.basics.paths import compute_scene

    scene = compute_scene(PathConfig(surface="saddle", steps=3))
    assert scene.picture.key == scene.result.config.surface == "saddle"
    assert len(scene.result.path("adam").points) == 4
