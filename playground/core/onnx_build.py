"""Build ONNX models for the fast chat engine with `onnxruntime_genai.models.builder`.

A model is built once per (model folder, precision) from the Hugging Face folder already on disk (the
built-in GGUF is converted to one on its first load), into the user cache dir, and reused instantly
afterwards. The build runs in a temp folder that is renamed into place only when complete, so a
cancelled or failed build never leaves a half-built model that could be used.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from playground.core import paths
from playground.core.types import Cancelled, LoadProgress, ModelSource, PlaygroundError

PRECISIONS = ("int4", "int8", "fp32")
# The builder's quantizer per precision. Its default int4 broke the built-in model's end of turn:
# "What is the capital of France?" ran on for hundreds of tokens ("…Paris, capital of the French
# language, culture, and culture. …"). The RTN algorithm ends where PyTorch float32 does (stops on 3 of
# 4 chat prompts vs 1 of 4) at the same decode speed (~90 tok/s here) and the same ~5 s build;
# k_quant is closer still but takes ~45 s with no progress or cancel point inside.
BUILD_OPTIONS: dict[str, list[str]] = {"int4": ["algo_config=rtn"], "int8": [], "fp32": []}
# The model builder's Llama exporter; SmolLM2 and TinyLlama-style models are LlamaForCausalLM.
SUPPORTED_ARCHITECTURES = ("LlamaForCausalLM",)
COMPLETE_MARKER = "playground-build.json"  # written last, inside the temp folder, before the rename

ProgressFn = Callable[[LoadProgress], None]
_build_lock = threading.Lock()  # one build at a time: the builder redirects process-wide output


class OnnxBuildError(PlaygroundError):
    pass


def onnx_available() -> bool:
    """True if onnxruntime and onnxruntime-genai are installed (checked without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnxruntime_genai"))


def source_folder(source: ModelSource) -> Path | None:
    """The Hugging Face folder a source is loaded from (the converted copy for the built-in GGUF)."""
    if source.kind == "builtin":
        from playground.core.loading import builtin_cache_folder

        gguf = Path(source.path)
        return builtin_cache_folder(gguf) if gguf.exists() else None
    return Path(source.path)


def unsupported_reason(folder: Path | None) -> str:
    """Why the fast engine cannot run the model in `folder`, in words for the user; "" if it can."""
    if not onnx_available():
        return "the ONNX Runtime packages are not installed (pip install onnxruntime onnxruntime-genai)"
    if folder is None or not (folder / "config.json").exists():
        return "the model has no Hugging Face folder on disk to build from"
    if (folder / "quantization.json").exists():
        return "this is a variant already quantized by the Optimize tab"
    if not any(folder.glob("*.safetensors")):
        return "the model folder has no safetensors weights"
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "its config.json cannot be read"
    arch = (config.get("architectures") or ["?"])[0]
    if arch not in SUPPORTED_ARCHITECTURES:
        return f"it supports the Llama family only, and this model is {config.get('model_type', arch)}"
    return ""


def model_dir(folder: Path, precision: str) -> Path:
    """Where the ONNX model for `folder` at `precision` lives: keyed by the folder and its weights."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    folder = Path(folder).resolve()
    stamp = [str(folder), (folder / "config.json").read_text(encoding="utf-8"), " ".join(BUILD_OPTIONS[precision])]
    for weights in sorted(folder.glob("*.safetensors")):
        stat = weights.stat()
        stamp.append(f"{weights.name}:{stat.st_size}:{int(stat.st_mtime)}")
    digest = hashlib.sha1("\n".join(stamp).encode()).hexdigest()[:10]
    return paths.onnx_cache_dir() / f"{folder.name}-{digest}-{precision}"


def is_built(target: Path) -> bool:
    return (target / COMPLETE_MARKER).exists() and (target / "genai_config.json").exists()


def folder_size(target: Path) -> int:
    return sum(f.stat().st_size for f in target.iterdir() if f.is_file()) if target.is_dir() else 0


# ---------------------------------------------------------------- progress out of the builder's prints
_LAYER = re.compile(r"Reading layer (\d+)")


class _BuildMonitor:
    """Reads the builder's prints and the quantizer's log as progress while building, and raises
    Cancelled in the building thread once `should_stop` is set.
    """

    def __init__(self, n_layers: int, quantized: bool, on_progress: ProgressFn | None,
                 should_stop: threading.Event | None) -> None:
        self.n_layers, self.quantized = max(n_layers, 1), quantized
        self.on_progress, self.should_stop = on_progress, should_stop
        self.thread = threading.get_ident()
        self.quantized_matmuls = 0
        self.fraction, self._last_report = 0.0, 0.0

    def _mine(self) -> bool:
        return threading.get_ident() == self.thread

    def check(self) -> None:
        if self._mine() and self.should_stop is not None and self.should_stop.is_set():
            raise Cancelled("Building the fast engine was cancelled.")

    def report(self, fraction: float, message: str, force: bool = False) -> None:
        now = time.monotonic()
        self.fraction = max(self.fraction, fraction)
        if self.on_progress is not None and (force or now - self._last_report > 0.1):  # ≤ 10 Hz
            self._last_report = now
            self.on_progress(LoadProgress(min(self.fraction, 1.0), message))

    def consume(self, text: str) -> None:
        self.check()
        match = _LAYER.search(text)
        end = 0.6 if self.quantized else 0.85
        if match:
            layer = int(match.group(1)) + 1
            self.report(0.1 + (end - 0.1) * layer / self.n_layers, f"Reading layer {layer}/{self.n_layers}")
        elif "Saving ONNX model" in text:
            self.report(0.9, "Saving the ONNX model…", force=True)

    def filter(self, record: logging.LogRecord) -> bool:
        """A logging filter on the quantizer: progress per MatMul; raising here reaches the builder."""
        if not self._mine():
            return True
        self.check()
        if "start to quantize" in record.getMessage() and "MatMul" in record.getMessage():
            self.quantized_matmuls += 1
            total = 5 * self.n_layers + 1  # qkv, o, gate, up, down per layer + the LM head
            self.report(0.6 + 0.3 * min(self.quantized_matmuls / total, 1.0),
                        f"Quantizing weights: {self.quantized_matmuls}/{total}")
        return False  # keep the quantizer's INFO log out of the user's terminal


class _StreamProxy(io.TextIOBase):
    """Stands in for stdout/stderr while building: the building thread's output goes to the monitor
    (not the terminal); other threads' output passes through to the real stream."""

    def __init__(self, monitor: _BuildMonitor, real) -> None:
        super().__init__()
        self.monitor, self.real = monitor, real

    def write(self, text: str) -> int:
        if not self.monitor._mine():
            return self.real.write(text)
        self.monitor.consume(text)
        return len(text)

    def flush(self) -> None:
        if not self.monitor._mine():
            self.real.flush()


@contextlib.contextmanager
def _monitored(monitor: _BuildMonitor):
    quantizer_log = logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer")
    quantizer_log.addFilter(monitor.filter)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _StreamProxy(monitor, stdout), _StreamProxy(monitor, stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        quantizer_log.removeFilter(monitor.filter)


def _import_builder():
    """Import the model builder, undoing the root-logger set-up its quantizer does on import."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from onnxruntime_genai.models import builder
        import onnxruntime.quantization.matmul_nbits_quantizer  # noqa: F401 - the basicConfig side effect
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return builder


def _run_builder(folder: Path, out: Path, precision: str) -> None:
    builder = _import_builder()
    work = out / "_builder_cache"
    options = builder.parse_extra_options(None, str(folder), str(out), precision, "cpu", str(work),
                                          list(BUILD_OPTIONS[precision]))
    builder.create_model(None, str(folder), str(out), precision, "cpu", str(work), **options)
    shutil.rmtree(work, ignore_errors=True)


def build_onnx_model(folder: Path, precision: str = "int4", *, on_progress: ProgressFn | None = None,
                     should_stop: threading.Event | None = None) -> Path:
    """Build (or reuse) the ONNX model of the Hugging Face model in `folder`; return its folder.

    Takes ~10–45 s on a laptop CPU. Raises OnnxBuildError (readable) or Cancelled; in both cases
    nothing is left in the cache.
    """
    folder = Path(folder)
    reason = unsupported_reason(folder)
    if reason:
        raise OnnxBuildError(f"The fast engine cannot run this model: {reason}.")
    target = model_dir(folder, precision)
    if is_built(target):
        return target
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    with _build_lock:
        if is_built(target):  # another thread built it while we waited
            return target
        _remove_stale_builds(target)
        tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        monitor = _BuildMonitor(int(config.get("num_hidden_layers", 1)), precision != "fp32",
                                on_progress, should_stop)
        monitor.report(0.0, f"Building the fast engine ({precision}, first time only)…", force=True)
        started = time.perf_counter()
        try:
            with _monitored(monitor):
                _run_builder(folder, tmp, precision)
            monitor.check()
            (tmp / COMPLETE_MARKER).write_text(json.dumps({
                "source": str(folder), "precision": precision,
                "seconds": round(time.perf_counter() - started, 1)}), encoding="utf-8")
            shutil.rmtree(target, ignore_errors=True)  # an incomplete leftover (no marker)
            tmp.rename(target)
        except Cancelled:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise OnnxBuildError(f"Building the fast engine failed ({type(exc).__name__}: {exc}). "
                                 "Chat keeps using Exact (PyTorch).") from exc
    monitor.report(1.0, "The fast engine is ready.", force=True)
    return target


def _remove_stale_builds(target: Path, max_age_s: float = 3600.0) -> None:
    """Temp folders of builds killed mid-way (a crash, a killed process): never used, removed later."""
    for leftover in target.parent.glob(f"{target.name}.tmp-*"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > max_age_s:
                shutil.rmtree(leftover, ignore_errors=True)
