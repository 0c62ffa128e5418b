"""The one atomic file write: a temp file in the same folder, fsync, then rename over the target.

A crash or a full disk never leaves half a file where a good one was. Raises OSError (callers that
talk to the user wrap it in a PlaygroundError saying what to do).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | Path, text: str) -> Path:
    """UTF-8, newlines written as given (no platform translation)."""
    return write_bytes_atomic(path, text.encode("utf-8"))
