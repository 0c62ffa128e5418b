"""The builder's chat engines (models whose weights are float): its ONNX graph on a plain
`onnxruntime.InferenceSession`, returning the full next-token logits every step.

The graph `onnxruntime_genai.models.builder` writes takes input_ids, attention_mask and the KV cache
(`past_key_values.i.key` / `.value` → `present.i.…`) and attends with `GroupQueryAttention` over a buffer
shared between past and present (its genai_config's `past_present_share_buffer`). So `kv_session` runs it
as it runs the GGUF engine's graph: the cache is ours, the next chat turn runs only its new tokens, and
neither loading nor running holds the GIL. ONNX Runtime GenAI's own `og.Model` held it ~0.2 s while it
loaded, a stall of the window every time the engine started. We sample with the app's own code
(`core.sampling`, identical for every engine), so probabilities, top-5 alternatives and the
distribution chart mean the same thing on every engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from playground.core.engines.kv_session import KvSessionEngine, new_session
from playground.core.engines.names import engine_name


class OnnxEngine(KvSessionEngine):
    """`Engine` over an ONNX model folder built by `onnx_build`. CPU; not thread-safe (hold the
    session lock, as for every engine)."""

    def __init__(self, folder: Path, precision: str = "int4", *, threads: int | None = None) -> None:
        self.folder, self.precision = Path(folder), precision
        self.name = engine_name(precision)
        config = json.loads((self.folder / "genai_config.json").read_text(encoding="utf-8"))
        decoder = config["model"]["decoder"]
        if not config.get("search", {}).get("past_present_share_buffer", False):
            raise ValueError(f"{self.folder}: this ONNX model does not share its KV buffers (past_present_share_buffer)")
        ort, session = new_session(self.folder / decoder.get("filename", "model.onnx"), threads)
        names = decoder["inputs"], decoder["outputs"]
        cache = [(names[0][f"past_{kind}_names"] % layer, names[1][f"present_{kind}_names"] % layer)
                 for layer in range(int(decoder["num_hidden_layers"])) for kind in ("key", "value")]
        self._inputs = {i.name for i in session.get_inputs()}
        super().__init__(ort, session, cache, int(config["model"]["context_length"]),
                         (int(decoder["num_key_value_heads"]), int(decoder["head_size"])))

    def _feeds(self, ids: Sequence[int], total: int, logits_index: np.ndarray) -> dict[str, np.ndarray]:
        feeds = {"input_ids": np.asarray([ids], dtype=np.int64), "attention_mask": np.ones((1, total), np.int64)}
        if "position_ids" in self._inputs:
            feeds["position_ids"] = np.arange(total - len(ids), total, dtype=np.int64)[None]
        return feeds

    def _logits_rows(self, logits: np.ndarray, logits_index: np.ndarray) -> np.ndarray:
        return logits[0][logits_index]  # the graph returns every position's
