"""The GGUF engine: the model file's own quantized blocks, prompts on a plain `onnxruntime.InferenceSession`
and single-token steps on the native decode step (`native`, C over the file's memory-mapped blocks) where it
is built; without it ONNX Runtime runs the steps too.

The KV cache, cache reuse across chat turns and the Engine protocol are `kv_session`'s; this graph's
inputs are input_ids, seqlens_k, total_sequence_length and logits_index (`gguf_graph`). The native step
reads and writes the same cache buffers, in the graph's layout.

Modes (`names.GGUF_MODES`): "fast" quantizes activations to int8 inside the matmuls (as llama.cpp does),
"exact" keeps them float32 (the same greedy tokens as PyTorch float32 on the dequantized model, but
for near-ties). Both return the full (V,) float32 logits every step.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from playground.core.engines.kv_session import KvSessionEngine, new_session
from playground.core.engines.names import gguf_engine_name


class GgufEngine(KvSessionEngine):
    """`Engine` over a graph written by `gguf_build`. CPU; not thread-safe (hold the session lock)."""

    def __init__(self, onnx_path: Path, mode: str, *, threads: int | None = None, label: str = "",
                 gguf_path: Path | None = None, native: bool = True) -> None:
        """`native`: run the single-token steps on the native decode step where it is built (`native`;
        `gguf_path`, the file, defaults to the one the graphs were built from)."""
        self.mode, self.path = mode, Path(onnx_path)
        self.name = gguf_engine_name(mode, label or _label(self.path.parent))
        ort, session = new_session(self.path, threads)
        layers = sum(1 for i in session.get_inputs() if i.name.startswith("past_key_"))
        names = [(f"past_{kind}_{layer}", f"present_{kind}_{layer}") for layer in range(layers)
                 for kind in ("key", "value")]
        meta = session.get_modelmeta().custom_metadata_map
        super().__init__(ort, session, names, int(meta.get("context_length", 2048)))
        self.native = None
        if native:
            import torch

            from playground.core.engines.native import open_decoder

            self.native = open_decoder(self.path.parent, gguf_path, threads or torch.get_num_threads(),
                                       fast=mode == "fast")
        self._native_logits = np.zeros((1, self.vocab), np.float32) if self.native is not None else None

    def _step_one(self, token: int, position: int, feeds: dict[str, np.ndarray]) -> np.ndarray:
        """The steps on the native decode step (the same cache; prompts still run on ONNX Runtime)."""
        if self.native is None:
            return super()._step_one(token, position, feeds)
        self.native.step(token, position, self._buffers[0::2], self._buffers[1::2], self._native_logits[0])
        return self._native_logits

    def _feeds(self, ids: Sequence[int], total: int, logits_index: np.ndarray) -> dict[str, np.ndarray]:
        return {"input_ids": np.asarray([ids], dtype=np.int64), "seqlens_k": np.array([total - 1], np.int32),
                "total_sequence_length": np.array(total, np.int32),
                "logits_index": np.ascontiguousarray(logits_index, dtype=np.int64)}


def open_gguf_engine(gguf_path, mode: str = "fast", *, threads: int | None = None, on_progress=None,
                     should_stop: threading.Event | None = None, label: str = "") -> GgufEngine:
    """The GGUF engine for the file at `gguf_path` in `mode` ("fast" or "exact"): its graphs are written on
    first use (seconds; `gguf_build`), then loaded. Raises GgufBuildError (names the file) or Cancelled."""
    from playground.core.engines.gguf_build import build_gguf_models

    folder = build_gguf_models(gguf_path, on_progress=on_progress, should_stop=should_stop)
    return GgufEngine(folder / f"{mode}.onnx", mode, threads=threads, label=label, gguf_path=Path(gguf_path))


def _label(folder: Path) -> str:
    """The projections' block type for the name ("Q4_1"), from the build's marker."""
    from playground.core.engines.onnx_build import COMPLETE_MARKER

    try:
        return json.loads((folder / COMPLETE_MARKER).read_text(encoding="utf-8")).get("blocks", "")
    except (OSError, ValueError):
        return ""
