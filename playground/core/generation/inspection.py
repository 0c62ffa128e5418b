"""What the distribution chart shows for one position of a reply: the top tokens of the model's raw
softmax beside the distribution after the sampling settings. Pure and fast (a few ms on a 49k
vocabulary), so the chart follows every settings change without running the model again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

from playground.core.generation.stream import token_text
from playground.core.generation.sampling import SamplingSettings, next_token_distribution


@dataclass(frozen=True)
class DistributionRow:
    token_id: int
    text: str
    raw: float  # the model's plain softmax probability
    final: float  # the probability after repetition penalty, temperature, top-k and top-p
    sampled: bool  # the token the reply actually has here


@dataclass(frozen=True)
class DistributionView:
    rows: tuple[DistributionRow, ...]  # by raw probability, most likely first
    sampled_id: int
    sampled_raw: float
    sampled_final: float
    kept: int  # tokens that can still be picked under the settings
    vocab_size: int
    settings: SamplingSettings


def inspect_distribution(logits: torch.Tensor, settings: SamplingSettings, sampled_id: int, tokenizer, *,
                         previous_ids: Sequence[int] = (), top: int = 20) -> DistributionView:
    """The top-`top` tokens of the raw softmax (the sampled token always included)."""
    previous = previous_ids if settings.repetition_penalty != 1.0 else ()
    dist = next_token_distribution(logits, settings, previous)
    top = min(top, dist.raw.numel())
    ids = torch.topk(dist.raw, top).indices.tolist()
    if sampled_id not in ids:
        ids[-1] = sampled_id
    rows = tuple(DistributionRow(i, token_text(tokenizer, i), float(dist.raw[i]), float(dist.final[i]),
                                 i == sampled_id)
                 for i in sorted(ids, key=lambda i: -float(dist.raw[i])))
    return DistributionView(rows, sampled_id, float(dist.raw[sampled_id]), float(dist.final[sampled_id]),
                            int((dist.final > 0).sum()), dist.raw.numel(), settings)
