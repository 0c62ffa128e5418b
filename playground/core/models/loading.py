"""Load a model + tokenizer into one `ModelSession`, from any source, with progress and cancel.

The built-in SmolLM2 ships as a quantized GGUF file; the first load dequantizes it and saves a
safetensors copy in the cache dir, so every later load takes well under a second.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from playground.core.models.devices import dtype_name, torch_dtype
from playground.core.models.sources import builtin_cache_folder, source_folder
from playground.core.models.checks import check_config, check_loading_report, check_weights, read_headers
from playground.core.errors import Cancelled, ModelLoadError
from playground.core.processes import pid_alive
from playground.core.imports import heavy_imports
from playground.core.progress import ProgressFn, progress
from playground.core.types import ModelInfo, ModelSource


_gguf_lock = threading.Lock()  # the GGUF progress hook patches a module global


@dataclass
class ModelSession:
    """The current model, shared by every tab. Hold `lock` while running or changing the model."""

    model: Any  # transformers.PreTrainedModel
    tokenizer: Any  # transformers.PreTrainedTokenizerBase
    source: ModelSource
    load_seconds: float = 0.0
    from_cache: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _param_count: tuple | None = field(default=None, init=False, repr=False, compare=False)  # (model, count)
    _identity: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def dtype(self) -> torch.dtype:
        return next(self.model.parameters()).dtype

    @property
    def context_length(self) -> int:
        cfg = self.model.config
        for attr in ("max_position_embeddings", "n_positions", "n_ctx"):
            value = getattr(cfg, attr, None)
            if value:
                return int(value)
        return 2048

    @property
    def folder(self) -> Path | None:
        """The Hugging Face folder the model was loaded from (the built-in GGUF's converted copy)."""
        return source_folder(self.source)

    @property
    def has_chat_template(self) -> bool:
        return bool(getattr(self.tokenizer, "chat_template", None))

    def info(self) -> ModelInfo:
        return ModelInfo(
            name=self.source.name,
            source_key=self.source.key,
            model_type=str(getattr(self.model.config, "model_type", "?")),
            n_params=self._n_params(),
            device=str(self.device),
            dtype=dtype_name(self.dtype),
            context_length=self.context_length,
            vocab_size=int(self.model.config.vocab_size),
            has_chat_template=self.has_chat_template,
            load_seconds=self.load_seconds,
            from_cache=self.from_cache,
        )

    def identity(self) -> str:
        """'stable id@weights hash' (identity.model_identity), the same in every install. Worked out once,
        when the model loads (a worker), so the GUI thread only reads it."""
        if self._identity is None:
            from playground.core.models.identity import model_identity

            self._identity = model_identity(self.source, self.folder)
        return self._identity

    def wrote(self, model_key: str) -> bool:
        """Whether a reply recorded as written by `model_key` came from this model: its identity, its source
        key (files saved before identities), or '' (unknown: assumed so)."""
        return model_key in ("", self.source.key, self.identity())

    def _n_params(self) -> int:
        """Counted once per model (walking 30 layers' modules takes ~10 ms, and every tab asks on the GUI
        thread when a model arrives); quantized weights included."""
        from playground.core.optimize.compression.storage import parameter_total

        if self._param_count is None or self._param_count[0] is not self.model:
            self._param_count = (self.model, parameter_total(self.model))
        return self._param_count[1]

    def move(self, device: str, dtype: str) -> None:
        """Move/cast in place (called from a worker thread)."""
        with self.lock:
            self.model.to(device=torch.device(device), dtype=torch_dtype(dtype))


def _report(on_progress: ProgressFn | None, fraction: float, message: str) -> None:
    if on_progress is not None:
        on_progress(progress(fraction, message))


def _check(should_stop: threading.Event | None) -> None:
    if should_stop is not None and should_stop.is_set():
        raise Cancelled("Loading cancelled; the previous model is still loaded.")


# ---------------------------------------------------------------- the built-in GGUF model
@contextmanager
def _gguf_progress(on_progress: ProgressFn | None, should_stop: threading.Event | None, lo: float, hi: float):
    """Report transformers' per-tensor GGUF conversion loop as progress and honour cancel in it."""
    try:
        from transformers import modeling_gguf_pytorch_utils as gguf_utils
    except ImportError:  # layout changed: fall back to coarse progress
        yield
        return
    original = getattr(gguf_utils, "tqdm", None)

    def reporting_tqdm(iterable, *args, **kwargs):
        items = list(iterable)
        last = 0.0
        for i, item in enumerate(items):
            _check(should_stop)
            now = time.monotonic()
            if now - last > 0.1:  # throttle: ~10 Hz
                last = now
                _report(on_progress, lo + (hi - lo) * i / max(len(items), 1),
                        f"Converting the built-in model (first start only): tensor {i + 1}/{len(items)}")
            yield item

    with _gguf_lock:
        if original is not None:
            gguf_utils.tqdm = reporting_tqdm
        try:
            yield
        finally:
            if original is not None:
                gguf_utils.tqdm = original


def ensure_builtin_converted(gguf: Path, on_progress: ProgressFn | None = None,
                             should_stop: threading.Event | None = None) -> tuple[Path, bool]:
    """Return (folder with safetensors, was_cached). Converts once; the write is atomic."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target = builtin_cache_folder(gguf)
    if (target / "config.json").exists() and (target / "model.safetensors").exists():
        return target, True
    if not gguf.exists():
        raise ModelLoadError(f"The built-in model file is missing: {gguf}. Reinstall with `make run`.")
    _report(on_progress, 0.02, "Reading the built-in GGUF file (first start only, ~20 s)…")
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        _check(should_stop)
        with _gguf_progress(on_progress, should_stop, 0.05, 0.8):
            model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    except Cancelled:
        raise
    except Exception as exc:
        raise ModelLoadError(f"Could not read the GGUF file {gguf.name}: {exc}") from exc
    _check(should_stop)
    _report(on_progress, 0.82, "Saving a safetensors copy to the cache…")
    model.hf_quantizer = None  # the weights are dequantized now: save them as plain tensors
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.with_name(target.name + f".tmp-{os.getpid()}-{threading.get_ident()}")
    remove_stale_conversions(target)
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        fsync_tree(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        tmp.rename(target)
    except OSError:  # another process finished first: use theirs
        shutil.rmtree(tmp, ignore_errors=True)
        if not (target / "config.json").exists():
            raise
    return target, False


def remove_stale_conversions(target: Path) -> None:
    """Delete half-written copies (`<target>.tmp-<pid>-<thread>`, ~0.5 GB each) whose process is gone: a
    conversion killed mid-write leaves one. A live process's (another app instance converting) is kept."""
    for tmp in target.parent.glob(target.name + ".tmp-*"):
        pid = tmp.name.rsplit(".tmp-", 1)[1].split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and pid_alive(int(pid)):
            continue
        shutil.rmtree(tmp, ignore_errors=True)


def fsync_tree(folder: Path) -> None:
    """Flush a folder's files and the folder itself to disk before it is renamed into place: after a power
    cut the copy is whole or absent, never present with empty files."""
    for file in folder.iterdir():
        if file.is_file():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# ---------------------------------------------------------------- any HF folder
def validate_folder(folder: Path) -> None:
    """Raise ModelLoadError with a helpful message if `folder` is not a loadable causal LM."""
    if not folder.is_dir():
        raise ModelLoadError(f"{folder} is not a folder. Choose the folder that holds config.json.")
    config_file = folder / "config.json"
    if not config_file.exists():
        raise ModelLoadError(
            f"{folder.name} has no config.json, so it is not a Hugging Face model folder. "
            "Choose the folder that holds config.json and model.safetensors.")
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"config.json in {folder.name} is not valid JSON: {exc}") from exc
    if not isinstance(config, dict):
        raise ModelLoadError(f"config.json in {folder.name} is not a JSON object.")
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    model_type = config.get("model_type")
    if model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        raise ModelLoadError(
            f"{folder.name} holds a {model_type or 'unknown'!s} model, which is not a causal (text "
            "generating) language model this app can load.")
    check_config(config, folder.name)
    weights = sorted(folder.glob("*.safetensors"))
    if not weights:
        if any(folder.glob("*.bin")) or any(folder.glob("*.pt")):
            raise ModelLoadError(
                f"{folder.name} only has pickle weights (.bin/.pt). For safety the app loads safetensors "
                "only; convert them with `save_pretrained(..., safe_serialization=True)`.")
        raise ModelLoadError(f"{folder.name} has no model.safetensors weights.")
    from safetensors import safe_open

    for file in weights:
        try:
            with safe_open(str(file), framework="pt") as handle:
                handle.keys()
        except Exception as exc:
            raise ModelLoadError(f"The weights file {file.name} is corrupt or truncated ({exc}).") from exc
    if not (folder / "quantization.json").exists():  # the Optimize tab's variants hold int8 by design
        check_weights(config, read_headers(weights), folder.name)


