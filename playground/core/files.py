"""The one atomic file write: a temp file in the same folder, fsync, then rename over the target.

A crash or a full disk never leaves half a file where a good one was. The file gets the mode a plain
`open(path, "w")` would give (0666 less the umask), not the temp file's 0600. Raises OSError (callers
that talk to the user wrap it in a PlaygroundError saying what to do).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def current_umask() -> int:
    """The process's umask, read without changing it (os.umask can only set it, racing other threads);
    0o022, the usual one, where /proc is not there (macOS, Windows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | Path, text: str) -> Path:
    """UTF-8, newlines written as given (no platform translation)."""
    return write_bytes_atomic(path, text.encode("utf-8"))
