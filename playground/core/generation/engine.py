"""Generation engines: prefill a prompt, then step one token at a time, returning next-token logits.

Every engine returns the full (V,) logits each step, so the same sampling code and the same
probability views work for all of them. `TorchEngine` is exact and works for every model.
"""

from __future__ import annotations

import inspect
from typing import Any, Protocol, Sequence

import torch


def cache_kwargs(model, cache) -> dict[str, Any]:
    """transformers 5 renamed `past_key_values` to `cache`; support both."""
    params = inspect.signature(model.forward).parameters
    return {"cache" if "cache" in params else "past_key_values": cache}


def output_cache(out) -> Any:
    return getattr(out, "cache", None) if getattr(out, "cache", None) is not None else out.past_key_values


class Engine(Protocol):
    name: str

    def prefill(self, input_ids: Sequence[int]) -> torch.Tensor:
        """Run the prompt; return the logits (V,) for the token after it."""

    def step(self, token_id: int) -> torch.Tensor:
        """Append one token; return the logits (V,) for the next one."""

    def reset(self) -> None:
        """Forget the KV cache."""


class TorchEngine:
    """transformers model + KV cache. Exact: greedy output equals `model.generate(do_sample=False)`."""

    name = "Exact (PyTorch)"

    def __init__(self, model) -> None:
        self.model = model
        self._cache = None
        self._length = 0
        self._cache_key = next(iter(cache_kwargs(model, None)))
        # Only the last position's logits are read: asking for just those skips the LM head over the rest
        # of the prompt (49k-way x prompt length; in bfloat16 on a CPU without bf16 units that was most
        # of the time to first token).
        accepts = inspect.signature(model.forward).parameters
        self._extra = {"logits_to_keep": 1} if "logits_to_keep" in accepts else {}

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def reset(self) -> None:
        self._cache, self._length = None, 0

    @torch.inference_mode()
    def _forward(self, ids: Sequence[int]) -> torch.Tensor:
        input_ids = torch.tensor([list(ids)], dtype=torch.long, device=self.device)  # (1, T)
        out = self.model(input_ids=input_ids, use_cache=True, **{self._cache_key: self._cache}, **self._extra)
        self._cache = output_cache(out)
        self._length += len(ids)
        return out.logits[0, -1].float()  # (V,)

    def prefill(self, input_ids: Sequence[int]) -> torch.Tensor:
        if not input_ids:
            raise ValueError("The prompt is empty.")
        self.reset()
        return self._forward(input_ids)

    def step(self, token_id: int) -> torch.Tensor:
        return self._forward([token_id])
