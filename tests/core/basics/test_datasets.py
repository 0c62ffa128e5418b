"""The toy sets and the vendored digits: deterministic, the shapes the trainer expects, clear errors."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from playground.core.basics import datasets
from playground.core.errors import PlaygroundError


@pytest.mark.parametrize("name", datasets.TOY_DATASETS)
def test_each_toy_set_is_seeded_split_and_inside_the_grid(name):
    spec = datasets.ToySpec(name, n_points=200, noise=0.1, test_fraction=0.25, seed=3)
    a, b = datasets.make_toy(spec), datasets.make_toy(spec)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert (len(a.y_train), len(a.y_test)) == (150, 50) and a.x_train.shape == (150, 2)
    assert set(np.unique(a.y_train)) == {0, 1} and np.abs(a.x_train).max() <= datasets.EXTENT
    other = datasets.make_toy(datasets.ToySpec(name, n_points=200, noise=0.1, test_fraction=0.25, seed=4))
    assert not np.array_equal(a.x_train, other.x_train)


def test_clicked_points_join_the_training_split_only():
    data = datasets.make_toy(datasets.ToySpec("xor", n_points=40))
    more = data.with_points(((0.5, 0.5, 1), (-0.2, 0.1, 0)))
    assert len(more.y_train) == len(data.y_train) + 2 and list(more.y_train[-2:]) == [1, 0]
    assert np.allclose(more.x_train[-1], [-0.2, 0.1]) and len(more.y_test) == len(data.y_test)


def test_bad_toy_settings_name_the_control():
    with pytest.raises(PlaygroundError, match="Points"):
        datasets.make_toy(datasets.ToySpec("circles", n_points=2))
    with pytest.raises(PlaygroundError, match="Noise"):
        datasets.make_toy(datasets.ToySpec("circles", noise=-1))


def test_the_vendored_digits_are_scikit_learns_1797_images():
    images, labels = datasets.load_digits_array()
    assert images.shape == (1797, 64) and images.max() == 16 and images.min() == 0
    assert np.bincount(labels).tolist()[:3] == [178, 182, 177]  # sklearn's class counts
    again = datasets.load_digits_array()
    assert again[0] is images and not images.flags.writeable  # read once, shared read-only
    data = datasets.load_digits(test_fraction=0.2, seed=0)
    assert (len(data.y_train), len(data.y_test)) == (1438, 359) and data.x_train.max() == 1.0
    assert (datasets.DIGITS_PATH.parent / "digits.LICENSE.txt").read_text().count("BSD 3-Clause") == 1


def test_a_damaged_digits_file_says_so(tmp_path):
    truncated = tmp_path / "cut.csv.gz"
    truncated.write_bytes(datasets.DIGITS_PATH.read_bytes()[:5000])
    wrong_shape = tmp_path / "wide.csv.gz"
    with gzip.open(wrong_shape, "wt") as f:
        f.write("\n".join(",".join(["1"] * 70) for _ in range(20)))
    for path in (truncated, wrong_shape, tmp_path / "missing.csv.gz"):
        with pytest.raises(PlaygroundError, match="digits data set"):
            datasets.load_digits_array(path)
