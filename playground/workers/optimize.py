"""Workers for the Optimize tab: compress + measure, distil, save a variant. Each reports progress and cancels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot

from playground.core.progress import Progress, ProgressFn, Throttle, scaled
from playground.workers.base import Worker


@dataclass(frozen=True)
class VariantResult:
    """One report row, and the model it measured (None for the original: that is the current model)."""

    metrics: Any  # playground.core.optimize.evaluation.VariantMetrics
    model: Any = None
    spec: Any = None  # a CompressionSpec or an onnx_variants.OnnxVariant; None for the original
    base_name: str = ""  # the model it was made from
    tokenizer: Any = None  # the tokenizer it uses (saved with it)
    onnx_folder: Any = None  # Path of a fast-engine (ONNX) variant's built model; its `model` is None

    @property
    def engine_name(self) -> str:
        """The Chat tab's engine that runs this variant ("" for a torch model)."""
        from playground.core.engines.names import engine_name

        return engine_name(self.spec.precision) if self.onnx_folder is not None else ""


class OptimizeWorker(Worker):
    """For each spec: copy the current model (under its lock), compress the copy, measure it.

    Emits progressed(Progress), variant_ready(VariantResult) per row (the original first when
    `measure_original`), then finished(int: rows made). Rows made before a cancel are kept.
    """

    progressed = Signal(object)
    variant_ready = Signal(object)

    def __init__(self, session, specs: list, settings, measure_original: bool) -> None:
        super().__init__()
        self.session, self.specs, self.settings = session, list(specs), settings
        self.measure_original = measure_original

    @Slot()
    def run(self) -> None:
        try:
            self.finished.emit(self._run())
        except BaseException as exc:  # noqa: BLE001 - every failure reaches the user
            self.fail(exc)

    def _run(self) -> int:
        import copy

        from playground.core.optimize.compression import compress
        from playground.core.optimize.evaluation import calibration_ids, evaluate, text_ids
        from playground.core.optimize.onnx_variants import OnnxVariant

        session, stop = self.session, self.should_stop
        report = Throttle(self.progressed.emit)
        tokenizer, base = session.tokenizer, session.source.name
        ids = text_ids(tokenizer, self.settings)
        calibration = calibration_ids(tokenizer)
        jobs = len(self.specs) + int(self.measure_original)
        done = 0
        if self.measure_original:
            with session.lock:
                metrics = evaluate("original", "original", session.model, tokenizer, self.settings, ids=ids,
                                   on_progress=scaled(report, 0.0, 1 / jobs), should_stop=stop)
            self.variant_ready.emit(VariantResult(metrics, None, None, base, tokenizer))
            done += 1
        for spec in self.specs:
            start = done / jobs
            if isinstance(spec, OnnxVariant):
                self.variant_ready.emit(self._onnx_row(spec, ids, scaled(report, start, start + 1 / jobs)))
                done += 1
                continue
            with session.lock:  # only the copy needs the shared model
                report(start, f"{spec.describe()}: copying the model…")
                work = copy.deepcopy(session.model)
            model = compress(work, spec, calibration_ids=calibration, copy=False, should_stop=stop,
                             on_progress=scaled(report, start, start + 0.4 / jobs, f"{spec.describe()}: "))
            del work
            metrics = evaluate(spec.label(), spec.method, model, tokenizer, self.settings, ids=ids,
                               should_stop=stop, on_progress=scaled(report, start + 0.4 / jobs, start + 1 / jobs))
            self.variant_ready.emit(VariantResult(metrics, model, spec, base, tokenizer))
            done += 1
        report(1.0, "Done.")
        return done

    def _onnx_row(self, spec, ids: list[int], report: ProgressFn) -> VariantResult:
        """Build the fast engine's ONNX model (cached after the first time) and measure it."""
        from playground.core.optimize.compression.storage import parameter_counts
        from playground.core.optimize.onnx_variants import build_variant, evaluate_onnx

        session, precision = self.session, spec.precision
        with session.lock:
            params = parameter_counts(session.model)
        folder = build_variant(session, precision, should_stop=self.should_stop,
                               on_progress=scaled(report, 0.0, 0.5, f"{spec.describe()}: "))
        metrics = evaluate_onnx(spec.label(), spec.method, session, folder, precision, self.settings, ids=ids,
                                params=params, should_stop=self.should_stop,
                                on_progress=scaled(report, 0.5, 1.0))
        return VariantResult(metrics, None, spec, session.source.name, session.tokenizer, onnx_folder=folder)


