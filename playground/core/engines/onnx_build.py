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
import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

from playground.core import paths
from playground.core.errors import Cancelled, PlaygroundError
from playground.core.processes import module_command
from playground.core.progress import ProgressFn, progress

PRECISIONS = ("int4", "int8", "fp32")
# The builder's quantizer per precision, chosen on the built-in model (12 chat prompts, greedy, 96
# tokens; perplexity on 512 held-out tokens; PyTorch float32: ends its turn on 9/12, perplexity 15.8):
#   builder default int4  4/12, 22.4   rtn  5/12, 27.7   k_quant  7/12, 24.3 ("…is Paris." like float32)
# The default rambled past the end of "What is the capital of France?" to the token limit. All three
# decode at ~90 tok/s here; k_quant builds in ~40 s instead of ~5 s (in the background, cancellable).
BUILD_OPTIONS: dict[str, list[str]] = {"int4": ["algo_config=k_quant"], "int8": [], "fp32": []}
# The model builder's Llama exporter; SmolLM2 and TinyLlama-style models are LlamaForCausalLM.
SUPPORTED_ARCHITECTURES = ("LlamaForCausalLM",)
COMPLETE_MARKER = "playground-build.json"  # written last, inside the temp folder, before the rename

_build_lock = threading.Lock()  # one build at a time: each takes both cores and ~1 GB


class OnnxBuildError(PlaygroundError):
    pass


def onnx_available() -> bool:
    """True if onnxruntime and onnxruntime-genai are installed (checked without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnxruntime_genai"))


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


# ---------------------------------------------------------------- the builder in a child process
_LAYER = re.compile(r"Reading layer (\d+)")
_PERCENT = re.compile(r"Progress: \[[# ]*\]\s*([\d.]+)%")


class _BuildMonitor:
    """Turns the builder's output into progress: reading layers (to 60 %, 85 % unquantized), then the
    quantizer's own percentage (to 95 %)."""

    def __init__(self, n_layers: int, quantized: bool, on_progress: ProgressFn | None) -> None:
        self.n_layers, self.quantized, self.on_progress = max(n_layers, 1), quantized, on_progress
        self.fraction, self._last_report, self._tail = 0.0, 0.0, ""

    def report(self, fraction: float, message: str, force: bool = False) -> None:
        now = time.monotonic()
        self.fraction = max(self.fraction, fraction)
        if self.on_progress is not None and (force or now - self._last_report > 0.1):  # ≤ 10 Hz
            self._last_report = now
            self.on_progress(progress(self.fraction, message))

    def consume(self, text: str) -> None:
        text, self._tail = self._tail + text, text[-200:]  # a match may straddle two reads
        layers = _LAYER.findall(text)
        percents = _PERCENT.findall(text)
        end = 0.6 if self.quantized else 0.85
        if percents and self.quantized:
            share = min(float(percents[-1]), 100.0) / 100
            self.report(0.6 + 0.35 * share, f"Quantizing the weights: {share:.0%}")
        elif layers:
            layer = int(layers[-1]) + 1
            self.report(0.1 + (end - 0.1) * layer / self.n_layers, f"Reading layer {layer}/{self.n_layers}")
        elif "Saving ONNX model" in text:
            self.report(end, "Saving the ONNX model…", force=True)


def _builder_command(folder: Path, out: Path, precision: str) -> list[str]:
    command = [*module_command("playground.core.engines.model_builder"), "-i", str(folder), "-o", str(out),
               "-p", precision, "-e", "cpu", "-c", str(out / "_builder_cache")]
    return command + (["--extra_options", *BUILD_OPTIONS[precision]] if BUILD_OPTIONS[precision] else [])


def _run_builder(folder: Path, out: Path, precision: str, monitor: _BuildMonitor,
                 should_stop: threading.Event | None) -> None:
    """Run the model builder in a child process: its output is our progress (the app's own output is
    untouched), and Cancel ends it at once (terminate), not at the builder's next checkpoint."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    process = subprocess.Popen(_builder_command(folder, out, precision), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    tail: list[str] = []

    def read() -> None:
        while chunk := process.stdout.read1(4096):
            text = chunk.decode("utf-8", "replace")
            tail[:] = (tail + [text])[-8:]
            monitor.consume(text)

    reader = threading.Thread(target=read, name="onnx-build-output", daemon=True)
    reader.start()
    try:
        while process.poll() is None:
            if should_stop is not None and should_stop.wait(0.1):
                raise Cancelled("Building the fast engine was cancelled.")
            elif should_stop is None:
                time.sleep(0.1)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        reader.join(timeout=10)
        process.stdout.close()
    if process.returncode != 0:
        last = " ".join("".join(tail).replace("\r", "\n").split("\n")[-3:]).strip()[-300:]
        raise RuntimeError(f"the model builder exited with {process.returncode}: {last}")
    shutil.rmtree(out / "_builder_cache", ignore_errors=True)


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
        monitor = _BuildMonitor(int(config.get("num_hidden_layers", 1)), precision != "fp32", on_progress)
        monitor.report(0.0, f"Building the fast engine ({precision}, first time only)…", force=True)
        started = time.perf_counter()
        try:
            _run_builder(folder, tmp, precision, monitor, should_stop)
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
