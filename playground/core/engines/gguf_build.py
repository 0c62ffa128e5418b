"""The GGUF engine's ONNX models, written once per GGUF file into the user cache (seconds, not a builder run).

One folder per file (keyed by its path, size, mtime and `GRAPH_VERSION`) holds the weights once
(`weights.bin`: the file's own blocks, re-packed) and two small graphs over them, `fast.onnx` and
`exact.onnx`, which differ only in `accuracy_level`. The folder is written under a temp name and renamed
when complete (`COMPLETE_MARKER` last), as `onnx_build` does: a cancelled or failed build is never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from pathlib import Path

from playground.core import paths
from playground.core.engines.onnx_build import COMPLETE_MARKER, onnx_available
from playground.core.errors import Cancelled, PlaygroundError
from playground.core.progress import ProgressFn, progress

MODES = ("fast", "exact")
WEIGHTS = "weights.bin"
_lock = threading.Lock()  # one build at a time


class GgufBuildError(PlaygroundError):
    pass


def gguf_engine_supported(gguf_path) -> str:
    """Why the GGUF engine cannot run the file at `gguf_path` (for the user, names the file); "" if it can.

    Reads the header and tensor table only (memory-mapped): a truncated or garbage file is refused here."""
    from playground.core.engines.gguf_blocks import GgufFormatError, read_gguf, unsupported_reason

    path = Path(gguf_path)
    if not onnx_available():
        return "the ONNX Runtime package is not installed (pip install onnxruntime)"
    if not path.is_file():
        return f"{path.name} does not exist"
    try:
        reason = unsupported_reason(read_gguf(path))
    except GgufFormatError as exc:
        return str(exc)
    return f"{path.name}: {reason}" if reason else ""


def cache_folder(gguf_path) -> Path:
    from playground.core.engines.gguf_graph import GRAPH_VERSION

    path = Path(gguf_path).resolve()
    stat = path.stat()
    stamp = f"{path}:{stat.st_size}:{int(stat.st_mtime)}:graph{GRAPH_VERSION}"
    return paths.onnx_cache_dir() / f"{path.stem}-{hashlib.sha1(stamp.encode()).hexdigest()[:10]}-gguf"


def is_built(folder: Path) -> bool:
    return (folder / COMPLETE_MARKER).exists() and all((folder / f"{m}.onnx").exists() for m in MODES)


def built_model(gguf_path, mode: str) -> Path | None:
    """The ONNX file for `mode`, if it is already built."""
    folder = cache_folder(gguf_path)
    return folder / f"{mode}.onnx" if is_built(folder) else None


def build_gguf_models(gguf_path, *, on_progress: ProgressFn | None = None,
                      should_stop: threading.Event | None = None) -> Path:
    """Write (or reuse) both graphs of the GGUF at `gguf_path`; return their folder. Raises GgufBuildError
    (readable, names the file) or Cancelled; nothing is left in the cache either way."""
    import onnx

    from playground.core.engines.gguf_blocks import GgufFormatError, read_gguf, unsupported_reason
    from playground.core.engines.gguf_graph import build_graph, set_accuracy

    path = Path(gguf_path)
    target = cache_folder(path)
    if is_built(target):
        return target

    def report(fraction: float, message: str) -> None:
        if should_stop is not None and should_stop.is_set():
            raise Cancelled("Preparing the GGUF engine was cancelled.")
        if on_progress is not None:
            on_progress(progress(fraction, message))

    with _lock:
        if is_built(target):
            return target
        tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        started = time.perf_counter()
        try:
            report(0.0, f"Reading {path.name}…")
            model = read_gguf(path)
            reason = unsupported_reason(model)
            if reason:
                raise GgufBuildError(f"The GGUF engine cannot run {path.name}: {reason}.")
            n = model.config["n_layer"]
            proto = build_graph(model, "exact", on_layer=lambda i: report(0.1 + 0.6 * i / n, f"Packing layer {i + 1}/{n}"))
            report(0.75, "Writing the ONNX model…")
            tmp.mkdir(parents=True)
            onnx.save_model(proto, tmp / "exact.onnx", save_as_external_data=True, all_tensors_to_one_file=True,
                            location=WEIGHTS)  # small tensors (shapes) stay inline: shape inference reads them
            set_accuracy(proto, "fast")  # the tensors now point at weights.bin: only the graph is written
            onnx.save_model(proto, tmp / "fast.onnx")
            (tmp / COMPLETE_MARKER).write_text(json.dumps({
                "source": str(path.resolve()), "blocks": model.tensors["blk.0.attn_q.weight"][0],
                "seconds": round(time.perf_counter() - started, 1)}), encoding="utf-8")
            shutil.rmtree(target, ignore_errors=True)
            tmp.rename(target)
        except Cancelled:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        except GgufFormatError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise GgufBuildError(str(exc)) from exc
        except GgufBuildError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise GgufBuildError(f"Preparing the GGUF engine for {path.name} failed ({type(exc).__name__}: {exc})") from exc
    report(1.0, "The GGUF engine is ready.")
    return target
