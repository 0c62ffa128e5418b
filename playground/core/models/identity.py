"""Which model this is, wherever it is installed: a stable id from the source's data (never a path)
plus a hash of its weights, e.g. `smollm2-135m-instruct@3f2a9c0d1e4b5a67`.

Saved conversations record it, so a reply opened in another install (another virtualenv, another home
folder) is known to come from the same model. The hash reads ~130 KiB of each safetensors file (the
header, the size, 32 slices spread over the data), not all the weights: a few milliseconds. Weights that
differ everywhere (another training run, a fine-tune) hash differently; a change to a few bytes may not.
"""

from __future__ import annotations

import hashlib
import re
import struct
from pathlib import Path

from playground.core.types import ModelSource

SLICE, SLICES = 4096, 32  # bytes per slice, slices spread evenly over each weights file's data


def stable_id(source: ModelSource) -> str:
    """`smollm2-135m-instruct` for the built-in model, a run's or folder's directory name, a Hub repo id;
    lower case, safe in URLs (the server's OpenAI "model")."""
    from playground.core.models.sources import BUILTIN_ID

    if source.kind == "builtin":
        name = BUILTIN_ID
    elif source.kind == "run":
        name = Path(source.path).parent.name  # the model lives in <run>/model
    elif source.kind == "folder":
        name = Path(source.path).name
    elif source.kind == "gguf":
        name = Path(source.path).stem
    else:  # "hf-cache": the repo id, e.g. HuggingFaceTB/SmolLM2-360M
        name = source.name
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-") or "model"


def weights_hash(folder: Path | None) -> str:
    """16 hex digits from the folder's safetensors files; '' when there are none (nothing to compare)."""
    files = sorted(Path(folder).glob("*.safetensors")) if folder is not None else []
    if not files:
        return ""
    digest = hashlib.sha256()
    try:
        for file in files:
            _hash_file(digest, file)
    except OSError:
        return ""
    return digest.hexdigest()[:16]


def _hash_file(digest, file: Path) -> None:
    size = file.stat().st_size
    digest.update(f"{file.name}:{size}".encode())
    with open(file, "rb") as handle:
        head = handle.read(8)
        header_size = struct.unpack("<Q", head)[0] if len(head) == 8 else 0
        digest.update(handle.read(min(header_size, 16 * 1024 * 1024)))  # tensor names, dtypes, shapes
        start = 8 + header_size
        span = max(0, size - start - SLICE)
        for i in range(SLICES):
            handle.seek(start + span * i // (SLICES - 1))
            digest.update(handle.read(SLICE))


def model_identity(source: ModelSource, folder: Path | None) -> str:
    """'id@hash', or just the id when the weights cannot be read."""
    weights = weights_hash(folder)
    return f"{stable_id(source)}@{weights}" if weights else stable_id(source)