def save(model, tokenizer, folder: str | Path, info: dict, *, on_progress) -> str:
    """Save a variant folder (atomic) -> the folder (run with `FunctionWorker`)."""
    from playground.core.optimize.compression import save_variant

    folder = Path(folder)
    on_progress(Progress(0.1, f"Saving {folder.name}…"))
    saved = save_variant(model, tokenizer, folder, info)
    on_progress(Progress(1.0, f"Saved to {saved}"))
    return str(saved)


class DistillWorker(Worker):
    """Distils a student from the current model, then measures it (and the original if asked).

    Emits metrics_reported(StepMetrics) every step, progressed(Progress), variant_ready(VariantResult)
    per row, finished(int: rows made). Stop ends training early and still measures the student.
    """

    progressed = Signal(object)
    metrics_reported = Signal(object)
    variant_ready = Signal(object)

    def __init__(self, session, cfg, settings, measure_original: bool) -> None:
        super().__init__()
        self.session, self.cfg, self.settings = session, cfg, settings
        self.measure_original = measure_original

    @Slot()
    def run(self) -> None:
        try:
            self.finished.emit(self._run())
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)

    def _on_step(self, step) -> None:
        self.metrics_reported.emit(step)
        kl, ce = step.parts["kl"], step.parts["ce"]
        self._report(0.8 * step.step / step.max_steps, f"Distilling: step {step.step}/{step.max_steps}, "
                                                       f"KL {kl:.3f}, cross-entropy {ce:.3f}")

    def _run(self) -> int:
        import threading

        from playground.core.training.distill import distill
        from playground.core.optimize.evaluation import evaluate, text_ids

        session, cfg = self.session, self.cfg
        self._report = Throttle(self.progressed.emit)
        result = distill(session.model, session.tokenizer, cfg, on_metrics=self._on_step,
                         on_status=lambda m: self._report(0.0, m), should_stop=self.should_stop,
                         teacher_lock=session.lock)
        done = 0
        measure_stop = threading.Event()  # a stopped run is still measured: that is what Stop means here
        ids = text_ids(session.tokenizer, self.settings)
        base = session.source.name
        if self.measure_original:
            with session.lock:
                metrics = evaluate("original", "original", session.model, session.tokenizer, self.settings,
                                   ids=ids, should_stop=measure_stop,
                                   on_progress=scaled(self._report, 0.8, 0.9))
            self.variant_ready.emit(VariantResult(metrics, None, None, base, session.tokenizer))
            done += 1
        s = cfg.student
        name = f"student-{s.family}-{s.n_layer}x{s.n_embd}" + (f" (stopped at {result.steps})" if result.stopped
                                                                  else "")
        result.model.compression_note = (f"distilled for {result.steps} steps at T={cfg.temperature:g}, "
                                         f"alpha={cfg.alpha:g}; held-out KL {result.first_val_kl:.3f} → "
                                         f"{result.last_val_kl:.3f}")
        metrics = evaluate(name, "distilled", result.model, result.tokenizer, self.settings, ids=ids,
                           should_stop=measure_stop, on_progress=scaled(self._report, 0.9, 1.0))
        self.variant_ready.emit(VariantResult(metrics, result.model, cfg, base, result.tokenizer))
        self._report(1.0, "Done.")
        return done + 1
