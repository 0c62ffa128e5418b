"""Builds (once) and loads the ONNX model of the fast chat engine off the GUI thread (run with
`FunctionWorker(build_fast_engine, folder, precision)`), and prepares the GGUF engine the same way."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FastEngineReady:
    folder: Path  # the Hugging Face folder it was built from
    precision: str
    engine: Any  # onnx_engine.OnnxEngine


def build_fast_engine(folder: Path, precision: str, gguf: Path | None = None, *, on_progress=None,
                      should_stop=None) -> FastEngineReady:
    """Progress while building, then the loaded engine. A failure is shown to the user, who falls back
    to PyTorch. `precision` "gguf-fast" / "gguf-exact": the GGUF engine over the file `gguf`."""
    from playground.core.engines.names import GGUF_MODES

    folder = Path(folder)
    if precision in GGUF_MODES:
        from playground.core.engines.gguf_engine import open_gguf_engine

        engine = open_gguf_engine(gguf, GGUF_MODES[precision], on_progress=on_progress, should_stop=should_stop)
        return FastEngineReady(folder, precision, engine)  # the session is created here too, not in the GUI
    from playground.core.engines.onnx_build import build_onnx_model
    from playground.core.engines.onnx_engine import OnnxEngine

    built = build_onnx_model(folder, precision, on_progress=on_progress, should_stop=should_stop)
    engine = OnnxEngine(built, precision)  # loading takes ~0.5 s: here, not in the GUI
    return FastEngineReady(folder, precision, engine)
