"""One function classifies every exception into a Failure; callers read its kind, never its text."""

import pytest

from playground.core import errors
from playground.core.errors import Cancelled, Failure, ModelLoadError, PlaygroundError, ShuttingDown, failure_of


@pytest.mark.parametrize("exc, kind, message", [
    (Cancelled("Loading cancelled; the previous model is still loaded."), "cancelled",
     "Loading cancelled; the previous model is still loaded."),
    (ModelLoadError("No config.json in /tmp/x."), "user", "No config.json in /tmp/x."),
    (ShuttingDown(), "shutting-down", "The server is shutting down."),
    (MemoryError(), "out-of-memory", errors.OUT_OF_MEMORY_MESSAGE),
    (RuntimeError("CUDA out of memory. Tried to allocate 2 GiB"), "out-of-memory", errors.OUT_OF_MEMORY_MESSAGE),
    (ValueError("bad"), "internal", "ValueError: bad"),
])
def test_failure_of_classifies_by_type(exc, kind, message):
    failure = failure_of(exc)
    assert failure == Failure(kind, message, type(exc).__name__)
    assert str(failure) == message and failure.cancelled == (kind == "cancelled") and kind in errors.KINDS


def test_an_out_of_memory_error_class_is_recognised_by_name():
    class OutOfMemoryError(RuntimeError):  # what torch raises, without importing torch
        pass

    assert failure_of(OutOfMemoryError("no room")).kind == "out-of-memory"


def test_errors_have_one_home():
    from playground.core import types

    assert not hasattr(types, "PlaygroundError") and not hasattr(types, "Cancelled")
