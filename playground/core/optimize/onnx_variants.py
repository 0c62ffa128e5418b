"""The fast engine's ONNX models as rows of the Optimize report, measured like every other variant.

Parameters are the source model's (the export keeps every weight); memory is the bytes of the ONNX weight
files ONNX Runtime loads, on disk the whole folder; tokens/s and the answer come from greedy decoding
through `generate_stream` on the `OnnxEngine` (the Chat tab's fast path); perplexity is scored on the same
held-out ids with the same code as PyTorch (`evaluation.perplexity_of`), from the engine's logits of every
position.

They are not compression methods (nothing is done to the torch model): the Optimize tab lists `VARIANTS`
after `compression.METHODS`, and makes an `OnnxVariant` instead of a `CompressionSpec` for them.
No torch at import time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from playground.core.optimize.evaluation import (EvalSettings, VariantMetrics, greedy_answer, perplexity_of,
                                        text_ids)
from playground.core.i18n import QT_TRANSLATE_NOOP
from playground.core.engines.onnx_build import build_onnx_model, folder_size, unsupported_reason
from playground.core.optimize.compression.spec import CompressionError
from playground.core.progress import ProgressFn, reporter, scaled

# key -> (label shown to the user, one-line explanation, ONNX precision); labels marked as in compression.spec
VARIANTS: dict[str, tuple[str, str, str]] = {
    "onnx-int4": (
        QT_TRANSLATE_NOOP("Core", "ONNX int4 (fast engine)"),
        QT_TRANSLATE_NOOP("Core", "The Chat tab's fast engine: the model exported to ONNX Runtime GenAI with "
                          "4-bit weights (built once, ~30 s, then cached). Llama-family models."), "int4"),
    "onnx-int8": (
        QT_TRANSLATE_NOOP("Core", "ONNX int8 (experimental)"),
        QT_TRANSLATE_NOOP("Core", "The fast engine with 8-bit weights, experimental: may change greedy answers "
                          "(perplexity stays close, but it flips near-ties: the built-in model answers the "
                          "capital of France in French). Llama-family models."), "int8"),
}


@dataclass(frozen=True)
class OnnxVariant:
    """A fast-engine row of the report: the current model built for ONNX Runtime at one precision."""

    method: str  # a key of VARIANTS

    @property
    def precision(self) -> str:
        return VARIANTS[self.method][2]

    def label(self) -> str:
        return self.method

    def describe(self) -> str:
        return VARIANTS[self.method][0]


def validate_variant(variant: OnnxVariant, folder: Path | None) -> None:
    """Raise CompressionError, in words, if the fast engine cannot build the model in `folder`
    (`ModelSession.folder`: the Hugging Face folder on disk it is built from)."""
    reason = unsupported_reason(folder)
    if reason:
        raise CompressionError(f"The fast engine cannot build this model: {reason}. The other techniques "
                               "still apply.")


def weight_bytes(folder: Path) -> int:
    """Bytes of the ONNX graph and its external weights (what ONNX Runtime holds in memory)."""
    return sum(f.stat().st_size for f in Path(folder).glob("model.onnx*") if f.is_file())


def build_variant(session, precision: str, on_progress: ProgressFn | None = None,
                  should_stop: threading.Event | None = None) -> Path:
    """Build (or reuse from the cache) the ONNX model of `session`'s model: the fast engine's own file."""
    return build_onnx_model(session.folder, precision, should_stop=should_stop, on_progress=on_progress)


def evaluate_onnx(name: str, method: str, session, folder: Path, precision: str,
                  settings: EvalSettings = EvalSettings(), *, ids: list[int] | None = None,
                  params: tuple[int, int] | None = None, on_progress: ProgressFn | None = None,
                  should_stop: threading.Event | None = None) -> VariantMetrics:
    """Measure the built ONNX model in `folder`. `params`: (total, non-zero) of the source model, counted
    by the caller under the session lock (else counted here)."""
    from playground.core.engines.onnx_engine import OnnxEngine

    report = reporter(on_progress)
    if params is None:
        from playground.core.optimize.compression.storage import parameter_counts

        with session.lock:
            params = parameter_counts(session.model)
    ids = ids if ids is not None else text_ids(session.tokenizer, settings)
    report(0.0, f"{name}: loading ONNX Runtime")
    engine = OnnxEngine(folder, precision)
    report(0.1, f"{name}: perplexity")
    ppl = perplexity_of(engine.score, ids, settings.ppl_window, should_stop, scaled(on_progress, 0.1, 0.7, f"{name}: "))
    report(0.7, f"{name}: greedy answer")
    started = time.perf_counter()
    answer, tps = greedy_answer(session.model, session.tokenizer, settings.prompt, settings.new_tokens,
                                should_stop, engine=engine)
    answer = answer or "(nothing: it ended its answer at once)"
    if tps == 0.0:
        tps = 1.0 / max(time.perf_counter() - started, 1e-9)
    note = (f"ONNX Runtime GenAI, {precision} weights (the Chat tab's {engine.name}); memory is its weight "
            f"files, on disk the whole folder {folder.name}")
    return VariantMetrics(name, method, params[0], params[1], weight_bytes(folder), folder_size(folder), tps, ppl,
                          answer, precision, "cpu (ONNX Runtime)", note)
