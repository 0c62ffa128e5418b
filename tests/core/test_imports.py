"""The heavy libraries' first import (core/imports.py): once, under one lock, and quiet."""

from __future__ import annotations

import os
import subprocess
import sys

_LOAD_AND_SAVE = """
import sys
from playground.core.models import sources
from playground.core.models.loading import load_model
from playground.core.optimize.compression.storage import save_variant

session = load_model(sources.builtin_source())
save_variant(session.model, session.tokenizer, sys.argv[1])
print("saved")
"""


def _env_with_bars_on() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("TQDM_DISABLE", "HF_HUB_DISABLE_PROGRESS_BARS")}


def test_loading_and_saving_a_model_prints_no_progress_bars(tmp_path):
    """The terminal shows the app's own progress only: no tqdm "Loading weights" / "Writing model shards"."""
    out = subprocess.run([sys.executable, "-c", _LOAD_AND_SAVE, str(tmp_path / "variant")], capture_output=True,
                         text=True, timeout=300, env=_env_with_bars_on())
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("saved") and (tmp_path / "variant" / "config.json").exists()
    for bar in ("Loading weights", "Writing model shards", "it/s]", "s/it]"):
        assert bar not in out.stderr, out.stderr[-2000:]
