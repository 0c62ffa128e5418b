"""Runs on disk. Each run is a folder in `paths.runs_dir()`:

    <run>/config.json        the full TrainConfig (what `playground train CONFIG.json` reads)
    <run>/metrics.jsonl      one JSON object per reported step (StepMetrics fields)
    <run>/status.json        running | finished | stopped | failed, with a message
    <run>/checkpoints/step-NNNNNN/
        model.safetensors     trainable weights
        optimizer.safetensors optimizer tensors; optimizer.json the rest (param groups, scalars)
        rng.safetensors       CPU/CUDA RNG and the data sampler's generator
        state.json            step, tokens seen, elapsed time
    <run>/model/             a loadable Hugging Face folder (config + safetensors + tokenizer),
                             refreshed at every checkpoint; the app lists it as "run: <name>"

Every file is written atomically (core/files.py; checkpoint folders likewise). No pickle anywhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playground.core import paths
from playground.core.files import write_bytes_atomic, write_text_atomic
from playground.core.errors import PlaygroundError
from playground.core.imports import without_heavy_imports

CHECKPOINT_RE = re.compile(r"^step-(\d{6,})$")


# ---------------------------------------------------------------- atomic files
def atomic_write_json(path: Path, obj: Any) -> None:
    write_text_atomic(path, json.dumps(obj, indent=2) + "\n")


def atomic_save_tensors(path: Path, tensors: dict, metadata: dict[str, str] | None = None) -> None:
    from safetensors.torch import save

    write_bytes_atomic(path, save({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, metadata))


def load_tensors(path: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(path))


# ---------------------------------------------------------------- run folders
def make_run_name(prefix: str = "run") -> str:
    return f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}"


def new_run_dir(name: str = "") -> Path:
    """A fresh folder for a run; a taken name gets -2, -3, …"""
    root = paths.runs_dir()
    base = (name or make_run_name()).strip().replace(" ", "-")
    candidate, n = root / base, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{base}-{n}"
    candidate.mkdir(parents=True)
    return candidate


def write_status(run_dir: Path, status: str, message: str = "", **extra: Any) -> None:
    atomic_write_json(run_dir / "status.json", {"status": status, "message": message, "time": time.time(), **extra})


def read_status(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "status.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {"status": "unknown", "message": ""}


class MetricsLog:
    """Appends one JSON line per report; on resume, drops lines past the checkpoint first."""

    def __init__(self, run_dir: Path, keep_up_to_step: int | None = None) -> None:
        self.path = run_dir / "metrics.jsonl"
        if keep_up_to_step is not None and self.path.exists():
            kept = [r for r in read_metrics(run_dir) if r.get("step", 0) <= keep_up_to_step]
            write_text_atomic(self.path, "".join(json.dumps(r) + "\n" for r in kept))
        self._file = open(self.path, "a", encoding="utf-8")

    def append(self, record: dict) -> None:
        self._file.write(json.dumps(record) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_metrics(run_dir: Path) -> list[dict]:
    path = Path(run_dir) / "metrics.jsonl"
    if not path.exists():
        return []
    return _parse_lines(path.read_text(encoding="utf-8"))


def _parse_lines(text: str) -> list[dict]:
    rows = []
    for line in text.splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a crash
    return rows


class MetricsCache:
    """metrics.jsonl rows by run, reading only the lines appended since the last call (a run in
    training grows; a finished one is not read twice). A file rewritten in place (a resume drops
    the lines past its checkpoint) is read afresh. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[Path, tuple[int, int, list[dict]]] = {}  # path → (inode, bytes read, rows)

    def rows(self, run_dir: Path) -> list[dict]:
        path = Path(run_dir) / "metrics.jsonl"
        with self._lock:
            try:
                stat = path.stat()
            except OSError:
                self._seen.pop(path, None)
                return []
            inode, offset, rows = self._seen.get(path, (stat.st_ino, 0, []))
            if inode != stat.st_ino or stat.st_size < offset:  # replaced or cut: start again
                offset, rows = 0, []
            if stat.st_size > offset:
                with open(path, "rb") as handle:
                    handle.seek(offset)
                    new = handle.read(stat.st_size - offset)
                complete = new[:new.rfind(b"\n") + 1]  # a line still being written waits for next time
                rows = rows + _parse_lines(complete.decode("utf-8", errors="replace"))
                offset += len(complete)
            self._seen[path] = (stat.st_ino, offset, rows)
            return list(rows)


@dataclass(frozen=True)
class RunMetrics:
    """One run's metrics.jsonl rows, as read (the UI reads them on a worker thread: a long run's file
    is many megabytes)."""

    run_dir: Path
    rows: list[dict]


