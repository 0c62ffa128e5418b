"""Installing the app is quiet: setuptools reads pyproject.toml without deprecation warnings."""

from __future__ import annotations

import warnings
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_setuptools_reads_the_project_metadata_without_warnings():
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dist = apply_configuration(Distribution(), PYPROJECT)
    assert [str(w.message) for w in caught if "license" in str(w.message).lower()] == []
    assert dist.get_name() == "llm-playground" and dist.metadata.license_expression == "Apache-2.0"
