"""Stream a reply token by token from any engine, with each token's probability and alternatives."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np
import torch

from playground.core.generation.engine import Engine
from playground.core.generation.sampling import (Distribution, SamplingSettings, make_generator,
                                                next_token_distribution, sample, top_indices)


@dataclass(frozen=True)
class TokenStep:
    index: int  # 0-based position in the reply
    token_id: int
    text: str  # the text this token added to the reply
    prob: float  # its probability in the distribution it was sampled from
    raw_prob: float  # its probability in the model's plain softmax
    alternatives: tuple[tuple[int, str, float], ...]  # top-5 (id, text, prob) of that distribution
    elapsed: float  # seconds since generation started
    runner_up: tuple[int, str, float] | None = None  # the likeliest other token of the raw softmax (ties.near_tie)
    logprobs: TokenLogprobs | None = None  # only when generate_stream was asked for `top_logprobs`


LOGPROB_FLOOR = -9999.0  # the log of a probability that underflowed to 0 (what OpenAI writes for it)


@dataclass(frozen=True)
class TokenLogprobs:
    """Natural-log probabilities at one position, for the API's `logprobs`. "Picked from" is
    `Distribution.picked_from`: the distribution after temperature/top-k/top-p the token was sampled from,
    or for greedy (temperature 0, whose sampled distribution is one-hot) the softmax it was the argmax of:
    the model's raw softmax (after a repetition penalty, if one is set), as OpenAI reports greedy picks."""

    logprob: float  # the token's, in the distribution it was picked from
    raw_logprob: float  # the token's, in the model's plain softmax
    top: tuple[tuple[int, str, float], ...]  # the top-N (id, text, logprob) picked from (tokens it can pick only)
    raw_top: tuple[tuple[int, str, float], ...]  # the top-N of the plain softmax


@dataclass(frozen=True)
class GenerationResult:
    text: str
    token_ids: tuple[int, ...]
    prompt_tokens: int
    time_to_first_token: float
    tokens_per_second: float  # decode speed, after the first token
    stop_reason: str  # "eos" | "length" (max tokens) | "context" (the context is full) | "stopped"


def eos_ids(model, tokenizer) -> set[int]:
    ids: set[int] = set()
    for value in (getattr(getattr(model, "generation_config", None), "eos_token_id", None),
                  getattr(tokenizer, "eos_token_id", None)):
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, (list, tuple)):
            ids.update(int(v) for v in value)
    return ids


def encode_chat(tokenizer, messages: Sequence[dict]) -> list[int]:
    """Apply the tokenizer's chat template and return the prompt ids (generation prompt added)."""
    encoded = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=True)
    if hasattr(encoded, "keys") and "input_ids" in encoded:  # transformers 5 returns a BatchEncoding
        encoded = encoded["input_ids"]
    if encoded and isinstance(encoded[0], list):
        encoded = encoded[0]
    return [int(i) for i in encoded]


def encode_text(tokenizer, text: str) -> list[int]:
    return [int(i) for i in tokenizer(text, add_special_tokens=False)["input_ids"]]


class _IncrementalDecoder:
    """Decodes a growing id list so multi-byte characters split across tokens come out whole, in constant
    time a token: only the last few ids are decoded (as text-generation-inference and vLLM do), twice from
    the same start, and the new piece is what the later decode adds. (Decoding the whole reply every token
    cost ~0.3 ms a token by its 2,000th.)"""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.ids: list[int] = []
        self._prefix = self._read = 0  # ids[_prefix:_read] were decoded already: the context of the next piece

    def add(self, token_id: int) -> str:
        self.ids.append(token_id)
        decode = self.tokenizer.decode
        before = decode(self.ids[self._prefix:self._read], skip_special_tokens=True)
        text = decode(self.ids[self._prefix:], skip_special_tokens=True)
        if len(text) <= len(before) or text.endswith("\ufffd"):  # nothing yet, or an unfinished UTF-8 sequence
            return ""
        self._prefix, self._read = self._read, len(self.ids)
        return text[len(before):]


def token_text(tokenizer, token_id: int) -> str:
    return tokenizer.decode([token_id], skip_special_tokens=False)


