"""Which engine answers: the one policy for the fast engine's fallback to PyTorch.

The command line, the server and the Chat tab all ask `open_engine`; each only shows the result
(`EngineChoice.fallback`, a typed reason). The tab keeps the engines it already loaded and the builds
that failed, and builds in a worker: it passes them in (`ready`, `failed`) and sets `in_background`.

Cheap to import (no torch): the engines are imported when one is made.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from playground.core.engines.onnx_build import (PRECISIONS, OnnxBuildError, build_onnx_model, is_built,
                                                model_dir, onnx_available, unsupported_reason)
from playground.core.engines.names import CHOICES, EXACT, EXACT_NAME, GGUF_FAST, GGUF_MODES, REQUANTIZING
from playground.core.errors import Cancelled

FAST_DEFAULT_MIN_PARAMS = 50_000_000  # tiny models trained here gain little: Exact stays their default

EngineKey = tuple[Path, str]  # (the model's Hugging Face folder, precision)


class FallbackKind(enum.Enum):
    OFF = "off"  # the user turned the fast engine off
    UNSUPPORTED = "unsupported"  # this model cannot run on it
    NOT_BUILT = "not built"  # its ONNX model is not built and nothing builds it now
    BUILDING = "building"  # the caller builds it in the background; this reply uses PyTorch
    FAILED = "failed"  # building or loading it failed


@dataclass(frozen=True)
class Fallback:
    """Why a reply runs on PyTorch instead of the fast engine that was asked for."""

    kind: FallbackKind
    reason: str  # for the user, one clause without a final stop: "its ONNX model is not built yet"

    def notice(self, consequence: str = f"Using {EXACT_NAME}") -> str:
        return f"Fast engine unavailable: {self.reason.rstrip('.')}. {consequence}."


@dataclass(frozen=True)
class EngineChoice:
    """What `open_engine` gave: the engine and, when it fell back to PyTorch, why."""

    engine: object  # engine.Engine
    fallback: Fallback | None = None
    build: EngineKey | None = None  # in_background: the ONNX model the caller should build now

    @property
    def notice(self) -> str:
        """One line for the command line; "" when nothing fell back."""
        return self.fallback.notice() if self.fallback is not None else ""


def session_gguf(session) -> Path | None:
    """The GGUF file `session`'s model is the exact dequantization of (the built-in model, an opened .gguf)."""
    source = getattr(session, "source", None)
    path = Path(source.path) if source is not None and source.path else None
    if path is None or path.suffix.lower() != ".gguf" or not path.is_file():
        return None
    return path


def fast_unsupported_reason(session, choice: str = "int4") -> str:
    """Why `session`'s model cannot use the fast engine `choice` (for the user); "" if it can.

    Cheap (no file read): a GGUF the engine cannot run is known once `gguf_engine_supported` checked it
    (when the file is opened, in a worker) or when preparing the engine fails."""
    if choice in GGUF_MODES:
        from playground.core.engines.gguf_build import known_unsupported_reason

        gguf = session_gguf(session)
        if gguf is None:
            return "this model has no GGUF file (its weights are float: Fast (ONNX int4) re-quantizes them)"
        if not onnx_available():
            return "the ONNX Runtime package is not installed (pip install onnxruntime)"
        return known_unsupported_reason(gguf)  # a file gguf_engine_supported refused (e.g. Q6_K blocks)
    return unsupported_reason(session.folder)


def requantizing_note(session, choice: str) -> str:
    """For an ONNX builder engine that re-quantizes a GGUF's already-quantized weights: what it costs ("" else).
    Still offered (the Optimize tab measures it, --engine int4 runs it), never the default."""
    gguf = session_gguf(session)
    if gguf is None or choice not in REQUANTIZING:
        return ""
    return (f"re-quantizes {gguf.name}'s already-quantized weights with another block layout, a second rounding "
            "(int4: perplexity +39% on the built-in model); Fast (GGUF) runs the file's own blocks")


def engine_key(session, precision: str) -> EngineKey:
    return session.folder, precision


def built_folder(session, precision: str) -> Path | None:
    """The ONNX model folder for `session`'s model, if it is already built."""
    if precision in GGUF_MODES or unsupported_reason(session.folder):
        return None
    target = model_dir(session.folder, precision)
    return target if is_built(target) else None