_TOKENIZERS: dict[tuple, Any] = {}  # (folder, its files' sizes and times) → tokenizer, newest last
_TOKENIZERS_LOCK = threading.Lock()  # loads run on worker threads


def load_tokenizer(folder: Path):
    """The folder's tokenizer, reused while its files are unchanged. Parsing a 3.5 MB tokenizer.json
    holds the GIL for ~0.4 s (json + the Rust tokenizer), which froze the GUI on every reload."""
    from transformers import AutoTokenizer

    folder = Path(folder).resolve()
    stamp = tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in sorted(folder.iterdir())
                  if f.is_file() and f.suffix != ".safetensors")
    key = (str(folder), stamp)
    with _TOKENIZERS_LOCK:
        tokenizer = _TOKENIZERS.pop(key, None)
    if tokenizer is None:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True, trust_remote_code=False)
    with _TOKENIZERS_LOCK:
        _TOKENIZERS[key] = tokenizer
        while len(_TOKENIZERS) > 4:
            _TOKENIZERS.pop(next(iter(_TOKENIZERS)))
    return tokenizer


def load_folder(folder: Path, source: ModelSource, *, device: str = "cpu", dtype: str = "float32",
                on_progress: ProgressFn | None = None, should_stop: threading.Event | None = None,
                from_cache: bool = False) -> ModelSession:
    from transformers import AutoModelForCausalLM

    started = time.perf_counter()
    _report(on_progress, 0.85, "Checking the model folder…")
    validate_folder(folder)
    _check(should_stop)
    try:
        tokenizer = load_tokenizer(folder)
    except Exception as exc:
        raise ModelLoadError(f"Could not load the tokenizer from {folder.name}: {exc}") from exc
    _check(should_stop)
    _report(on_progress, 0.9, "Loading weights…")
    try:
        if (folder / "quantization.json").exists():  # a quantized variant saved by the Optimize tab
            from playground.core.optimize.compression.storage import load_quantized_model

            model = load_quantized_model(folder, dtype)
        else:
            model, report = AutoModelForCausalLM.from_pretrained(
                folder, dtype=torch_dtype(dtype), local_files_only=True, use_safetensors=True,
                trust_remote_code=False, output_loading_info=True)
            check_loading_report(report, folder.name)
    except ModelLoadError:
        raise
    except RuntimeError as exc:
        if "mismatched_sizes" not in str(exc):  # transformers' size-mismatch report says no more than that
            raise ModelLoadError(f"Could not load the model in {folder.name}: RuntimeError: {exc}") from exc
        raise ModelLoadError(f"{folder.name} does not load as the model its config.json describes: some tensors "
                             "have another shape than the config says. Check that config.json and the weights "
                             "were saved together.") from exc
    except Exception as exc:
        raise ModelLoadError(f"Could not load the model in {folder.name}: {type(exc).__name__}: {exc}") from exc
    _check(should_stop)
    model.to(torch.device(device)).eval()
    session = ModelSession(model, tokenizer, source, load_seconds=time.perf_counter() - started,
                           from_cache=from_cache)
    session.identity()  # here in the worker, so the GUI thread never reads the weights files
    _report(on_progress, 1.0, "Ready.")
    return session


