"""Look inside one forward pass: every head's attention weights and the logit lens.

The model runs once with eager attention (the fused kernels never materialize the weights); the
attention implementation is switched back afterwards, whatever happens. Hold the session's lock
around `capture_attention` and `logit_lens` when the model is shared.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import torch

from playground.core.errors import Cancelled, PlaygroundError

MAX_TOKENS = 1024  # (L, H, T, T) weights grow with T²: 30×9×1024² floats is already 0.6 GB in float16
FLOAT16_FROM = 512  # store weights as float16 from this many tokens on (3 significant digits)
LENS_MAX_POSITIONS = 64
THUMBNAIL_SIZE = 64


@dataclass(frozen=True)
class AttentionCapture:
    """One forward pass, seen from inside. Arrays are numpy (the UI draws them)."""

    token_ids: tuple[int, ...]
    tokens: tuple[str, ...]  # each token as text (decoded on its own)
    attentions: np.ndarray  # (L, H, T, T): row = query position, column = key position; rows sum to 1
    hidden_states: Any  # torch (L+1, T, d) float32 on CPU: the residual stream after each layer (last is normed)
    num_kv_heads: int  # query heads h share h_kv key/value heads (grouped-query attention)
    next_token_id: int  # what the model predicts after the last token (greedy)
    seconds: float
    truncated: int = 0  # tokens dropped from the start to fit MAX_TOKENS / the context
    thumbs: np.ndarray | None = None  # (L, H, t, t) block-max thumbnails, t = min(T, THUMBNAIL_SIZE)
    average_thumbs: np.ndarray | None = None  # (L, t, t) the same for the mean over heads

    @property
    def num_layers(self) -> int:
        return int(self.attentions.shape[0])

    @property
    def num_heads(self) -> int:
        return int(self.attentions.shape[1])

    @property
    def num_tokens(self) -> int:
        return int(self.attentions.shape[2])

    def kv_head(self, head: int) -> int:
        return head // max(self.num_heads // max(self.num_kv_heads, 1), 1)


@dataclass(frozen=True)
class LogitLens:
    """For each layer (0 = embeddings … L = output) and position: the token it would predict."""

    positions: tuple[int, ...]  # which input positions (columns)
    top_ids: np.ndarray  # (L+1, P, k) most likely next tokens, best first
    top_probs: np.ndarray  # (L+1, P, k)
    top_tokens: tuple[tuple[tuple[str, ...], ...], ...]  # [layer][position][k] decoded text
    seconds: float


def token_texts(tokenizer, ids: Sequence[int]) -> tuple[str, ...]:
    """Each token decoded on its own (" Paris", "\\n"), so labels read as text, not as "ĠParis".

    Without a tokenizer (a bare model in a notebook) the ids themselves are the labels.
    """
    if tokenizer is None:
        return tuple(f"#{int(i)}" for i in ids)
    return tuple(tokenizer.decode([int(i)]) for i in ids)


def _model_device(model) -> torch.device:
    return next(model.parameters()).device


def _num_kv_heads(config) -> int:
    return int(getattr(config, "num_key_value_heads", None) or getattr(config, "num_attention_heads", 0)
               or getattr(config, "n_head", 1))


@contextmanager
def eager_attention(model):
    """Run `model` with eager attention inside the block; restore the previous implementation after."""
    previous = getattr(model.config, "_attn_implementation", None)
    if previous == "eager":
        yield
        return
    setter = getattr(model, "set_attn_implementation", None)
    if setter is not None:
        setter("eager")
    else:  # older transformers: the config attribute is what the attention modules read
        model.config._attn_implementation = "eager"
    try:
        yield
    finally:
        if setter is not None and previous is not None:
            setter(previous)
        else:
            model.config._attn_implementation = previous


def encode_for_capture(tokenizer, text: str, context_length: int) -> tuple[list[int], int]:
    """Token ids for `text` (special tokens in chat templates stay special), the last ones that fit."""
    ids = list(tokenizer(text, add_special_tokens=False)["input_ids"])
    if not ids:
        raise PlaygroundError("Type some text first: the model needs at least one token to look at.")
    limit = min(MAX_TOKENS, context_length)
    dropped = max(len(ids) - limit, 0)
    return ids[dropped:], dropped


def forward_with_attention(model, ids: Sequence[int]):
    """One forward pass of `ids` with every layer's attention weights and hidden states (eager attention,
    restored after); only the last position's logits."""
    input_ids = torch.tensor([list(ids)], dtype=torch.long, device=_model_device(model))  # (1, T)
    with eager_attention(model), torch.inference_mode():
        out = model(input_ids=input_ids, output_attentions=True, output_hidden_states=True, use_cache=False,
                    logits_to_keep=1)
    if not out.attentions or out.attentions[0] is None:
        raise PlaygroundError(f"{type(model).__name__} does not report its attention weights.")
    return out


