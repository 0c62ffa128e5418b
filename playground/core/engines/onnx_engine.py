"""The fast chat engine: ONNX Runtime GenAI, returning the full next-token logits every step.

`og.Generator` runs the model and keeps the KV cache; we never let it pick tokens. Each step we read
its logits (`get_logits`), sample with the app's own code (`core.sampling`, identical for every engine)
and feed the chosen token back with `append_tokens`. So probabilities, top-5 alternatives and the
distribution chart mean the same thing on both engines.

A new prompt that extends the previous one (the next turn of a chat) reuses the cache: the generator
is rewound to the common prefix (`rewind_to`) and only the new tokens are run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from playground.core.generation.engine import reusable_prefix
from playground.core.engines.names import engine_name
from playground.core.imports import import_lock

_RESERVE = 512  # KV room allocated beyond the prompt; grows (doubling) when a reply needs more
_ROUND = 256  # KV buffer sizes are multiples of this


class OnnxEngine:
    """`Engine` over an ONNX model folder built by `onnx_build`. CPU; not thread-safe (hold the
    session lock, as for every engine)."""

    def __init__(self, folder: Path, precision: str = "int4") -> None:
        with import_lock():  # a first import of a large library never races another thread's
            import onnxruntime_genai as og

        self._og = og
        self.folder, self.precision = Path(folder), precision
        self.name = engine_name(precision)
        self.model = og.Model(str(self.folder))
        config = json.loads((self.folder / "genai_config.json").read_text(encoding="utf-8"))
        self.context_length = int(config["model"]["context_length"])
        self._generator = None
        self._capacity = 0
        self._tokens: list[int] = []  # everything the generator's KV cache holds
        self.tokens_run = 0  # tokens actually run (a prompt sharing a start with the cache runs only the rest)

    def reset(self) -> None:
        self._generator, self._capacity, self._tokens = None, 0, []

    def _new_generator(self, capacity: int) -> None:
        # The KV buffer is allocated up front at max_length: size it to the need, not the context.
        capacity = min(self.context_length, -(-capacity // _ROUND) * _ROUND)
        params = self._og.GeneratorParams(self.model)
        params.set_search_options(max_length=capacity)
        self._generator, self._capacity, self._tokens = self._og.Generator(self.model, params), capacity, []

    def _append(self, ids: Sequence[int]) -> torch.Tensor:
        if len(self._tokens) + len(ids) > self._capacity:  # out of room: a bigger cache, replay the text
            if len(self._tokens) + len(ids) > self.context_length:
                raise ValueError(f"The text is longer than the model's context ({self.context_length} tokens).")
            history = self._tokens + list(ids)
            self._new_generator(min(self.context_length, max(2 * self._capacity, len(history) + _RESERVE)))
            ids = history
        self._generator.append_tokens(np.asarray(ids, dtype=np.int32))
        self._tokens.extend(ids)
        self.tokens_run += len(ids)
        return torch.from_numpy(self._generator.get_logits().reshape(-1).copy())  # (V,) float32

    def prefill(self, input_ids: Sequence[int]) -> torch.Tensor:
        ids = [int(i) for i in input_ids]
        if not ids:
            raise ValueError("The prompt is empty.")
        keep = reusable_prefix(self._tokens, ids)  # at least one token runs, for the next-token logits
        if self._generator is None or keep == 0 or len(ids) > self._capacity:
            self._new_generator(len(ids) + _RESERVE)
            keep = 0
        elif keep < len(self._tokens):
            self._generator.rewind_to(keep)
            del self._tokens[keep:]
        return self._append(ids[keep:])

    def step(self, token_id: int) -> torch.Tensor:
        if self._generator is None:
            raise RuntimeError("Call prefill() before step().")
        return self._append([int(token_id)])

    def score(self, input_ids: Sequence[int]) -> torch.Tensor:
        """The logits of every position of `input_ids` with no other context, (T, V) float32, in one
        pass (for perplexity). Forgets the cached conversation."""
        ids = [int(i) for i in input_ids]
        if not ids or len(ids) > self.context_length:
            raise ValueError(f"Score between 1 and {self.context_length} tokens, not {len(ids)}.")
        self._new_generator(len(ids) + 1)
        self._generator.append_tokens(np.asarray(ids, dtype=np.int32))
        logits = np.asarray(self._generator.get_output("logits"), dtype=np.float32)  # (1, T, V)
        self.reset()
        return torch.from_numpy(logits.reshape(len(ids), -1).copy())
