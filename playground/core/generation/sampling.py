"""Sampling, in one place, applied to the next-token logits of any engine.

The pipeline matches transformers' logits processors: repetition penalty → temperature →
top-k → top-p. Temperature 0 means greedy (argmax), exactly like `generate(do_sample=False)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch


@dataclass(frozen=True)
class SamplingSettings:
    temperature: float = 0.7  # 0 = greedy
    top_k: int = 50  # 0 = off
    top_p: float = 0.95  # 1.0 = off
    repetition_penalty: float = 1.0  # 1.0 = off; >1 discourages tokens already in the context
    max_new_tokens: int = 256
    seed: int | None = None  # a fixed seed reproduces a reply exactly

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0.0


GREEDY = SamplingSettings(temperature=0.0, top_k=0, top_p=1.0)


def apply_repetition_penalty(logits: torch.Tensor, previous_ids: Sequence[int], penalty: float) -> torch.Tensor:
    """CTRL-style penalty, as transformers applies it: divide positive logits, multiply negative ones."""
    if penalty == 1.0 or not previous_ids:
        return logits
    ids = torch.as_tensor(sorted(set(previous_ids)), dtype=torch.long, device=logits.device)
    picked = logits[ids]
    logits = _copy(logits)
    logits[ids] = torch.where(picked > 0, picked / penalty, picked * penalty)
    return logits


def filter_logits(logits: torch.Tensor, settings: SamplingSettings) -> torch.Tensor:
    """Temperature, then top-k, then top-p; removed tokens get -inf. `logits` is (V,) float32."""
    logits = logits / settings.temperature
    if settings.top_k and 0 < settings.top_k < logits.numel():
        kth = torch.topk(logits, settings.top_k).values[-1]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if 0.0 < settings.top_p < 1.0:
        logits = logits.masked_fill(~_top_p_keep(logits, settings.top_p), float("-inf"))
    return logits


def _top_p_keep(logits: torch.Tensor, top_p: float) -> torch.Tensor:
    """Where top-p keeps a token of the 1-D `logits`: the likeliest ones whose mass reaches `top_p`, as
    transformers' TopPLogitsWarper (ascending sort, remove while the cumulative mass is <= 1 - p, keep the
    top one). Among equal logits the lower index is kept first (transformers leaves that to an unstable sort)."""
    n = logits.numel()
    sorted_logits, order = torch.sort(logits.flip(0), descending=False, stable=True)  # ties: higher index first
    order = (n - 1) - order
    cumulative = sorted_logits.softmax(-1).cumsum(-1)
    remove_sorted = cumulative <= (1 - top_p)
    remove_sorted[-1] = False  # always keep the most likely token
    return ~remove_sorted.scatter(0, order, remove_sorted)


@dataclass(frozen=True)
class Distribution:
    """The next-token distribution before and after the sampling settings. Both are (V,) float32."""

    raw: torch.Tensor  # softmax of the model's logits
    final: torch.Tensor  # what is actually sampled from (one-hot for greedy)
    # What the pick's numbers are reported in (the API's logprobs): `final` when sampling; for greedy,
    # whose `final` is one-hot, the softmax the argmax was taken of (`raw`, after any repetition penalty)
    picked_from: torch.Tensor | None = None
    # The indices where `final` > 0, ascending, when known without a pass over the vocabulary (greedy,
    # top-k): sampling and the top-5 alternatives then look at these few entries only
    support: torch.Tensor | None = None

    def __post_init__(self) -> None:
        if self.picked_from is None:
            object.__setattr__(self, "picked_from", self.final)


def next_token_distribution(logits: torch.Tensor, settings: SamplingSettings,
                            previous_ids: Sequence[int] = ()) -> Distribution:
    """Once per generated token, so on the CPU it passes over the vocabulary as few times as it can
    (each pass over 49k logits costs ~50-100 µs right after a model step): with top-k on, temperature
    and top-p run on the top-k survivors only, the same arithmetic as `filter_logits` over the whole
    vocabulary with the removed tokens at -inf (which add nothing to a softmax or its cumulative sum)."""
    logits = logits.float()
    raw = logits.softmax(-1)
    penalized = apply_repetition_penalty(logits, previous_ids, settings.repetition_penalty)
    if settings.greedy:
        token = top_indices(penalized, 1)[0]
        final = _zeros_like(raw)
        final[token] = 1.0
        return Distribution(raw, final, raw if penalized is logits else penalized.softmax(-1),
                            torch.tensor([token]))
    if penalized.device.type == "cpu" and 0 < settings.top_k < penalized.numel():
        survivors = _top_k_survivors(penalized, settings)
        if survivors is not None:
            support, probs = survivors
            final = _zeros_like(raw)
            final[support] = probs
            return Distribution(raw, final, support=support)
    return Distribution(raw, filter_logits(penalized, settings).softmax(-1))


def _copy(values: torch.Tensor) -> torch.Tensor:
    """A copy; on the CPU a plain one, without torch's parallel copy (waking its threads costs more)."""
    if values.device.type != "cpu" or values.dtype != torch.float32:
        return values.clone()
    return torch.from_numpy(values.detach().numpy().copy())