def capture_attention(model, tokenizer, text: str | None = None, *, token_ids: Sequence[int] | None = None,
                      context_length: int = 2048, should_stop: threading.Event | None = None) -> AttentionCapture:
    """Run the text once with attentions and hidden states captured.

    GQA models return one map per *query* head (key/value heads are repeated inside eager attention).
    """
    started = time.perf_counter()
    if token_ids is None:
        ids, dropped = encode_for_capture(tokenizer, text or "", context_length)
    else:
        ids, dropped = list(token_ids), 0
    if should_stop is not None and should_stop.is_set():
        raise Cancelled("Attention capture cancelled.")
    out = forward_with_attention(model, ids)
    store = np.float16 if len(ids) >= FLOAT16_FROM else np.float32
    attentions = np.stack([a[0].float().cpu().numpy().astype(store, copy=False) for a in out.attentions])
    hidden = torch.stack([h[0].float().cpu() for h in out.hidden_states])  # (L+1, T, d)
    next_id = int(out.logits[0, -1].argmax())
    del out
    average = np.stack([block_max(head_average(attentions, layer), THUMBNAIL_SIZE)
                        for layer in range(attentions.shape[0])])
    return AttentionCapture(
        token_ids=tuple(ids), tokens=token_texts(tokenizer, ids), attentions=attentions, hidden_states=hidden,
        num_kv_heads=_num_kv_heads(model.config), next_token_id=next_id,
        seconds=time.perf_counter() - started, truncated=dropped,
        thumbs=thumbnails(attentions, THUMBNAIL_SIZE), average_thumbs=average)


def final_norm(model):
    """The norm applied to the residual stream before the LM head (Llama `norm`, GPT-2 `ln_f`)."""
    base = model.base_model
    for name in ("norm", "ln_f", "final_layernorm", "final_layer_norm"):
        module = getattr(base, name, None)
        if module is not None:
            return module
    raise PlaygroundError(f"Could not find the final norm of {type(model).__name__} for the logit lens.")


def default_lens_positions(num_tokens: int, count: int = 24) -> tuple[int, ...]:
    """The last `count` positions: where the answer forms."""
    return tuple(range(max(num_tokens - count, 0), num_tokens))


