"""The GGUF engine's ONNX models, written once per GGUF file into the user cache (seconds, not a builder run).

One folder per file (keyed by its path, size, mtime and `GRAPH_VERSION`) holds the weights once
(`weights.bin`: the file's own blocks, re-packed) and two small graphs over them, `fast.onnx` and
`exact.onnx`, which differ only in `accuracy_level`. The folder is written under a temp name and renamed
when complete (`COMPLETE_MARKER` last), as `onnx_build` does: a cancelled or failed build is never used.
It is written by a child process (`python -m playground.core.engines.gguf_build GGUF OUT`), so the app's
GIL is never held by it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from playground.core import paths
from playground.core.engines.onnx_build import COMPLETE_MARKER, onnx_available
from playground.core.errors import Cancelled, PlaygroundError
from playground.core.processes import module_command
from playground.core.progress import ProgressFn, progress

MODES = ("fast", "exact")
WEIGHTS = "weights.bin"
NATIVE_TABLE = "native.json"  # the tensors' offsets in the GGUF, for the native decode step (native)
_lock = threading.Lock()  # one build at a time


class GgufBuildError(PlaygroundError):
    pass


def gguf_engine_supported(gguf_path) -> str:
    """Why the GGUF engine cannot run the file at `gguf_path` (for the user, names the file); "" if it can.

    Reads the header and tensor table only (memory-mapped): a truncated or garbage file is refused here.
    Takes ~0.5–3 s and holds the GIL up to ~0.6 s (the gguf package parses the tokenizer's arrays): call
    it from a worker, not the GUI thread."""
    from playground.core.engines.gguf_blocks import GgufFormatError, read_gguf, unsupported_reason

    path = Path(gguf_path)
    if not onnx_available():
        return "the ONNX Runtime package is not installed (pip install onnxruntime)"
    if not path.is_file():
        return f"{path.name} does not exist"
    try:
        reason = unsupported_reason(read_gguf(path))
    except GgufFormatError as exc:
        reason = str(exc)
    else:
        reason = f"{path.name}: {reason}" if reason else ""
    _checked[_stamp(path)] = reason
    return reason


_checked: dict[str, str] = {}  # what gguf_engine_supported found, by file stamp (for known_unsupported_reason)


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{path.resolve()}:{stat.st_size}:{int(stat.st_mtime)}"


def known_unsupported_reason(gguf_path) -> str:
    """Cheap (no read): the reason `gguf_engine_supported` already gave for this file, else ""."""
    try:
        return _checked.get(_stamp(Path(gguf_path)), "")
    except OSError:
        return ""


def cache_folder(gguf_path) -> Path:
    from playground.core.engines.gguf_blocks import GRAPH_VERSION  # numpy only: no onnx import here

    path = Path(gguf_path).resolve()
    stamp = f"{_stamp(path)}:graph{GRAPH_VERSION}"
    return paths.onnx_cache_dir() / f"{path.stem}-{hashlib.sha1(stamp.encode()).hexdigest()[:10]}-gguf"


def is_built(folder: Path) -> bool:
    return (folder / COMPLETE_MARKER).exists() and all((folder / f"{m}.onnx").exists() for m in MODES)


def prebuilt_folder(gguf_path) -> Path:
    """Where the packaged app ships this GGUF's graphs ready-made (read-only): keyed by the file's name and
    size, not its path or time, which differ in every install."""
    from playground.core.engines.gguf_blocks import GRAPH_VERSION

    path = Path(gguf_path)
    return paths.prebuilt_dir() / "onnx" / f"{path.stem}-{path.stat().st_size}-graph{GRAPH_VERSION}-gguf"


def _built_folder(gguf_path) -> Path | None:
    for folder in (cache_folder(gguf_path), prebuilt_folder(gguf_path)):
        if is_built(folder):
            return folder
    return None


def built_model(gguf_path, mode: str) -> Path | None:
    """The ONNX file for `mode`, if it is already built (in the cache, or shipped with the app)."""
    folder = _built_folder(gguf_path)
    return folder / f"{mode}.onnx" if folder is not None else None


def build_gguf_models(gguf_path, *, on_progress: ProgressFn | None = None,
                      should_stop: threading.Event | None = None) -> Path:
    """Write (or reuse) both graphs of the GGUF at `gguf_path`; return their folder. Raises GgufBuildError
    (readable, names the file) or Cancelled; nothing is left in the cache either way.

    The writing runs in a child process: reading the GGUF and serializing hold the GIL for up to ~0.6 s
    at a time, which would freeze the window; Cancel ends the child at once."""
    path = Path(gguf_path)
    built = _built_folder(path)
    if built is not None:
        return built
    target = cache_folder(path)
    with _lock:
        if is_built(target):
            return target
        tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            _run_child(path, tmp, on_progress, should_stop)
            shutil.rmtree(target, ignore_errors=True)
            tmp.rename(target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if on_progress is not None:
        on_progress(progress(1.0, "The GGUF engine is ready."))
    return target


def _run_child(path: Path, tmp: Path, on_progress, should_stop) -> None:
    root = str(Path(__file__).resolve().parents[3])  # the folder holding the playground package
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
    # (the packaged app runs it through itself: module_command)
    process = subprocess.Popen([*module_command("playground.core.engines.gguf_build"), str(path), str(tmp)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                               text=True, encoding="utf-8", errors="replace")
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:
            if line.startswith("PROGRESS ") and on_progress is not None:
                fraction, _, message = line[9:].rstrip("\n").partition(" ")
                on_progress(progress(float(fraction), message))
            else:
                lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, name="gguf-build-output", daemon=True)
    reader.start()
    try:
        while process.poll() is None:
            if should_stop is not None and should_stop.wait(0.05):
                raise Cancelled("Preparing the GGUF engine was cancelled.")
            elif should_stop is None:
                time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        process.stdout.close()
    if process.returncode != 0 or not (tmp / COMPLETE_MARKER).exists():
        error = next((line[6:] for line in lines if line.startswith("ERROR ")), None)
        raise GgufBuildError(error or f"Preparing the GGUF engine for {path.name} failed (exit "
                             f"{process.returncode}: {' '.join(lines[-3:])[-300:]})")


def write_models(path: Path, out: Path, report: Callable[[float, str], None]) -> None:
    """Read the GGUF at `path` and write both graphs and their weights into the new folder `out` (what the
    child process does)."""
    import onnx

    from playground.core.engines.gguf_blocks import read_gguf, unsupported_reason
    from playground.core.engines.gguf_graph import build_graph

    started = time.perf_counter()
    report(0.0, f"Reading {path.name}…")
    model = read_gguf(path)
    reason = unsupported_reason(model)
    if reason:
        raise GgufBuildError(f"The GGUF engine cannot run {path.name}: {reason}.")
    n = model.config["n_layer"]
    exact = build_graph(model, "exact", on_layer=lambda i: report(0.1 + 0.4 * i / n, f"Packing layer {i + 1}/{n}"))
    fast = build_graph(model, "fast", on_layer=lambda i: report(0.5 + 0.25 * i / n, f"Packing layer {i + 1}/{n}"))
    report(0.75, "Writing the ONNX model…")
    out.mkdir(parents=True)
    onnx.save_model(exact, out / "exact.onnx", save_as_external_data=True, all_tensors_to_one_file=True,
                    location=WEIGHTS)  # small tensors (shapes) stay inline: shape inference reads them
    _share_weights(fast, exact)  # fast's initializers are exact's: they now point into the same weights.bin
    onnx.save_model(fast, out / "fast.onnx")
    (out / NATIVE_TABLE).write_text(json.dumps(model.tensor_table()), encoding="utf-8")
    (out / COMPLETE_MARKER).write_text(json.dumps({
        "source": str(path.resolve()), "blocks": model.tensors["blk.0.attn_q.weight"][0],
        "seconds": round(time.perf_counter() - started, 1)}), encoding="utf-8")


def _share_weights(proto, stored) -> None:
    """Replace every initializer of `proto` by the one of the same name in `stored` (saved already, so it
    points into weights.bin or is a small inline tensor); both graphs were built from the same blocks."""
    by_name = {t.name: t for t in stored.graph.initializer}
    shared = []
    for tensor in proto.graph.initializer:
        twin = by_name.get(tensor.name)
        if twin is None or list(twin.dims) != list(tensor.dims) or twin.data_type != tensor.data_type:
            raise GgufBuildError(f"the fast graph's initializer {tensor.name} is not the exact graph's")
        shared.append(twin)
    del proto.graph.initializer[:]
    proto.graph.initializer.extend(shared)


def _main(argv: list[str]) -> int:
    from playground.core.engines.gguf_blocks import GgufFormatError

    path, out = Path(argv[0]), Path(argv[1])
    try:
        write_models(path, out, lambda f, m: print(f"PROGRESS {f:.3f} {m}", flush=True))
    except (GgufBuildError, GgufFormatError) as exc:
        print(f"ERROR {exc}", flush=True)
        return 1
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which shows it
        print(f"ERROR Preparing the GGUF engine for {path.name} failed ({type(exc).__name__}: {exc})", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
