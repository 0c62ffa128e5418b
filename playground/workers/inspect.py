"""Jobs for the Architecture tab (run with `FunctionWorker`): map a model, capture attention, run the
logit lens, time a matmul; and the Chat tab's "Why this token?".

Every one that touches the shared model holds `session.lock` for the whole run (the chat may be
using the model; we wait for it, and give up if asked to stop).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from playground.core.errors import Cancelled


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


def anatomy(*, session=None, config: dict | None = None, title: str = "", should_stop: threading.Event):
    """Map the current model (`session`) or a config dict on the meta device -> Anatomy."""
    from playground.core.inspect.anatomy import anatomy_of_config, anatomy_of_model

    if session is not None:
        with holding(session.lock, should_stop):
            return anatomy_of_model(session.model, title, should_stop=should_stop)
    return anatomy_of_config(config, title, should_stop=should_stop)


def check_config(config: dict):
    """Instantiate a config on the meta device and count it -> ConfigCheck."""
    from playground.core.inspect.anatomy import check_config as check

    return check(config)


def attention(session, text: str, *, should_stop: threading.Event):
    """One forward pass with attentions captured (eager, restored after) -> AttentionCapture."""
    from playground.core.inspect.attention import capture_attention

    with holding(session.lock, should_stop):
        return capture_attention(session.model, session.tokenizer, text, context_length=session.context_length,
                                 should_stop=should_stop)


def logit_lens(session, capture, positions, *, should_stop: threading.Event):
    """Final norm + LM head on every layer's residual stream -> LogitLens."""
    from playground.core.inspect.attention import logit_lens as lens

    with holding(session.lock, should_stop):
        return lens(session.model, session.tokenizer, capture, tuple(positions), should_stop=should_stop)


def flops(device: str = "cpu", dtype: str = "float32", *, use_cache: bool = True, should_stop: threading.Event):
    """Time a few matmuls (or read the cached figure) -> FlopsMeasurement."""
    from playground.core.inspect.flops import measure_flops

    return measure_flops(device, dtype, should_stop=should_stop, use_cache=use_cache)


def why_token(session, context_ids, target_id: int, *, should_stop: threading.Event):
    """Why the model wrote `target_id` after `context_ids`, on the session's PyTorch model -> TokenWhy."""
    from playground.core.inspect.why import explain_token

    with holding(session.lock, should_stop):
        return explain_token(session.model, session.tokenizer, context_ids, target_id,
                             context_length=session.context_length, should_stop=should_stop)
