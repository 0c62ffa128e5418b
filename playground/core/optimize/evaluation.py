"""Measure a model the same way before and after compression.

For each model: parameters (total, non-zero), bytes in memory and on disk, greedy generation speed on a
fixed prompt, perplexity on held-out text, and the greedy answer itself. Defaults are small so a whole
report takes seconds on a laptop CPU. torch is imported inside the functions: the UI reads the settings
and result types before torch is loaded.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from playground.core.errors import Cancelled, PlaygroundError
from playground.core.progress import ProgressFn, progress, reporter, scaled

EVAL_OFFSET = 300_000  # the built-in corpus' held-out slice starts here; calibration text comes from the start


@dataclass(frozen=True)
class EvalSettings:
    prompt: str = "What is the capital of France?"
    new_tokens: int = 16  # greedy tokens generated for speed and the answer
    ppl_tokens: int = 512  # held-out tokens scored for perplexity
    ppl_window: int = 256  # tokens per forward pass when scoring
    text_file: str = ""  # a user text file; empty = the built-in corpus (pydoc_data.topics)


@dataclass(frozen=True)
class VariantMetrics:
    name: str
    method: str  # "original" or a compression method key
    params_total: int
    params_nonzero: int
    memory_bytes: int
    disk_bytes: int
    tokens_per_s: float
    perplexity: float
    answer: str
    dtype: str
    device: str
    note: str = ""  # e.g. which layers stayed in float

    @property
    def sparsity(self) -> float:
        return 1.0 - self.params_nonzero / self.params_total if self.params_total else 0.0


def builtin_corpus() -> str:
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key] for key in sorted(topics))


def held_out_text(settings: EvalSettings, chars: int = 20_000) -> str:
    """The text perplexity is measured on: a fixed slice of the built-in corpus, or the user's file."""
    if not settings.text_file:
        corpus = builtin_corpus()
        return corpus[EVAL_OFFSET:EVAL_OFFSET + chars]
    path = Path(settings.text_file)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise PlaygroundError(f"Could not read the text file {path.name}: {exc.strerror or exc}. "
                              "Choose another file, or clear it to use the built-in text.") from exc
    if len(text.strip()) < 200:
        raise PlaygroundError(f"{path.name} holds too little text to measure perplexity (under 200 characters). "
                              "Choose a longer file.")
    return text[:max(chars, settings.ppl_tokens * 8)]


def calibration_ids(tokenizer, n_tokens: int = 256) -> list[int]:
    """Token ids of ordinary text (not the held-out slice), for activation-based importance."""
    ids = tokenizer(builtin_corpus()[:n_tokens * 8], add_special_tokens=False)["input_ids"]
    return [int(i) for i in ids[:n_tokens]]


def text_ids(tokenizer, settings: EvalSettings) -> list[int]:
    ids = tokenizer(held_out_text(settings), add_special_tokens=False)["input_ids"]
    ids = [int(i) for i in ids[:settings.ppl_tokens]]
    if len(ids) < 2:
        raise PlaygroundError("The held-out text is too short to measure perplexity.")
    return ids


def _check(should_stop) -> None:
    if should_stop is not None and should_stop.is_set():
        raise Cancelled("Evaluation cancelled.")


def perplexity(model, ids: list[int], window: int = 256, should_stop: threading.Event | None = None,
               on_progress: ProgressFn | None = None) -> float:
    """exp(mean next-token loss) over `ids`, scored in non-overlapping windows of `window` tokens."""
    import torch

    device = next(model.parameters()).device

    def logits_of(chunk: list[int]):
        input_ids = torch.tensor([chunk], device=device)  # (1, T)
        return model(input_ids=input_ids, use_cache=False).logits[0]  # (T, V)

    return perplexity_of(logits_of, ids, window, should_stop, on_progress)


def perplexity_of(logits_of: Callable, ids: list[int], window: int = 256,
                  should_stop: threading.Event | None = None, on_progress: ProgressFn | None = None) -> float:
    """The perplexity of any scorer: `logits_of(token ids) -> (T, V)` logits of every position, with no
    context but those ids. The PyTorch model and the ONNX engine are measured with the same code."""
    import torch

    total_nll, total_tokens = 0.0, 0
    starts = range(0, len(ids) - 1, window)
    for i, start in enumerate(starts):
        _check(should_stop)
        chunk = ids[start:start + window + 1]  # +1: the last token is only a target
        if len(chunk) < 2:
            break
        with torch.inference_mode():
            logits = logits_of(chunk[:-1]).float()  # (T, V)
            targets = torch.tensor(chunk[1:], device=logits.device)
            total_nll += float(torch.nn.functional.cross_entropy(logits, targets, reduction="sum"))
        total_tokens += len(chunk) - 1
        if on_progress is not None:
            on_progress(progress((i + 1) / len(starts), f"Perplexity: {total_tokens} tokens scored"))
    return math.exp(total_nll / max(total_tokens, 1))


def prompt_ids(tokenizer, prompt: str) -> list[int]:
    from playground.core.generation.stream import encode_chat, encode_text

    if getattr(tokenizer, "chat_template", None):
        return encode_chat(tokenizer, [{"role": "user", "content": prompt}])
    return encode_text(tokenizer, prompt)


def greedy_answer(model, tokenizer, prompt: str, new_tokens: int,
                  should_stop: threading.Event | None = None, engine=None) -> tuple[str, float]:
    """(greedy answer, decode tokens/s) for `prompt`, using the app's generation engine (`engine`, or
    PyTorch on `model`)."""
    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.stream import eos_ids, generate_stream
    from playground.core.generation.sampling import GREEDY

    settings = dataclasses.replace(GREEDY, max_new_tokens=new_tokens)
    result = generate_stream(engine or TorchEngine(model), tokenizer, prompt_ids(tokenizer, prompt), settings,
                             stop_ids=eos_ids(model, tokenizer), should_stop=should_stop)
    _check(should_stop)
    return result.text.strip(), result.tokens_per_second


def evaluate(name: str, method: str, model, tokenizer, settings: EvalSettings = EvalSettings(), *,
             ids: list[int] | None = None, on_progress: ProgressFn | None = None,
             should_stop: threading.Event | None = None) -> VariantMetrics:
    """Measure `model` (never modified). `ids`: pre-tokenized held-out text (else from `settings`)."""
    from playground.core.optimize.compression.storage import disk_bytes, memory_bytes, parameter_counts

    report = reporter(on_progress)
    model.eval()
    report(0.0, f"{name}: counting parameters")
    total, nonzero = parameter_counts(model)
    ids = ids if ids is not None else text_ids(tokenizer, settings)
    report(0.1, f"{name}: perplexity")
    ppl = perplexity(model, ids, settings.ppl_window, should_stop, scaled(on_progress, 0.1, 0.7, f"{name}: "))
    report(0.7, f"{name}: greedy answer")
    started = time.perf_counter()
    answer, tps = greedy_answer(model, tokenizer, settings.prompt, settings.new_tokens, should_stop)
    answer = answer or "(nothing: it ended its answer at once)"
    if tps == 0.0:  # a one-token answer: fall back to the wall time of the whole call
        tps = 1.0 / max(time.perf_counter() - started, 1e-9)
    param = next(model.parameters())
    return VariantMetrics(name, method, total, nonzero, memory_bytes(model), disk_bytes(model), tps, ppl, answer,
                          str(param.dtype).removeprefix("torch."), str(param.device),
                          getattr(model, "compression_note", ""))
