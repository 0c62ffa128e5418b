"""Builds (once) and loads the ONNX model of the fast chat engine off the GUI thread (run with
`FunctionWorker(build_fast_engine, folder, precision)`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FastEngineReady:
    folder: Path  # the Hugging Face folder it was built from
    precision: str
    engine: Any  # onnx_engine.OnnxEngine


def build_fast_engine(folder: Path, precision: str, *, on_progress=None, should_stop=None) -> FastEngineReady:
    """Progress while building, then the loaded engine. A failure is shown to the user, who falls back
    to PyTorch."""
    from playground.core.engines.onnx_build import build_onnx_model
    from playground.core.engines.onnx_engine import OnnxEngine

    folder = Path(folder)
    built = build_onnx_model(folder, precision, on_progress=on_progress, should_stop=should_stop)
    engine = OnnxEngine(built, precision)  # loading takes ~0.5 s: here, not in the GUI
    return FastEngineReady(folder, precision, engine)
