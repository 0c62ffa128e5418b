"""Workers for the Architecture tab: map a model, capture attention, run the logit lens, time a matmul.

Every one that touches the shared model holds `session.lock` for the whole run (the chat may be
using the model; we wait for it, and give up if asked to stop).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from PySide6.QtCore import Slot

from playground.core.types import Cancelled
from playground.workers.base import Worker


@contextmanager
def holding(lock, should_stop: threading.Event):
    """Acquire `lock`, checking `should_stop` while waiting (so closing the app never hangs here)."""
    while not lock.acquire(timeout=0.1):
        if should_stop.is_set():
            raise Cancelled("Stopped while waiting for the model.")
    try:
        yield
    finally:
        lock.release()


class AnatomyWorker(Worker):
    """Maps the current model (`session`) or a config dict on the meta device; finished(Anatomy)."""

    def __init__(self, *, session=None, config: dict | None = None, title: str = "") -> None:
        super().__init__()
        self.session, self.config, self.title = session, config, title

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.inspect.anatomy import anatomy_of_config, anatomy_of_model

            if self.session is not None:
                with holding(self.session.lock, self.should_stop):
                    result = anatomy_of_model(self.session.model, self.title, should_stop=self.should_stop)
            else:
                result = anatomy_of_config(self.config, self.title, should_stop=self.should_stop)
        except BaseException as exc:  # noqa: BLE001 - every failure reaches the user
            self.fail(exc)
        else:
            self.finished.emit(result)


class ConfigCheckWorker(Worker):
    """Instantiates a config on the meta device and counts it; finished(ConfigCheck)."""

    def __init__(self, config: dict) -> None:
        super().__init__()
        self.config = config

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.inspect.anatomy import check_config

            result = check_config(self.config)
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)
        else:
            self.finished.emit(result)


class AttentionWorker(Worker):
    """One forward pass with attentions captured (eager, restored after); finished(AttentionCapture)."""

    def __init__(self, session, text: str) -> None:
        super().__init__()
        self.session, self.text = session, text

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.inspect.attention import capture_attention

            with holding(self.session.lock, self.should_stop):
                result = capture_attention(self.session.model, self.session.tokenizer, self.text,
                                           context_length=self.session.context_length,
                                           should_stop=self.should_stop)
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)
        else:
            self.finished.emit(result)


class LogitLensWorker(Worker):
    """Final norm + LM head on every layer's residual stream; finished(LogitLens)."""

    def __init__(self, session, capture, positions) -> None:
        super().__init__()
        self.session, self.capture, self.positions = session, capture, tuple(positions)

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.inspect.attention import logit_lens

            with holding(self.session.lock, self.should_stop):
                result = logit_lens(self.session.model, self.session.tokenizer, self.capture, self.positions,
                                    should_stop=self.should_stop)
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)
        else:
            self.finished.emit(result)


class FlopsWorker(Worker):
    """Times a few matmuls (or reads the cached figure); finished(FlopsMeasurement)."""

    def __init__(self, device: str = "cpu", dtype: str = "float32", *, use_cache: bool = True) -> None:
        super().__init__()
        self.device, self.dtype, self.use_cache = device, dtype, use_cache

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.inspect.flops import measure_flops

            result = measure_flops(self.device, self.dtype, should_stop=self.should_stop, use_cache=self.use_cache)
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)
        else:
            self.finished.emit(result)