def warm_up_libraries() -> float:
    """Import the libraries a load needs (seconds spent): a one-off per process, done before timing loads."""
    return heavy_imports()


def load_model(source: ModelSource, *, device: str = "cpu", dtype: str = "float32",
               on_progress: ProgressFn | None = None,
               should_stop: threading.Event | None = None) -> ModelSession:
    """Load any source. Raises ModelLoadError (readable) or Cancelled.

    `load_seconds` excludes importing the libraries (a one-off per process)."""
    _report(on_progress, 0.0, "Starting the machine-learning libraries…")
    warm_up_libraries()
    _check(should_stop)
    started = time.perf_counter()
    if source.kind == "builtin":
        folder, cached = ensure_builtin_converted(Path(source.path), on_progress, should_stop)
    else:
        folder, cached = Path(source.path), False
    try:
        session = load_folder(folder, source, device=device, dtype=dtype, on_progress=on_progress,
                              should_stop=should_stop, from_cache=cached)
    except ModelLoadError:
        if not (source.kind == "builtin" and cached):
            raise
        # The cached copy is damaged (a disk error, a hand edit): it is only a cache, so make it again.
        _report(on_progress, 0.0, "The built-in model's cached copy is damaged: converting it again…")
        shutil.rmtree(folder, ignore_errors=True)
        folder, cached = ensure_builtin_converted(Path(source.path), on_progress, should_stop)
        session = load_folder(folder, source, device=device, dtype=dtype, on_progress=on_progress,
                              should_stop=should_stop, from_cache=False)
    session.load_seconds = time.perf_counter() - started
    return session
