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

import contextlib
import json
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playground.core import paths
from playground.core.files import write_bytes_atomic, write_text_atomic
from playground.core.errors import PlaygroundError
from playground.core.processes import pid_alive
from playground.core.imports import without_heavy_imports

CHECKPOINT_RE = re.compile(r"^step-(\d{6,})$")


# ---------------------------------------------------------------- atomic files
def atomic_write_json(path: Path, obj: Any) -> None:
    write_text_atomic(path, json.dumps(obj, indent=2) + "\n")


def atomic_save_tensors(path: Path, tensors: dict, metadata: dict[str, str] | None = None) -> None:
    from safetensors.torch import save

    write_bytes_atomic(path, save({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, metadata))


@contextlib.contextmanager
def _saving(what: str, folder: Path):
    """A failed write (a full disk, a read-only or vanished folder, a file-size limit) → one message."""
    from safetensors import SafetensorError

    try:
        yield
    except (OSError, SafetensorError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).rsplit(": ", 2)[-1]
        raise PlaygroundError(f"Could not save {what} in {folder}: {reason}. Free some disk space or check the "
                              "folder's permissions; the previous checkpoint is kept.") from exc


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
    """A running run records which process trains it, so a run whose process was killed (kill -9, a
    power cut) reads as "interrupted" later instead of "running" forever."""
    if status == "running":
        extra = {"pid": os.getpid(), "host": socket.gethostname(), **extra}
    atomic_write_json(run_dir / "status.json", {"status": status, "message": message, "time": time.time(), **extra})


def _process_alive(status: dict) -> bool:
    """Whether the process that wrote a "running" status still runs. Another machine's (a shared runs
    folder): assumed alive. A status with no process recorded (an older version's): taken as ended."""
    host, pid = status.get("host"), status.get("pid")
    if host != socket.gethostname():
        return host is not None
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    return pid_alive(pid)


INTERRUPTED = ("The training process ended without finishing (killed, crashed or the machine stopped). "
               "Resume continues from its last checkpoint.")


def read_status(run_dir: Path) -> dict:
    """The run's status.json; a missing one is "unknown", an unreadable or malformed one "damaged"
    (a power cut, a disk error, a hand edit), with the reason in "message"."""
    path = run_dir / "status.json"
    if not path.exists():
        return {"status": "unknown", "message": ""}
    try:
        status = _read_json_object(path)
        if not isinstance(status.get("status", ""), str):
            raise ValueError('"status" is not a word')
        if status.get("status") == "running" and not _process_alive(status):
            return {**status, "status": "interrupted", "message": INTERRUPTED}
        return status
    except (OSError, ValueError, RecursionError) as exc:
        return {"status": "damaged", "message": f"status.json is damaged ({_reason(exc)})."}


def _read_json_object(path: Path) -> dict:
    """A JSON file that must hold an object; ValueError says what is wrong with it."""
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise ValueError("it is empty")
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"it holds a {type(value).__name__}, not an object")
    return value


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc.msg} at line {exc.lineno}"
    return str(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)


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
    the UI calls it on a worker thread. A run whose files are damaged is listed as "damaged" with the
    reason; it never hides the others."""
    runs = []
    for run in paths.runs_dir().iterdir():
        try:
            if run.is_dir() and (run / "config.json").exists():
                runs.append(_run_info(run))
        except OSError as exc:  # unreadable folder: still listed, so the user sees it and can delete it
            runs.append(RunInfo(run.name, run, "damaged", f"The folder cannot be read ({_reason(exc)}).",
                                0, None, False, 0.0))
    return sorted(runs, key=lambda r: r.modified, reverse=True)


def _run_info(run: Path) -> RunInfo:
    status = read_status(run)
    if status["status"] != "running":
        remove_stale_temp(run)
    state, problem = {}, status.get("message", "") if status["status"] == "damaged" else ""
    latest = latest_checkpoint(run)
    if latest is not None:
        try:
            state = read_checkpoint_state(latest)
        except PlaygroundError as exc:
            problem = problem or str(exc)
    try:
        steps = int(status.get("step", state.get("step", 0)))
    except (TypeError, ValueError, OverflowError):
        steps, problem = 0, problem or f"status.json has a step that is not a number ({status.get('step')!r:.40})."
    loss = status.get("loss")
    loss = loss if isinstance(loss, (int, float)) and not isinstance(loss, bool) else None
    kind = "damaged" if problem else status.get("status", "unknown")
    return RunInfo(run.name, run, kind, problem or str(status.get("message", "")), steps, loss,
                   (run / "model" / "config.json").exists(), run.stat().st_mtime)


def remove_stale_temp(run_dir: Path) -> None:
    """Delete the temp folders a killed save leaves (`checkpoints/.step-*`, `.model.*`): only call it for a
    run no process is training (the runs list does, for every run that is not "running")."""
    for pattern in ("checkpoints/.step-*", ".model.*"):
        for tmp in Path(run_dir).glob(pattern):
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)


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
    """A checkpoint's state.json; PlaygroundError (naming the checkpoint and what is wrong) when it is
    damaged."""
    try:
        state = _read_json_object(checkpoint / "state.json")
        for key in ("step", "tokens"):
            if key in state and (not isinstance(state[key], int) or isinstance(state[key], bool)):
                raise ValueError(f'"{key}" is not a whole number')
        return state
    except (OSError, ValueError, RecursionError) as exc:
        raise PlaygroundError(f"The checkpoint {checkpoint.name} is damaged (state.json: {_reason(exc)}).") from exc


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
    with _saving("the checkpoint", folder):
        return _save_checkpoint(run_dir, folder, final, step, weights, optimizer, rng, state, keep)


def _save_checkpoint(run_dir, folder, final, step, weights, optimizer, rng, state, keep) -> Path:
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

    with _saving("the model folder", Path(run_dir)):
        tmp = Path(tempfile.mkdtemp(prefix=".model.", dir=run_dir))
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Writing model shards" bar on stderr at every checkpoint
    try:
        with _saving("the model folder", Path(run_dir)):
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