def generate_stream(engine: Engine, tokenizer, prompt_ids: Sequence[int], settings: SamplingSettings, *,
                    stop_ids: set[int] = frozenset(), on_token: Callable[[TokenStep], None] | None = None,
                    should_stop: threading.Event | None = None, context_length: int | None = None,
                    sliding_window: bool = False, top_logprobs: int | None = None,
                    reply_start: Sequence[int] = (), force_first: int | None = None) -> GenerationResult:
    """Generate up to `settings.max_new_tokens`; stops at EOS, at the context limit ("context"), or on
    `should_stop`. `sliding_window`: past a full context keep going on its last `context_length` tokens
    (the window is run again for every token: positions restart at 0, as a model with learned positions
    needs). `top_logprobs`: each TokenStep also carries its `logprobs`, with that many top tokens.

    A branch of a reply: `reply_start` is the reply's tokens before the fork (the model reads them after the
    prompt; the steps are numbered after them; the result's text and token_ids are the whole reply, and Max
    tokens counts the whole reply, at least one new token); `force_first` is the first new token, taken
    instead of a sample (its step still carries the real distribution at that position)."""
    generator = make_generator(settings.seed)
    decoder = _IncrementalDecoder(tokenizer)
    for token_id in reply_start:
        decoder.add(int(token_id))
    offset = len(reply_start)
    history = list(prompt_ids) + [int(i) for i in reply_start]
    max_new = max(1, settings.max_new_tokens - offset) if offset else settings.max_new_tokens
    reason = "length"
    if context_length and not sliding_window and len(history) + max_new > context_length:
        max_new, reason = max(0, context_length - len(history)), "context"
    started = time.perf_counter()
    first_token_at = None
    logits = _next_logits(engine, history, context_length if sliding_window else None, prefill=True) \
        if max_new > 0 else None
    for index in range(max_new):
        if should_stop is not None and should_stop.is_set():
            reason = "stopped"
            break
        dist = next_token_distribution(logits, settings, history if settings.repetition_penalty != 1.0 else ())
        token_id = force_first if index == 0 and force_first is not None else sample(dist, generator)
        now = time.perf_counter()
        first_token_at = first_token_at or now
        if token_id in stop_ids:
            reason = "eos"
            break
        history.append(token_id)
        piece = decoder.add(token_id)
        if on_token is not None:
            step = _step(tokenizer, dist, offset + index, token_id, piece, now - started)
            if top_logprobs is not None:
                step = replace(step, logprobs=token_logprobs(tokenizer, dist, token_id, top_logprobs))
            on_token(step)
        if index + 1 < max_new:
            logits = _next_logits(engine, history, context_length if sliding_window else None)
    end = time.perf_counter()
    generated = history[len(prompt_ids):]
    new = len(generated) - offset
    ttft = (first_token_at - started) if first_token_at else 0.0
    decode_time = end - (first_token_at or end)
    tps = (new - 1) / decode_time if new > 1 and decode_time > 0 else 0.0
    return GenerationResult(decoder.tokenizer.decode(generated, skip_special_tokens=True), tuple(generated),
                            len(prompt_ids), ttft, tps, reason)


def _next_logits(engine: Engine, history: list[int], window: int | None, prefill: bool = False) -> torch.Tensor:
    """The logits after `history`: one cached step, or, past a full `window`, its last `window` tokens again."""
    if window and len(history) > window:
        return engine.prefill(history[-window:])
    return engine.prefill(history) if prefill else engine.step(history[-1])


def _step(tokenizer, dist, index: int, token_id: int, piece: str, elapsed: float) -> TokenStep:
    final = dist.final.cpu().numpy()
    if dist.support is not None:  # the few tokens left: by probability, a tie to the lower index
        ids = dist.support.numpy()
        top = [(int(i), float(final[i])) for i in ids[np.argsort(-final[ids], kind="stable")[:5]]]
    else:
        top = [(i, float(final[i])) for i in top_indices(dist.final, 5)]
    other = next((i for i in top_indices(dist.raw, 2) if i != token_id), None)
    return TokenStep(
        index=index, token_id=token_id, text=piece,
        prob=float(dist.final[token_id]), raw_prob=float(dist.raw[token_id]),
        alternatives=tuple((i, token_text(tokenizer, i), p) for i, p in top if p > 0),
        elapsed=elapsed,
        runner_up=None if other is None else (other, token_text(tokenizer, other), float(dist.raw[other])))


def token_logprobs(tokenizer, dist: Distribution, token_id: int, top: int) -> TokenLogprobs:
    def logs(probs: torch.Tensor, ids: list[int]) -> list[float]:
        return [max(math.log(p), LOGPROB_FLOOR) if p > 0 else LOGPROB_FLOOR for p in probs[ids].tolist()]

    def ranked(probs: torch.Tensor, keep_zero: bool) -> tuple[tuple[int, str, float], ...]:
        best = torch.topk(probs, min(top, probs.numel()))
        ids = [int(i) for p, i in zip(best.values.tolist(), best.indices.tolist()) if keep_zero or p > 0]
        return tuple((i, token_text(tokenizer, i), lp) for i, lp in zip(ids, logs(probs, ids)))

    picked, raw = logs(dist.picked_from, [token_id])[0], logs(dist.raw, [token_id])[0]
    return TokenLogprobs(picked, raw, ranked(dist.picked_from, False) if top else (),
                         ranked(dist.raw, True) if top else ())


@torch.inference_mode()
def next_token_logits(model, ids: Sequence[int]) -> torch.Tensor:
    """One plain forward pass (no cache) over `ids`; the logits (V,) float32 on the CPU for the next token.

    Used to inspect the distribution at any position of a reply after it was generated.
    """
    if not ids:
        raise ValueError("No tokens to run.")
    device = next(model.parameters()).device
    out = model(input_ids=torch.tensor([list(ids)], dtype=torch.long, device=device), use_cache=False)
    return out.logits[0, -1].float().cpu()  # (V,)
