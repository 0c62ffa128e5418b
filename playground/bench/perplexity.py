"""The bench's perplexity: one text, one set of ids, one way of scoring, for every engine and for llama.cpp.

The first 40,000 characters of the built-in corpus (pydoc_data.topics), tokenized once (~9,600 ids for
SmolLM2). Scored in windows of 256 tokens, each window on its own (no context from the one before), every
position that has a token before it in its window predicting the next: 255 targets per window, windows
starting 255 tokens apart, so every id after the first is a target exactly once.

That is exactly what `llama-perplexity -c 129 --ppl-stride 255 -b 256` computes (its strided mode widens
the context to 129 + 255/2 = 256 and scores positions 0…254 of each 256-token chunk). Windows of 256
inputs scoring 256 targets would need a 257-token context, which llama.cpp rounds up to 288 (its KV cache
is padded to 32).
"""

from __future__ import annotations

from typing import Callable

TEXT_CHARS = 40_000
WINDOW = 256  # tokens per window; the first is context only


def bench_text(chars: int = TEXT_CHARS) -> str:
    from playground.core.optimize.evaluation import builtin_corpus

    return builtin_corpus()[:chars]


def window_count(n_ids: int) -> int:
    """How many windows llama-perplexity scores of `n_ids` ids: the whole ones, less one when the last
    ends on the very last id (its count is (n - 2) // stride)."""
    return max(0, (n_ids - 2) // (WINDOW - 1))


def bench_ids(tokenizer, chars: int = TEXT_CHARS, windows: int | None = None) -> list[int]:
    """The ids every engine scores: the text tokenized once (no special tokens), cut to whole windows
    (at most `windows` of them)."""
    ids = [int(i) for i in tokenizer(bench_text(chars), add_special_tokens=False)["input_ids"]]
    n = window_count(len(ids)) if windows is None else min(windows, window_count(len(ids)))
    return ids[:n * (WINDOW - 1) + 1]


def window_perplexity(logits_of: Callable, ids: list[int]) -> float:
    """exp(mean next-token loss) of `logits_of(ids) -> (T, V)` over the bench's windows of `ids`."""
    from playground.core.optimize.evaluation import perplexity_of

    return perplexity_of(logits_of, ids, WINDOW - 1)  # chunks of WINDOW ids: WINDOW - 1 inputs and targets


def torch_logits(model) -> Callable:
    """`logits_of` for a PyTorch causal LM."""
    import torch

    device = next(model.parameters()).device

    def logits_of(chunk: list[int]):
        return model(input_ids=torch.tensor([chunk], device=device), use_cache=False).logits[0]  # (T, V)

    return logits_of
