"""The loss surfaces: their minima are where they say, and the contour lines lie on their levels."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.basics.surfaces import SURFACES, contour_levels, contour_segments, surface_picture


@pytest.mark.parametrize("key", list(SURFACES))
def test_each_minimum_is_a_stationary_point_no_grid_point_beats(key):
    surface = SURFACES[key]
    picture = surface_picture(key)
    for mx, my in surface.minima:
        point = torch.tensor([mx, my], dtype=torch.float64, requires_grad=True)
        surface.fn(point).backward()
        assert point.grad.abs().max() < 1e-9
        assert surface.loss(mx, my) <= picture.values.min() + 1e-12
        assert surface.contains(mx, my)
    assert surface.contains(*surface.start)
    assert surface.distance_to_minimum(*surface.minima[0]) == 0.0


def test_the_saddle_is_a_saddle_between_two_minima():
    saddle = SURFACES["saddle"]
    hessian = torch.autograd.functional.hessian(saddle.fn, torch.zeros(2, dtype=torch.float64))
    eigenvalues = torch.linalg.eigvalsh(hessian)
    assert eigenvalues[0] < 0 < eigenvalues[1]  # down one way, up the other
    assert saddle.loss(0.0, 0.0) > saddle.loss(0.0, 1.0) == saddle.loss(0.0, -1.0)
    assert saddle.distance_to_minimum(0.2, -0.9) == pytest.approx(np.hypot(0.2, 0.1))


def test_contours_of_a_plane_lie_exactly_on_their_level():
    xs, ys = np.linspace(-1, 1, 21), np.linspace(-2, 2, 31)
    gx, gy = np.meshgrid(xs, ys)
    segments = contour_segments(xs, ys, gx + 2 * gy, 0.7)  # linear: the interpolation is exact
    assert segments.shape[1:] == (2, 2) and len(segments) > 20
    ends = segments.reshape(-1, 2)
    np.testing.assert_allclose(ends[:, 0] + 2 * ends[:, 1], 0.7, atol=1e-12)
    assert np.all(np.linalg.norm(segments[:, 0] - segments[:, 1], axis=1) < 0.2)  # within one cell


def test_contours_of_a_bowl_are_circles_and_a_level_above_everything_has_none():
    xs = ys = np.linspace(-2, 2, 81)
    gx, gy = np.meshgrid(xs, ys)
    values = gx ** 2 + gy ** 2
    ends = contour_segments(xs, ys, values, 1.0).reshape(-1, 2)
    np.testing.assert_allclose(np.hypot(ends[:, 0], ends[:, 1]), 1.0, atol=0.01)
    assert len(ends) > 100
    assert len(contour_segments(xs, ys, values, 100.0)) == 0


def test_contours_of_a_saddle_cell_get_two_segments():
    xs = ys = np.array([0.0, 1.0])
    values = np.array([[1.0, 0.0], [0.0, 1.0]])  # above on one diagonal, below on the other
    assert contour_segments(xs, ys, values, 0.5).shape == (2, 2, 2)


@pytest.mark.parametrize("key", list(SURFACES))
def test_the_picture_covers_the_region_with_rising_levels(key):
    surface = SURFACES[key]
    picture = surface_picture(key, resolution=60)
    assert picture.values.shape == picture.shade.shape == (60, 60)
    assert (picture.xs[0], picture.xs[-1]) == surface.x_range and (picture.ys[0], picture.ys[-1]) == surface.y_range
    assert picture.shade.min() == 0.0 and picture.shade.max() == pytest.approx(1.0)
    assert picture.shade.flat[picture.values.argmin()] == 0.0
    assert list(picture.levels) == sorted(picture.levels) and picture.levels[0] > picture.values.min()
    assert len(picture.contours) > 50
    points = picture.contours.reshape(-1, 2)
    assert points[:, 0].min() >= surface.x_range[0] and points[:, 0].max() <= surface.x_range[1]
    assert points[:, 1].min() >= surface.y_range[0] and points[:, 1].max() <= surface.y_range[1]
    row = np.searchsorted(picture.ys, 0.5 * sum(surface.y_range))  # a grid value, not the surface's own
    assert picture.values[row, 7] == pytest.approx(surface.loss(picture.xs[7], picture.ys[row]))


def test_levels_are_dense_near_the_minimum():
    levels = contour_levels(np.linspace(0.0, 1000.0, 1001))
    gaps = np.diff(levels)
    assert np.all(gaps[1:] > gaps[:-1])  # each gap wider than the last
    assert levels[0] < 1.0 < levels[-1] <= 1000.0
