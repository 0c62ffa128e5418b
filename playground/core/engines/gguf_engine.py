"""The GGUF engine: the model file's own quantized blocks on a plain `onnxruntime.InferenceSession`.

We own the KV cache: one float32 buffer per layer and kind, (1, kv_heads, capacity, head_dim), bound
as both GroupQueryAttention's past and present (it writes the new positions in place). A prompt that
extends the cached tokens (the next chat turn) runs only the new ones; the cache grows by doubling.
`InferenceSession.run` releases the GIL, so a reply never blocks the window.

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
import torch

from playground.core.generation.engine import reusable_prefix
from playground.core.engines.names import gguf_engine_name
from playground.core.imports import import_lock

_RESERVE = 512  # KV room beyond the prompt; grows (doubling) when a reply needs more
_ROUND = 256


class GgufEngine:
    """`Engine` over a graph written by `gguf_build`. CPU; not thread-safe (hold the session lock)."""

    def __init__(self, onnx_path: Path, mode: str, *, threads: int | None = None, label: str = "") -> None:
        with import_lock():
            import onnxruntime as ort

        self._ort, self.mode, self.path = ort, mode, Path(onnx_path)
        self.name = gguf_engine_name(mode, label or _label(self.path.parent))
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        past = [i for i in self.session.get_inputs() if i.name.startswith("past_key_")]
        self._layers = len(past)
        _, self._kv_heads, _, self._head_dim = past[0].shape
        self.vocab = int(self.session.get_outputs()[0].shape[-1])
        meta = self.session.get_modelmeta().custom_metadata_map
        self.context_length = int(meta.get("context_length", 2048))
        self.reset()

    # ------------------------------------------------------------------ the cache
    def reset(self) -> None:
        self._buffers: list[np.ndarray] = []
        self._values: list = []
        self._step_io = None
        self._capacity, self._tokens = 0, []

    def _allocate(self, capacity: int, keep: int = 0) -> None:
        """New buffers of `capacity` positions, the first `keep` copied from the old ones."""
        capacity = min(self.context_length, -(-capacity // _ROUND) * _ROUND)
        shape = (1, self._kv_heads, capacity, self._head_dim)
        buffers = [np.zeros(shape, np.float32) for _ in range(2 * self._layers)]
        for new, old in zip(buffers, self._buffers):
            new[:, :, :keep] = old[:, :, :keep]
        self._buffers, self._capacity = buffers, capacity
        self._values = [self._ort.OrtValue.ortvalue_from_numpy(b) for b in buffers]  # shares their memory
        self._step_io = None  # bound to the old buffers
        del self._tokens[keep:]

    def _bind_cache(self, io) -> None:
        for layer in range(self._layers):
            for j, kind in enumerate(("key", "value")):
                value = self._values[2 * layer + j]
                io.bind_ortvalue_input(f"past_{kind}_{layer}", value)
                io.bind_ortvalue_output(f"present_{kind}_{layer}", value)

    def _one_token(self):
        """The binding for one new token, made once per cache allocation: its small inputs and the logits
        are numpy arrays it shares, rewritten in place each step (re-binding 60+ names cost ~0.1 ms a token)."""
        if self._step_io is None:
            arrays = {"input_ids": np.zeros((1, 1), np.int64), "seqlens_k": np.zeros(1, np.int32),
                      "total_sequence_length": np.zeros((), np.int32), "logits_index": np.zeros(1, np.int64)}
            logits = np.zeros((1, 1, self.vocab), np.float32)
            io = self.session.io_binding()
            for name, array in arrays.items():
                io.bind_ortvalue_input(name, self._ort.OrtValue.ortvalue_from_numpy(array))
            io.bind_ortvalue_output("logits", self._ort.OrtValue.ortvalue_from_numpy(logits))
            self._bind_cache(io)
            self._step_io = (io, arrays, logits)
        return self._step_io

    def _run(self, ids: Sequence[int], logits_index: np.ndarray) -> np.ndarray:
        """Append `ids` after the cached tokens; the logits (P, V) at `logits_index` (positions in `ids`)."""
        start, total = len(self._tokens), len(self._tokens) + len(ids)
        if total > self.context_length:
            raise ValueError(f"The text is longer than the model's context ({self.context_length} tokens).")
        if total > self._capacity:
            self._allocate(max(2 * self._capacity, total + _RESERVE), keep=start)
        if len(ids) == 1 and len(logits_index) == 1 and logits_index[0] == 0:
            io, arrays, logits = self._one_token()
            arrays["input_ids"][0, 0], arrays["seqlens_k"][0], arrays["total_sequence_length"][()] = ids[0], total - 1, total
            self.session.run_with_iobinding(io)  # releases the GIL
            self._tokens.append(int(ids[0]))
            return logits[0]
        io = self.session.io_binding()
        io.bind_cpu_input("input_ids", np.asarray([ids], dtype=np.int64))
        io.bind_cpu_input("seqlens_k", np.array([total - 1], np.int32))
        io.bind_cpu_input("total_sequence_length", np.array(total, np.int32))
        io.bind_cpu_input("logits_index", np.ascontiguousarray(logits_index, dtype=np.int64))
        io.bind_output("logits")  # first: get_outputs() follows the binding order
        self._bind_cache(io)
        self.session.run_with_iobinding(io)  # releases the GIL
        self._tokens.extend(int(i) for i in ids)
        return io.get_outputs()[0].numpy()[0]

    # ------------------------------------------------------------------ the Engine protocol
    def prefill(self, input_ids: Sequence[int]) -> torch.Tensor:
        ids = [int(i) for i in input_ids]
        if not ids:
            raise ValueError("The prompt is empty.")
        keep = reusable_prefix(self._tokens, ids)  # at least one token runs, for the next-token logits
        del self._tokens[keep:]  # the buffers past it are overwritten: GQA reads only seqlens_k + 1 positions
        new = ids[keep:]
        return torch.from_numpy(self._run(new, np.array([len(new) - 1]))[0].copy())

    def step(self, token_id: int) -> torch.Tensor:
        if not self._tokens:
            raise RuntimeError("Call prefill() before step().")
        return torch.from_numpy(self._run([int(token_id)], np.array([0]))[0].copy())

    def score(self, input_ids: Sequence[int]) -> torch.Tensor:
        """The logits of every position of `input_ids` with no other context, (T, V) float32, in one pass
        (for perplexity). Forgets the cached conversation."""
        ids = [int(i) for i in input_ids]
        if not ids or len(ids) > self.context_length:
            raise ValueError(f"Score between 1 and {self.context_length} tokens, not {len(ids)}.")
        self.reset()
        try:
            return torch.from_numpy(self._run(ids, np.arange(len(ids))).copy())
        finally:
            self.reset()


def open_gguf_engine(gguf_path, mode: str = "fast", *, threads: int | None = None, on_progress=None,
                     should_stop: threading.Event | None = None, label: str = "") -> GgufEngine:
    """The GGUF engine for the file at `gguf_path` in `mode` ("fast" or "exact"): its graphs are written on
    first use (seconds; `gguf_build`), then loaded. Raises GgufBuildError (names the file) or Cancelled."""
    from playground.core.engines.gguf_build import build_gguf_models

    folder = build_gguf_models(gguf_path, on_progress=on_progress, should_stop=should_stop)
    return GgufEngine(folder / f"{mode}.onnx", mode, threads=threads, label=label)


def _label(folder: Path) -> str:
    """The projections' block type for the name ("Q4_1"), from the build's marker."""
    from playground.core.engines.onnx_build import COMPLETE_MARKER

    try:
        return json.loads((folder / COMPLETE_MARKER).read_text(encoding="utf-8")).get("blocks", "")
    except (OSError, ValueError):
        return ""
