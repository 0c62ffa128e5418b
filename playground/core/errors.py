"""The one error family, and the frozen `Failure` record that crosses threads instead of a string.

Callers decide by `Failure.kind` (or by exception type), never by reading the message.
"""

from __future__ import annotations

from dataclasses import dataclass

CANCELLED = "cancelled"  # the user (or closing the app) asked the job to stop
OUT_OF_MEMORY = "out-of-memory"
USER = "user"  # a PlaygroundError: the message is written for the user
SHUTTING_DOWN = "shutting-down"  # the server (or app) is closing and refused or ended the job
INTERNAL = "internal"  # anything else: a bug or an unexpected library error
KINDS = (CANCELLED, OUT_OF_MEMORY, USER, SHUTTING_DOWN, INTERNAL)

OUT_OF_MEMORY_MESSAGE = "Out of memory. Try a smaller model, a shorter input or a smaller batch."


class PlaygroundError(Exception):
    """An error whose message is written for the user: what happened and what to do next."""


class ModelLoadError(PlaygroundError):
    pass


class Cancelled(PlaygroundError):
    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class ShuttingDown(PlaygroundError):
    """The job was refused or ended because its owner (e.g. the server) is closing."""

    def __init__(self, message: str = "The server is shutting down.") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Failure:
    """Why a job did not produce its result. `str(failure)` is the message for the user."""

    kind: str  # one of KINDS
    message: str
    exception_type: str = ""  # e.g. "ModelLoadError", "RuntimeError" (for logs and tests)

    @property
    def cancelled(self) -> bool:
        return self.kind == CANCELLED

    def __str__(self) -> str:
        return self.message


def _is_out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    # torch.OutOfMemoryError (CUDA), without importing torch here.
    if any(cls.__name__ == "OutOfMemoryError" for cls in type(exc).__mro__):
        return True
    # MPS and older CUDA builds raise a plain RuntimeError; this is the one place that reads text.
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def failure_of(exc: BaseException) -> Failure:
    """Classify an exception once, where it was caught."""
    name = type(exc).__name__
    if isinstance(exc, Cancelled):
        return Failure(CANCELLED, str(exc), name)
    if isinstance(exc, ShuttingDown):
        return Failure(SHUTTING_DOWN, str(exc), name)
    if isinstance(exc, PlaygroundError):
        return Failure(USER, str(exc), name)
    if _is_out_of_memory(exc):
        return Failure(OUT_OF_MEMORY, OUT_OF_MEMORY_MESSAGE, name)
    return Failure(INTERNAL, f"{name}: {exc}", name)
