"""Load a model + tokenizer into one `ModelSession`, from any source, with progress and cancel.

The built-in SmolLM2 ships as a quantized GGUF file, and a user may open any `.gguf`: the first load
dequantizes it and saves a safetensors copy in the cache dir (gguf_files), so every later load takes well
under a second.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from playground.core.models.devices import dtype_name, torch_dtype
from playground.core.models.gguf_files import ensure_gguf_converted, is_converted
from playground.core.models.sources import GGUF_KINDS, builtin_cache_folder, gguf_cache_folder, source_folder
from playground.core.models.checks import check_config, check_loading_report, check_weights, read_headers
from playground.core.errors import Cancelled, ModelLoadError
from playground.core.imports import heavy_imports
from playground.core.progress import ProgressFn, progress
from playground.core.types import ModelInfo, ModelSource


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


# ---------------------------------------------------------------- GGUF files (the built-in model's too)
def ensure_builtin_converted(gguf: Path, on_progress: ProgressFn | None = None,
                             should_stop: threading.Event | None = None) -> tuple[Path, bool]:
    """Return (folder with safetensors, was_cached). Converts once; the write is atomic."""
    if not gguf.exists():  # the packaged app's copy in the user cache, not restored yet (sources.builtin_gguf)
        from playground.core.models.sources import builtin_gguf

        restored = builtin_gguf(restore=True)
        gguf = restored if restored is not None and restored.name == gguf.name else gguf
    if gguf.exists() and is_converted(builtin_cache_folder(gguf)):
        return builtin_cache_folder(gguf), True
    if not gguf.exists():
        raise ModelLoadError(f"The built-in model file is missing: {gguf}. Reinstall with `make run`.")
    return ensure_gguf_converted(gguf, builtin_cache_folder(gguf), on_progress, should_stop,
                                 label="the built-in model (first start only)")


def ensure_converted(source: ModelSource, on_progress: ProgressFn | None = None,
                     should_stop: threading.Event | None = None) -> tuple[Path, bool]:
    """(folder, was_cached) for a source that lives in a GGUF file: the built-in model or a user's `.gguf`."""
    gguf = Path(source.path)
    if source.kind == "builtin":
        return ensure_builtin_converted(gguf, on_progress, should_stop)
    if not gguf.is_file():
        raise ModelLoadError(f"{gguf.name} is not there any more ({gguf}). Open another model.")
    return ensure_gguf_converted(gguf, gguf_cache_folder(gguf), on_progress, should_stop)


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


def _fast_gguf_session(source: ModelSource, device: str, dtype: str, on_progress, should_stop):
    """The packaged app's first start: a GGUF with a shipped seed (config + tokenizer) and no cached copy yet
    loads straight from its blocks (gguf_fast, ~1 s, not a ~30 s conversion); the safetensors copy that
    `session.folder` names is written afterwards on a background thread. None: take the usual path."""
    from playground.core.models import gguf_fast

    gguf = Path(source.path)
    if source.kind not in GGUF_KINDS or dtype != "float32" or not gguf.is_file():
        return None
    target = source_folder(source)
    seed = gguf_fast.seed_folder(gguf)
    if seed is None or target is None or is_converted(target):
        return None
    from transformers import AutoConfig

    _report(on_progress, 0.2, f"Reading {gguf.name}…")
    try:
        parsed = gguf_fast.read_gguf(gguf)
        if gguf_fast.fast_reason(parsed):
            return None
        config = AutoConfig.from_pretrained(seed, local_files_only=True, trust_remote_code=False)
        tokenizer = load_tokenizer(seed)
        _check(should_stop)
        model = gguf_fast.load_llama(gguf, config, parsed)
    except (Cancelled, ModelLoadError):
        raise
    except Exception:  # noqa: BLE001 - the usual path reports what is wrong with the file
        return None
    _check(should_stop)
    model.to(torch.device(device))
    session = ModelSession(model, tokenizer, source, from_cache=False)
    # not a daemon, and the app joins it before it exits (finish_background_copies): a thread killed mid-write at
    # exit aborts the process ("FATAL: exception not rethrown"), and PyInstaller's bootloader does not wait
    copy = threading.Thread(target=_write_copy_later, args=(session, gguf, target), name="gguf-copy")
    _copies.append(copy)
    copy.start()
    _report(on_progress, 1.0, "Ready.")
    return session


_copies: list[threading.Thread] = []


def finish_background_copies(timeout_s: float = 120.0) -> None:
    """Wait for the safetensors copies `_fast_gguf_session` is still writing (the app calls it as it exits)."""
    deadline = time.monotonic() + timeout_s
    while _copies:
        _copies.pop().join(max(0.0, deadline - time.monotonic()))


def _write_copy_later(session: "ModelSession", gguf: Path, target: Path) -> None:
    """The safetensors copy of a model loaded by `_fast_gguf_session` (Optimize, the ONNX builder and
    fine-tuning read that folder). Its identity is worked out again once the copy exists."""
    from playground.core.models.gguf_files import write_converted_copy

    try:
        write_converted_copy(session.model, session.tokenizer, gguf, target)
    except Exception:  # noqa: BLE001 - only a cache: the next start converts again
        return
    session._identity = None


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
    if source.kind == "builtin" and not Path(source.path).is_file():
        from playground.core.models.sources import ensure_builtin_file

        _report(on_progress, 0.1, "Unpacking the built-in model (first start only)…")
        ensure_builtin_file(source)
    fast = _fast_gguf_session(source, device, dtype, on_progress, should_stop)
    if fast is not None:
        fast.load_seconds = time.perf_counter() - started
        return fast
    if source.kind in GGUF_KINDS:
        folder, cached = ensure_converted(source, on_progress, should_stop)
    else:
        folder, cached = Path(source.path), False
    try:
        session = load_folder(folder, source, device=device, dtype=dtype, on_progress=on_progress,
                              should_stop=should_stop, from_cache=cached)
    except ModelLoadError:
        if not (source.kind in GGUF_KINDS and cached):
            raise
        # The cached copy is damaged (a disk error, a hand edit): it is only a cache, so make it again.
        owner = "The built-in model's" if source.kind == "builtin" else f"{source.name}'s"
        _report(on_progress, 0.0, f"{owner} cached copy is damaged: converting it again…")
        shutil.rmtree(folder, ignore_errors=True)
        folder, cached = ensure_converted(source, on_progress, should_stop)
        session = load_folder(folder, source, device=device, dtype=dtype, on_progress=on_progress,
                              should_stop=should_stop, from_cache=False)
    session.load_seconds = time.perf_counter() - started
    return session