def logit_lens(model, tokenizer, capture: AttentionCapture, positions: Sequence[int] | None = None, *,
               top_k: int = 5, should_stop: threading.Event | None = None) -> LogitLens:
    """Final norm + LM head applied to every layer's residual stream at `positions`.

    transformers' last hidden state already has the final norm applied, so the last row is the LM
    head alone: exactly the model's own prediction.
    """
    started = time.perf_counter()
    positions = tuple(positions if positions is not None else default_lens_positions(capture.num_tokens))
    positions = positions[:LENS_MAX_POSITIONS]
    head, norm = model.get_output_embeddings(), final_norm(model)
    device, dtype = _model_device(model), next(head.parameters()).dtype
    hidden = capture.hidden_states[:, list(positions)]  # (L+1, P, d)
    layers, count = hidden.shape[0], hidden.shape[1]
    rows_per_chunk = max(1, 512 // max(count, 1))  # ≤ ~512 rows of V logits at a time (≈100 MB for V = 49k)
    ids, probs = [], []
    with torch.inference_mode():
        for first in range(0, layers, rows_per_chunk):
            if should_stop is not None and should_stop.is_set():
                raise Cancelled("Logit lens cancelled.")
            chunk = hidden[first:first + rows_per_chunk].to(device=device, dtype=dtype)  # (c, P, d)
            # transformers' last hidden state already went through the final norm.
            normed = [norm(h) if first + i < layers - 1 else h for i, h in enumerate(chunk)]
            logits = head(torch.stack(normed)).float()  # (c, P, V)
            top = logits.topk(top_k, dim=-1)
            ids.append(top.indices.cpu().numpy())
            probs.append((top.values - logits.logsumexp(dim=-1, keepdim=True)).exp().cpu().numpy())
    top_ids, top_probs = np.concatenate(ids), np.concatenate(probs)  # (L+1, P, k)
    unique = [int(i) for i in np.unique(top_ids)]
    vocab = dict(zip(unique, token_texts(tokenizer, unique)))
    texts = tuple(tuple(tuple(vocab[int(i)] for i in row) for row in layer) for layer in top_ids)
    return LogitLens(positions, top_ids, top_probs, texts, time.perf_counter() - started)


# ---------------------------------------------------------------- views of a capture (pure numpy)
def block_max(matrix: np.ndarray, size: int) -> np.ndarray:
    """Shrink a (R, C) matrix to at most (size, size) by taking the max of each block.

    Max, not mean: a sharp head (one bright cell per row) stays visible in a thumbnail.
    """
    rows, cols = matrix.shape
    kr, kc = -(-rows // size), -(-cols // size)  # ceil
    if kr == 1 and kc == 1:
        return matrix
    out_r, out_c = -(-rows // kr), -(-cols // kc)
    padded = np.zeros((out_r * kr, out_c * kc), dtype=matrix.dtype)
    padded[:rows, :cols] = matrix
    return padded.reshape(out_r, kr, out_c, kc).max(axis=(1, 3))


def thumbnails(attentions: np.ndarray, size: int = 64) -> np.ndarray:
    """(L, H, T, T) → (L, H, t, t) with t = min(T, size) by block max."""
    L, H = attentions.shape[:2]
    first = block_max(attentions[0, 0], size)
    out = np.empty((L, H, *first.shape), dtype=np.float32)
    for layer in range(L):
        for head in range(H):
            out[layer, head] = block_max(attentions[layer, head], size)
    return out


def head_average(attentions: np.ndarray, layer: int) -> np.ndarray:
    """(T, T): the mean over one layer's heads (still a distribution per row)."""
    return attentions[layer].astype(np.float32).mean(axis=0)


def token_attention(attentions: np.ndarray, query: int) -> np.ndarray:
    """(L·H, query+1): what token `query` attends to, one row per (layer, head)."""
    L, H = attentions.shape[:2]
    return attentions[:, :, query, : query + 1].astype(np.float32).reshape(L * H, query + 1)


def time_capture(model, tokenizer, n_tokens: int = 256, repeats: int = 3) -> float:
    """Best-of-`repeats` seconds to capture `n_tokens` tokens (the benchmark target: < 2 s for 256 on SmolLM2)."""
    vocab = int(model.config.vocab_size)
    ids = [(101 + 37 * i) % vocab for i in range(n_tokens)]
    capture_attention(model, tokenizer, token_ids=ids[:8])  # warm-up
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        capture_attention(model, tokenizer, token_ids=ids)
        best = min(best, time.perf_counter() - started)
    return best
