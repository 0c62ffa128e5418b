"""Two-dimensional loss surfaces for watching optimizers walk: each is one torch function of a point
(..., 2) -> (...), so autograd gives the gradient the optimizers follow and the same function, on a
grid, gives the picture. `surface_picture` samples it and traces its contour lines (numpy marching
squares), ready to draw."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import numpy as np
    import torch

Point = tuple[float, float]


def _bowl(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return 0.5 * (x ** 2 + y ** 2)


def _valley(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return 0.5 * (0.05 * x ** 2 + 4.0 * y ** 2)  # curvatures 0.05 and 4: condition number 80


def _rosenbrock(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def _saddle(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return 0.5 * x ** 2 + 0.25 * y ** 4 - 0.5 * y ** 2  # a saddle at the origin, minima at (0, ±1)


def _noisy(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return 0.5 * (0.5 * x ** 2 + 2.0 * y ** 2)


@dataclass(frozen=True)
class Surface:
    key: str
    title: str
    description: str  # one or two sentences for the user: what this surface shows
    fn: Callable[[torch.Tensor], torch.Tensor]  # (..., 2) -> (...), differentiable
    x_range: tuple[float, float]  # the region drawn (and where a start point may be)
    y_range: tuple[float, float]
    minima: tuple[Point, ...]  # the global minima (distance to the nearest is reported)
    start: Point  # the default start point
    lr: float  # default learning rate for SGD and Momentum
    adaptive_lr: float  # default step size for AdaGrad, RMSprop and Adam
    steps: int  # default number of steps
    gradient_noise: float = 0.0  # std of seeded Gaussian noise added to every gradient (a stochastic gradient)

    def loss(self, x: float, y: float) -> float:
        import torch

        return float(self.fn(torch.tensor([x, y], dtype=torch.float64)))

    def contains(self, x: float, y: float) -> bool:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return x0 <= x <= x1 and y0 <= y <= y1

    def distance_to_minimum(self, x: float, y: float) -> float:
        return min(math.hypot(x - mx, y - my) for mx, my in self.minima)


SURFACES: dict[str, Surface] = {s.key: s for s in (
    Surface("bowl", "Bowl", "A round bowl, L = (x² + y²)/2: every optimizer finds the bottom.",
            _bowl, (-3.0, 3.0), (-3.0, 3.0), ((0.0, 0.0),), (-2.5, 2.0), lr=0.1, adaptive_lr=0.3, steps=100),
    Surface("valley", "Elongated valley",
            "Steep across, shallow along (curvatures 4 and 0.05). SGD zig-zags across and crawls along; "
            "momentum builds up speed along the valley, adaptive rates rescale each direction.",
            _valley, (-5.0, 5.0), (-2.0, 2.0), ((0.0, 0.0),), (-4.5, 1.2), lr=0.4, adaptive_lr=0.2, steps=100),
    Surface("rosenbrock", "Rosenbrock",
            "L = (1 − x)² + 100 (y − x²)²: a curved, nearly flat valley floor with the minimum at (1, 1). "
            "Easy to reach the valley, hard to follow it.",
            _rosenbrock, (-2.0, 2.0), (-1.0, 3.0), ((1.0, 1.0),), (-1.5, 2.5), lr=0.0015, adaptive_lr=0.1,
            steps=500),
    Surface("saddle", "Saddle",
            "A saddle point at the origin between two minima at (0, ±1). Starting almost on the ridge, the "
            "gradient across is tiny: SGD lingers near the saddle, adaptive methods escape quickly.",
            _saddle, (-2.5, 2.5), (-2.0, 2.0), ((0.0, 1.0), (0.0, -1.0)), (-2.0, 1e-5), lr=0.1,
            adaptive_lr=0.05, steps=150),
    Surface("noisy", "Noisy gradients",
            "An oval bowl whose gradient carries seeded random noise, as a mini-batch gradient does. No "
            "optimizer settles on the minimum: each ends in a jittering cloud around it, tighter for smaller "
            "steps (Momentum's steps are about η/(1 − β), ten times SGD's at β = 0.9).",
            _noisy, (-3.0, 3.0), (-3.0, 3.0), ((0.0, 0.0),), (-2.5, 2.0), lr=0.1, adaptive_lr=0.05, steps=150,
            gradient_noise=1.0),
)}


@dataclass(frozen=True, eq=False)
class SurfacePicture:
    """A surface sampled on a grid, and its contour lines."""

    key: str
    xs: np.ndarray  # (nx,) grid x coordinates
    ys: np.ndarray  # (ny,) grid y coordinates
    values: np.ndarray  # (ny, nx) loss; row i is y = ys[i]
    shade: np.ndarray  # (ny, nx) in [0, 1]: log-scaled loss, 0 at the lowest point, for colouring
    levels: tuple[float, ...]  # the loss of each contour line
    contours: np.ndarray  # (k, 2, 2) line segments [[x0, y0], [x1, y1]] of every contour line


def contour_levels(values: np.ndarray, count: int = 14) -> tuple[float, ...]:
    """Levels spaced geometrically above the lowest value: dense near the minimum, where paths end,
    sparse up the walls (Rosenbrock's walls go to thousands)."""
    import numpy as np

    low, high = float(values.min()), float(np.quantile(values, 0.95))
    span = max(high - low, 1e-12)
    return tuple(float(low + span * f) for f in np.geomspace(1e-3, 1.0, count))


def contour_segments(xs: np.ndarray, ys: np.ndarray, values: np.ndarray, level: float) -> np.ndarray:
    """(k, 2, 2) segments of the line values == level (marching squares, vectorized). A cell the
    line crosses on all four edges (a saddle cell) gets two segments, paired the same way each time."""
    import numpy as np

    above = values > level
    # The four edges of each cell (ny-1, nx-1): bottom (i, j)-(i, j+1), right (i, j+1)-(i+1, j+1),
    # top (i+1, j)-(i+1, j+1), left (i, j)-(i+1, j).
    corners = [(slice(None, -1), slice(None, -1)), (slice(None, -1), slice(1, None)),
               (slice(1, None), slice(1, None)), (slice(1, None), slice(None, -1))]
    edges = ((0, 1), (1, 2), (3, 2), (0, 3))
    gx, gy = np.meshgrid(xs, ys)
    points, crossed = [], []
    for a, b in edges:
        va, vb = values[corners[a]], values[corners[b]]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.clip((level - va) / (vb - va), 0.0, 1.0)
        px = gx[corners[a]] + t * (gx[corners[b]] - gx[corners[a]])
        py = gy[corners[a]] + t * (gy[corners[b]] - gy[corners[a]])
        points.append(np.stack([px, py], axis=-1))  # (ny-1, nx-1, 2)
        crossed.append(above[corners[a]] != above[corners[b]])
    points = np.stack(points, axis=2)  # (ny-1, nx-1, 4, 2)
    crossed = np.stack(crossed, axis=2)  # (ny-1, nx-1, 4)
    count = crossed.sum(axis=2)
    two = points[count == 2][crossed[count == 2]].reshape(-1, 2, 2)
    four = points[count == 4]  # (m, 4, 2): bottom-right and top-left
    four = np.concatenate([four[:, [0, 1]], four[:, [2, 3]]]) if len(four) else four.reshape(0, 2, 2)
    return np.concatenate([two, four]) if len(four) else two


@functools.lru_cache(maxsize=len(SURFACES))
def surface_picture(key: str, resolution: int = 160) -> SurfacePicture:
    """The surface `key` on a resolution × resolution grid over its region, with contour lines."""
    import numpy as np
    import torch

    surface = SURFACES[key]
    xs = np.linspace(*surface.x_range, resolution)
    ys = np.linspace(*surface.y_range, resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = torch.from_numpy(np.stack([gx, gy], axis=-1))  # (ny, nx, 2)
    with torch.no_grad():
        values = surface.fn(grid).numpy()
    shade = np.log1p(values - values.min())
    shade = shade / max(float(shade.max()), 1e-12)
    levels = contour_levels(values)
    contours = np.concatenate([contour_segments(xs, ys, values, level) for level in levels])
    for array in (xs, ys, values, shade, contours):
        array.setflags(write=False)  # cached and shared: nobody changes them
    return SurfacePicture(key, xs, ys, values, shade, levels, contours)