def default_choice(session, *, enabled: bool = True) -> str:
    """On a CPU: Fast (GGUF) for a model that is a GGUF's blocks, Fast (ONNX int4) for other models it
    supports; Exact (PyTorch) on a GPU, for other (or tiny) models, or when off."""
    if not enabled or session.device.type != "cpu":
        return EXACT
    if not fast_unsupported_reason(session, GGUF_FAST):
        return GGUF_FAST
    if (fast_unsupported_reason(session)
            or sum(p.numel() for p in session.model.parameters()) < FAST_DEFAULT_MIN_PARAMS):
        return EXACT
    return "int4"


def _torch(session, kind: FallbackKind | None = None, reason: str = "", build: EngineKey | None = None):
    from playground.core.generation.engine import TorchEngine

    return EngineChoice(TorchEngine(session.model), Fallback(kind, reason) if kind else None, build)


def open_engine(session, choice: str, *, enabled: bool = True, ready: Mapping[EngineKey, object] | None = None,
                failed: Mapping[EngineKey, str] | None = None, build: bool = True, in_background: bool = False,
                on_progress=None, should_stop: threading.Event | None = None) -> EngineChoice:
    """The engine for `choice` (`names.CHOICES`); PyTorch with a typed `fallback` when the fast engine
    cannot answer.

    `ready` / `failed`: engines already loaded and builds that failed, by `engine_key`. Otherwise the
    ONNX model is built here (if `build`) and loaded; with `in_background` nothing slow happens here:
    the choice says which model to `build` and this reply uses PyTorch.
    """
    if choice == EXACT:
        return _torch(session)
    if choice not in PRECISIONS and choice not in GGUF_MODES:
        raise ValueError(f"engine must be one of {CHOICES}, not {choice!r}")
    if not enabled:
        return _torch(session, FallbackKind.OFF, "it is turned off")
    reason = fast_unsupported_reason(session, choice)
    if reason:
        return _torch(session, FallbackKind.UNSUPPORTED, reason)
    key = engine_key(session, choice)
    if ready and key in ready:
        return EngineChoice(ready[key])
    if failed and key in failed:
        return _torch(session, FallbackKind.FAILED, failed[key])
    if in_background:
        what = ("its GGUF blocks are being packed for ONNX Runtime, first time only, ~10 s" if choice in GGUF_MODES
                else f"its ONNX model ({choice}) is being built, first time only, ~30 s")
        return _torch(session, FallbackKind.BUILDING, what, build=key)
    if choice in GGUF_MODES:
        return _open_gguf(session, choice, build, on_progress, should_stop)
    return _build_and_load(session, choice, build, on_progress, should_stop)


def _open_gguf(session, choice: str, build: bool, on_progress, should_stop) -> EngineChoice:
    from playground.core.engines.gguf_build import GgufBuildError, built_model
    from playground.core.engines.gguf_engine import open_gguf_engine

    gguf = session_gguf(session)
    if not build and built_model(gguf, GGUF_MODES[choice]) is None:
        return _torch(session, FallbackKind.NOT_BUILT, "its GGUF engine is not prepared yet")
    try:
        return EngineChoice(open_gguf_engine(gguf, GGUF_MODES[choice], on_progress=on_progress,
                                             should_stop=should_stop))
    except (GgufBuildError, Cancelled) as exc:
        return _torch(session, FallbackKind.FAILED, str(exc).rstrip("."))
    except Exception as exc:  # noqa: BLE001 - a broken runtime must not stop the chat
        return _torch(session, FallbackKind.FAILED, f"ONNX Runtime failed ({type(exc).__name__}: {exc})")


def _build_and_load(session, choice: str, build: bool, on_progress, should_stop) -> EngineChoice:
    from playground.core.engines.onnx_engine import OnnxEngine

    folder = built_folder(session, choice)
    try:
        if folder is None and build:
            folder = build_onnx_model(session.folder, choice, on_progress=on_progress,
                                      should_stop=should_stop)
        if folder is not None:
            return EngineChoice(OnnxEngine(folder, choice))
        return _torch(session, FallbackKind.NOT_BUILT, "its ONNX model is not built yet")
    except (OnnxBuildError, Cancelled) as exc:
        return _torch(session, FallbackKind.FAILED, str(exc).rstrip("."))
    except Exception as exc:  # noqa: BLE001 - a broken runtime must not stop the chat
        return _torch(session, FallbackKind.FAILED, f"ONNX Runtime failed ({type(exc).__name__}: {exc})")
