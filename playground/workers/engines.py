"""Builds (once) and loads the ONNX model of the fast chat engine off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot

from playground.workers.base import Worker


@dataclass(frozen=True)
class FastEngineReady:
    folder: Path  # the Hugging Face folder it was built from
    precision: str
    engine: Any  # onnx_engine.OnnxEngine


class FastEngineWorker(Worker):
    """Emits progressed(LoadProgress) while building, then finished(FastEngineReady) or failed(str)."""

    progressed = Signal(object)

    def __init__(self, folder: Path, precision: str) -> None:
        super().__init__()
        self.folder, self.precision = Path(folder), precision

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.engines.onnx_build import build_onnx_model
            from playground.core.engines.onnx_engine import OnnxEngine

            built = build_onnx_model(self.folder, self.precision, on_progress=self.progressed.emit,
                                     should_stop=self.should_stop)
            engine = OnnxEngine(built, self.precision)  # loading takes ~0.5 s: here, not in the GUI
        except BaseException as exc:  # noqa: BLE001 - shown to the user, who falls back to PyTorch
            self.fail(exc)
        else:
            self.finished.emit(FastEngineReady(self.folder, self.precision, engine))
