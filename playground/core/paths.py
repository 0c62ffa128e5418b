"""Where the app keeps its files. Overridable with environment variables (tests use them)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "LLMPlayground"
# The files shipped beside the package (icon, the chat example).
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _dir(env: str, kind: str) -> Path:
    override = os.environ.get(env)
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Converted models and other things that can be rebuilt (PLAYGROUND_CACHE_DIR)."""
    return _dir("PLAYGROUND_CACHE_DIR", "cache")


def data_dir() -> Path:
    """Things the user made: training runs, saved variants (PLAYGROUND_DATA_DIR)."""
    return _dir("PLAYGROUND_DATA_DIR", "data")


def models_cache_dir() -> Path:
    path = cache_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def runs_dir() -> Path:
    path = data_dir() / "runs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def onnx_cache_dir() -> Path:
    """ONNX models built for the fast chat engine (PLAYGROUND_ONNX_DIR; default: in the cache dir)."""
    override = os.environ.get("PLAYGROUND_ONNX_DIR")
    path = Path(override) if override else cache_dir() / "onnx"
    path.mkdir(parents=True, exist_ok=True)
    return path


def prebuilt_dir() -> Path:
    """What the packaged app ships ready-made, read-only (the built-in model's tokenizer and config, its fast
    engine): beside resources/ in the bundle; absent in a checkout. PLAYGROUND_PREBUILT_DIR overrides it."""
    override = os.environ.get("PLAYGROUND_PREBUILT_DIR")
    return Path(override) if override else RESOURCES.parent / "prebuilt"
