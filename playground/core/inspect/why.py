"""Why did the model write this token? One forward pass over the text before it, seen from the position
that predicted it: what that position attends to (every layer and head) and its logit lens (what each
layer would have predicted there, and how likely the token actually written was after each layer).

Only the one query row of attention and the one position's residual stream are kept, so a long
conversation costs (L, H, T) floats, not the (L, H, T, T) of `attention.capture_attention`. Hold the
session's lock around `explain_token` when the model is shared.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from playground.core.errors import Cancelled, PlaygroundError
from playground.core.inspect.attention import (MAX_TOKENS, LogitLens, _num_kv_heads, final_norm,
                                               forward_with_attention, token_texts)

TOP_K = 5


@dataclass(frozen=True)
class TokenWhy:
    """The position that predicted `target_id`, after reading `token_ids`. Arrays are numpy."""

    token_ids: tuple[int, ...]  # what the model read (the last one is the query position)
    tokens: tuple[str, ...]  # each decoded on its own
    target_id: int  # the token written there
    target_text: str
    attention: np.ndarray  # (L, H, T): what the last position attends to, per layer and query head
    num_kv_heads: int
    lens: LogitLens  # one position (the last): top-k after the embeddings (row 0) and each layer
    target_probs: np.ndarray  # (L+1,) probability of `target_id` after the embeddings and each layer
    target_ranks: np.ndarray  # (L+1,) its rank there (0 = the top prediction)
    seconds: float
    truncated: int = 0  # tokens dropped from the start to fit MAX_TOKENS / the context

    @property
    def num_layers(self) -> int:
        return int(self.attention.shape[0])

    @property
    def num_heads(self) -> int:
        return int(self.attention.shape[1])

    def head_average(self) -> np.ndarray:
        """(L, T): each layer's mean over heads (still a distribution over the tokens)."""
        return self.attention.mean(axis=1)

    def per_head(self) -> np.ndarray:
        """(L·H, T): one row per (layer, head), layer-major."""
        L, H, T = self.attention.shape
        return self.attention.reshape(L * H, T)


def explain_token(model, tokenizer, context_ids: Sequence[int], target_id: int, *, context_length: int = 0,
                  top_k: int = TOP_K, should_stop: threading.Event | None = None) -> TokenWhy:
    """Run `context_ids` once (eager attention, restored after) and explain the next token, `target_id`.

    Past `MAX_TOKENS` or the context only the last tokens run (the sliding window that wrote a reply
    past a full context read those too).
    """
    started = time.perf_counter()
    limit = min(MAX_TOKENS, context_length) if context_length else MAX_TOKENS
    ids = [int(i) for i in context_ids]
    if not ids:
        raise PlaygroundError("There is nothing before this token for the model to read.")
    dropped = max(len(ids) - limit, 0)
    ids = ids[dropped:]
    if should_stop is not None and should_stop.is_set():
        raise Cancelled("Cancelled before the model ran.")
    out = forward_with_attention(model, ids)
    attention = np.stack([a[0, :, -1, :].float().cpu().numpy() for a in out.attentions])  # (L, H, T)
    hidden = torch.stack([h[0, -1] for h in out.hidden_states])  # (L+1, d), the last one already normed
    del out
    if should_stop is not None and should_stop.is_set():
        raise Cancelled("Cancelled after the forward pass.")
    lens, probs, ranks = _lens_at(model, tokenizer, hidden, len(ids) - 1, int(target_id), top_k)
    return TokenWhy(tuple(ids), token_texts(tokenizer, ids), int(target_id), token_texts(tokenizer, [target_id])[0],
                    attention, _num_kv_heads(model.config), lens, probs, ranks,
                    time.perf_counter() - started, dropped)


def _lens_at(model, tokenizer, hidden: torch.Tensor, position: int, target_id: int, top_k: int):
    """The logit lens of one position: (LogitLens, target probabilities, target ranks), as `logit_lens`
    computes it (final norm + LM head; the last hidden state is already normed)."""
    started = time.perf_counter()
    head, norm = model.get_output_embeddings(), final_norm(model)
    with torch.inference_mode():
        hidden = hidden.to(dtype=next(head.parameters()).dtype)
        normed = torch.cat([norm(hidden[:-1]), hidden[-1:]])  # (L+1, d)
        log_probs = head(normed).float().log_softmax(dim=-1)  # (L+1, V)
        top = log_probs.topk(top_k, dim=-1)
        target = log_probs[:, target_id]
        ranks = (log_probs > target[:, None]).sum(dim=-1)
    top_ids = top.indices.cpu().numpy()[:, None, :]  # (L+1, 1, k)
    top_probs = top.values.exp().cpu().numpy()[:, None, :]
    unique = [int(i) for i in np.unique(top_ids)]
    vocab = dict(zip(unique, token_texts(tokenizer, unique)))
    texts = tuple((tuple(vocab[int(i)] for i in layer[0]),) for layer in top_ids)
    lens = LogitLens((position,), top_ids, top_probs, texts, time.perf_counter() - started)
    return lens, target.exp().cpu().numpy(), ranks.cpu().numpy()
