"""Generation engines: prefill a prompt, then step one token at a time, returning next-token logits.

Every engine returns the full (V,) logits each step, so the same sampling code and the same
probability views work for all of them. `TorchEngine` is exact and works for every model.

Both engines keep their KV cache between prompts: a prompt that shares a start with what the cache holds
(the next turn of a chat, a branch forked from a reply's token) rewinds it to that shared prefix and runs
only the tokens after it. `tokens_run` counts the tokens an engine actually ran.
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



def reusable_prefix(cached: Sequence[int], ids: Sequence[int]) -> int:
    """How many of the `cached` tokens a new prompt `ids` starts with and can keep: the common prefix, less
    one when it is all of `ids` (at least one token runs, for its next-token logits). Every engine's
    prefill reuses its KV cache this far."""
    common = 0
    for old, new in zip(cached, ids):
        if old != new:
            break
        common += 1
    return min(common, len(ids) - 1)

class Engine(Protocol):
    name: str

    def prefill(self, input_ids: Sequence[int]) -> torch.Tensor:
        """Run the prompt (only what the cache does not already hold); return the logits (V,) after it."""

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
        self._ids: list[int] = []  # the tokens the cache holds
        self._cache_device = None
        self.tokens_run = 0
        self._cache_key = next(iter(cache_kwargs(model, None)))
        # Only the last position's logits are read: asking for just those skips the LM head over the rest
        # of the prompt (49k-way x prompt length; in bfloat16 on a CPU without bf16 units that was most
        # of the time to first token).
        accepts = inspect.signature(model.forward).parameters
        self._extra = {"logits_to_keep": 1} if "logits_to_keep" in accepts else {}

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def length(self) -> int:
        """Tokens the KV cache holds."""
        return len(self._ids)

    def reset(self) -> None:
        self._cache, self._ids = None, []

    @torch.inference_mode()
    def _forward(self, ids: Sequence[int]) -> torch.Tensor:
        device = self.device
        input_ids = torch.tensor([list(ids)], dtype=torch.long, device=device)  # (1, T)
        out = self.model(input_ids=input_ids, use_cache=True, **{self._cache_key: self._cache}, **self._extra)
        self._cache, self._cache_device = output_cache(out), device
        self._ids.extend(ids)
        self.tokens_run += len(ids)
        return out.logits[0, -1].float()  # (V,)

    def prefill(self, input_ids: Sequence[int]) -> torch.Tensor:
        ids = [int(i) for i in input_ids]
        if not ids:
            raise ValueError("The prompt is empty.")
        keep = self._reusable(ids)
        if keep == 0:
            self.reset()
        elif keep < len(self._ids):
            self._cache.crop(keep - len(self._ids))  # a negative count: drop that many from the end
            del self._ids[keep:]
        return self._forward(ids[keep:])

    def _reusable(self, ids: list[int]) -> int:
        """How many cached tokens `ids` starts with that can stay (at least one token of `ids` runs, for
        its logits); 0 when the cache cannot be rewound (not plain full-attention layers) or moved device."""
        cache = self._cache
        if cache is None or self._cache_device != self.device or not _rewindable(cache) \
                or cache.get_seq_length() != len(self._ids):
            return 0
        return reusable_prefix(self._ids, ids)

    def step(self, token_id: int) -> torch.Tensor:
        return self._forward([token_id])


def _rewindable(cache) -> bool:
    """A transformers DynamicCache of full-attention layers (cropping a sliding-window or linear-attention
    layer cannot bring back what it dropped)."""
    try:
        from transformers.cache_utils import DynamicLayer
    except ImportError:
        return False
    layers = getattr(cache, "layers", None)
    return bool(layers) and hasattr(cache, "crop") and all(type(layer) is DynamicLayer for layer in layers)