def read_runs(run_dirs: list[Path], cache: MetricsCache | None = None,
              should_stop: threading.Event | None = None) -> list[RunMetrics]:
    """Several runs' metrics, in the order given (through `cache`: only lines appended since its last
    read are parsed). Stops between runs when `should_stop` is set."""
    read = cache.rows if cache is not None else read_metrics
    out = []
    for run_dir in run_dirs:
        if should_stop is not None and should_stop.is_set():
            break
        out.append(RunMetrics(Path(run_dir), read(run_dir)))
    return out


@dataclass(frozen=True)
class RunInfo:
    """A past run, for the runs list."""

    name: str
    path: Path
    status: str
    message: str
    steps: int
    last_loss: float | None
    has_model: bool
    modified: float


@without_heavy_imports
def list_runs() -> list[RunInfo]:
    """Runs newest first (folders with a config.json). Reads every run's status and newest checkpoint:
    the UI calls it on a worker thread."""
    runs = []
    for run in paths.runs_dir().iterdir():
        if not (run / "config.json").exists():
            continue
        status = read_status(run)
        latest = latest_checkpoint(run)
        state = read_checkpoint_state(latest) if latest else {}
        runs.append(RunInfo(run.name, run, status.get("status", "unknown"), status.get("message", ""),
                            int(status.get("step", state.get("step", 0))), status.get("loss"),
                            (run / "model" / "config.json").exists(), run.stat().st_mtime))
    return sorted(runs, key=lambda r: r.modified, reverse=True)


def delete_run(run_dir: Path) -> None:
    run_dir = Path(run_dir).resolve()
    if run_dir.parent != paths.runs_dir().resolve():
        raise PlaygroundError(f"{run_dir} is not a run folder.")
    shutil.rmtree(run_dir)


# ---------------------------------------------------------------- checkpoints
def checkpoints(run_dir: Path) -> list[Path]:
    folder = Path(run_dir) / "checkpoints"
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if CHECKPOINT_RE.match(p.name) and (p / "state.json").exists()]
    return sorted(found, key=lambda p: int(CHECKPOINT_RE.match(p.name).group(1)))


def latest_checkpoint(run_dir: Path) -> Path | None:
    found = checkpoints(run_dir)
    return found[-1] if found else None


def read_checkpoint_state(checkpoint: Path) -> dict:
    return json.loads((checkpoint / "state.json").read_text(encoding="utf-8"))


def resolve_checkpoint(path: str | Path) -> Path:
    """A checkpoint folder, or a run folder (its newest checkpoint)."""
    path = Path(path)
    if (path / "state.json").exists():
        return path
    latest = latest_checkpoint(path)
    if latest is None:
        raise PlaygroundError(f"{path} has no checkpoint to resume from.")
    return latest


def optimizer_to_files(optimizer) -> tuple[dict, dict]:
    """Split an optimizer state dict into tensors (safetensors) and the rest (JSON)."""
    import torch

    sd = optimizer.state_dict()
    tensors, scalars = {}, {}
    for index, state in sd["state"].items():
        for key, value in state.items():
            if isinstance(value, torch.Tensor):
                tensors[f"{index}.{key}"] = value
            else:
                scalars[f"{index}.{key}"] = value
    return tensors, {"param_groups": sd["param_groups"], "scalars": scalars}


def optimizer_from_files(optimizer, tensors: dict, meta: dict) -> None:
    state: dict[int, dict] = {}
    for key, value in list(tensors.items()) + list(meta["scalars"].items()):
        index, _, name = key.partition(".")
        state.setdefault(int(index), {})[name] = value
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def save_checkpoint(run_dir: Path, step: int, *, weights: dict, optimizer, rng: dict, state: dict,
                    keep: int = 2) -> Path:
    """Write checkpoints/step-NNNNNN atomically (a temp folder renamed), then prune old ones."""
    folder = Path(run_dir) / "checkpoints"
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"step-{step:06d}"
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=folder))
    try:
        atomic_save_tensors(tmp / "model.safetensors", weights)
        opt_tensors, opt_meta = optimizer_to_files(optimizer)
        atomic_save_tensors(tmp / "optimizer.safetensors", opt_tensors)
        atomic_write_json(tmp / "optimizer.json", opt_meta)
        atomic_save_tensors(tmp / "rng.safetensors", rng)
        atomic_write_json(tmp / "state.json", {"step": step, **state})
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in checkpoints(run_dir)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def save_model_folder(run_dir: Path, model, tokenizer) -> Path:
    """Refresh `<run>/model` as a loadable HF folder. Each file is replaced atomically; config.json
    goes last, since the model list finds runs by it."""
    target = Path(run_dir) / "model"
    target.mkdir(parents=True, exist_ok=True)
    from transformers.utils import logging as hf_logging

    tmp = Path(tempfile.mkdtemp(prefix=".model.", dir=run_dir))
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Writing model shards" bar on stderr at every checkpoint
    try:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        files = sorted(tmp.iterdir(), key=lambda p: p.name == "config.json")
        for file in files:
            os.replace(file, target / file.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if bars_were_on:
            hf_logging.enable_progress_bar()
    return target
