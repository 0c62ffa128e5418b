"""An `Engine` over a plain `onnxruntime.InferenceSession` whose attention is `GroupQueryAttention`, with
a KV cache we own: one float32 buffer per layer and kind, (1, kv_heads, capacity, head_dim), bound as
both the past and the present input/output (GQA then writes the new positions in place and reads only
the positions the call says are filled). A prompt that extends the cached tokens (the next chat turn)
runs only the new ones; the cache grows by doubling. `InferenceSession.run` releases the GIL, and so does
loading one: a reply or an engine start never blocks the window.

Subclasses say how a graph names its inputs (`_feeds`) and its cache (`past_names`); the GGUF engine's
graph (`gguf_engine`) and the ONNX builder's (`onnx_engine`) differ only there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from playground.core.generation.engine import reusable_prefix
from playground.core.imports import import_lock

RESERVE = 512  # KV room beyond the prompt; grows (doubling) when a reply needs more
ROUND = 256


def new_session(path: Path, threads: int | None = None):
    """(onnxruntime, an InferenceSession of `path` on the CPU, fully optimized)."""
    with import_lock():  # a first import of a large library never races another thread's
        import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # The pool's threads stop spinning when a run ends: spinning on, they held the cores a while after it,
    # and a torch op right after a step could wait ~2 ms for one (the stream's own speed is the same)
    options.add_session_config_entry("session.force_spinning_stop", "1")
    return ort, ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class KvSessionEngine:
    """The cache and the Engine protocol; not thread-safe (hold the session lock)."""

    def __init__(self, ort, session, past_names: list[tuple[str, str]], context_length: int,
                 kv_shape: tuple[int, int] | None = None) -> None:
        """`past_names`: (input, output) per layer and kind, in the graph's order (key, value per layer);
        `kv_shape`: (kv_heads, head_dim) when the graph's cache inputs do not spell them."""
        self._ort, self.session, self._past_names = ort, session, past_names
        shapes = {i.name: i.shape for i in session.get_inputs()}
        self._kv_heads, self._head_dim = kv_shape or tuple(shapes[past_names[0][0]][1::2])
        self.vocab = int(session.get_outputs()[0].shape[-1])
        self.context_length = context_length
        self.tokens_run = 0  # tokens actually run (a prompt sharing a start with the cache runs only the rest)
        self.reset()

    def _feeds(self, ids: Sequence[int], total: int, logits_index: np.ndarray) -> dict[str, np.ndarray]:
        """The graph's inputs besides the cache: `ids` appended to `total - len(ids)` cached tokens."""
        raise NotImplementedError

    def _logits_rows(self, logits: np.ndarray, logits_index: np.ndarray) -> np.ndarray:
        """(P, V) from the graph's logits output (1, ·, V): a graph that picks the rows itself returns them."""
        return logits[0]

    # ------------------------------------------------------------------ the cache
    def reset(self) -> None:
        self._buffers: list[np.ndarray] = []
        self._values: list = []
        self._step_io = None
        self._capacity, self._tokens = 0, []

    def _allocate(self, capacity: int, keep: int = 0) -> None:
        """New buffers of `capacity` positions, the first `keep` copied from the old ones."""
        capacity = min(self.context_length, -(-capacity // ROUND) * ROUND)
        shape = (1, self._kv_heads, capacity, self._head_dim)
        buffers = [np.zeros(shape, np.float32) for _ in self._past_names]
        for new, old in zip(buffers, self._buffers):
            new[:, :, :keep] = old[:, :, :keep]
        self._buffers, self._capacity = buffers, capacity
        self._values = [self._ort.OrtValue.ortvalue_from_numpy(b) for b in buffers]  # shares their memory
        self._step_io = None  # bound to the old buffers
        del self._tokens[keep:]

    def _bind_cache(self, io) -> None:
        for (past, present), value in zip(self._past_names, self._values):
            io.bind_ortvalue_input(past, value)
            io.bind_ortvalue_output(present, value)

    def _one_token(self):
        """The binding for one new token, made once per cache allocation: the cache and the logits stay
        bound (re-binding 60+ names cost ~0.1 ms a token); only the small inputs are bound each step."""
        if self._step_io is None:
            logits = np.zeros((1, 1, self.vocab), np.float32)
            io = self.session.io_binding()
            io.bind_ortvalue_output("logits", self._ort.OrtValue.ortvalue_from_numpy(logits))
            self._bind_cache(io)
            self._step_io = (io, logits)
        return self._step_io

    def _step_one(self, token: int, position: int, feeds: dict[str, np.ndarray]) -> np.ndarray:
        """(1, V): the logits after `token` at `position`, its keys and values written into the cache."""
        io, logits = self._one_token()
        for name, array in feeds.items():
            io.bind_cpu_input(name, array)
        self.session.run_with_iobinding(io)  # releases the GIL
        return logits[0]

    def _run(self, ids: Sequence[int], logits_index: np.ndarray) -> np.ndarray:
        """Append `ids` after the cached tokens; the logits (P, V) at `logits_index` (positions in `ids`)."""
        start, total = len(self._tokens), len(self._tokens) + len(ids)
        if total > self.context_length:
            raise ValueError(f"The text is longer than the model's context ({self.context_length} tokens).")
        if total > self._capacity:
            self._allocate(max(2 * self._capacity, total + RESERVE), keep=start)
        feeds = self._feeds(ids, total, logits_index)  # alive until the run: the binding reads their memory
        if len(ids) == 1 and len(logits_index) == 1 and logits_index[0] == 0:
            rows = self._step_one(int(ids[0]), start, feeds)
        else:
            io = self.session.io_binding()
            for name, array in feeds.items():
                io.bind_cpu_input(name, array)
            io.bind_output("logits")  # first: get_outputs() follows the binding order
            self._bind_cache(io)
            self.session.run_with_iobinding(io)  # releases the GIL
            rows = self._logits_rows(io.get_outputs()[0].numpy(), logits_index)
        self._tokens.extend(int(i) for i in ids)
        self.tokens_run += len(ids)
        return rows

    # ------------------------------------------------------------------ the Engine protocol
    def prefill(self, input_ids: Sequence[int]) -> torch.Tensor:
        ids = [int(i) for i in input_ids]
        if not ids:
            raise ValueError("The prompt is empty.")
        keep = reusable_prefix(self._tokens, ids)  # at least one token runs, for the next-token logits
        del self._tokens[keep:]  # the buffers past it are overwritten: GQA reads only the filled positions
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