def _zeros_like(values: torch.Tensor) -> torch.Tensor:
    """zeros on the CPU without torch's parallel fill (waking its threads costs more than the fill)."""
    if values.device.type != "cpu" or values.dtype != torch.float32:
        return torch.zeros_like(values)
    return torch.from_numpy(np.zeros(values.numel(), np.float32)).reshape(values.shape)


def _top_k_survivors(logits: torch.Tensor, settings: SamplingSettings) -> tuple[torch.Tensor, torch.Tensor] | None:
    """(indices ascending, their probabilities) of `filter_logits(logits, settings).softmax(-1)` where it is
    not 0, for 0 < top_k < V, computed on a few candidates: the tokens within a hair of the k-th largest
    logit. Dividing by the temperature keeps the order, so the k-th largest scaled logit is among them and
    every token outside them is strictly below it. None for NaN logits (`filter_logits` then says what
    it says of them)."""
    a = logits.detach().numpy()
    kth = float(np.partition(a, a.size - settings.top_k)[a.size - settings.top_k])
    candidates = np.flatnonzero(a >= kth - max(abs(kth) * 1e-5, 1e-30))  # ascending; ties and rounding kept
    if candidates.size < settings.top_k:  # only NaN compares false
        return None
    scaled = torch.from_numpy(a[candidates]) / settings.temperature
    kept = scaled >= torch.topk(scaled, settings.top_k).values[-1]
    ids, scaled = torch.from_numpy(candidates)[kept], scaled[kept]
    if 0.0 < settings.top_p < 1.0:
        keep = _top_p_keep(scaled, settings.top_p)  # ids ascend as the vocabulary's do: the same ties
        ids, scaled = ids[keep], scaled[keep]
    probs = scaled.softmax(-1)
    nonzero = probs > 0  # one that underflowed is not in the support, as `nonzero(final)` would leave it out
    return ids[nonzero], probs[nonzero]


def make_generator(seed: int | None) -> torch.Generator:
    generator = torch.Generator(device="cpu")
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(int(seed))
    return generator


def top_indices(values: torch.Tensor, k: int) -> list[int]:
    """The indices of the `k` largest entries of a 1-D tensor, largest first; among equal values the lower
    index first (as `argmax`). On the CPU a few numpy argmaxes: ~15x faster than `torch.topk` over a
    vocabulary, which matters once per generated token."""
    k = min(k, values.numel())
    if values.device.type != "cpu" or k > 8 or values.dtype != torch.float32:
        return [int(i) for i in torch.topk(values.float(), k).indices.tolist()]
    a = values.detach().numpy()
    if k == 1:
        return [int(a.argmax())]
    a, picked = a.copy(), []
    for _ in range(k):
        i = int(a.argmax())
        picked.append(i)
        a[i] = -np.inf
    return picked


def sample(dist: Distribution, generator: torch.Generator) -> int:
    final = dist.final.cpu()
    if dist.support is not None:  # the same draw as from nonzero(final) below, without the pass
        if dist.support.numel() == 1:
            return int(dist.support[0])
        support = dist.support
    else:
        if np.count_nonzero(final.numpy()) == 1:  # greedy (one-hot), or a top-k of 1
            return top_indices(final, 1)[0]
        support = torch.nonzero(final).flatten()  # top-k / top-p leave a few: drawing among them is ~20x faster
    return int(support[torch.multinomial(final[support], 1, generator=generator)])
