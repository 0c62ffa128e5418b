"""Jobs that load and move the current model (run them with `FunctionWorker`), and the streaming
reply worker (a class of its own: it emits every token as it is sampled)."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot

from playground.core.types import ModelSource
from playground.workers.base import Worker


def load(source: ModelSource, device: str, dtype: str, *, on_progress=None, should_stop=None):
    """Load a model -> ModelSession (core.models.loading)."""
    from playground.core.models.loading import load_model

    return load_model(source, device=device, dtype=dtype, on_progress=on_progress, should_stop=should_stop)


def move(session, device: str, dtype: str):
    """Move/cast the current model -> its new ModelInfo."""
    session.move(device, dtype)
    return session.info()


class GenerateWorker(Worker):
    """Streams a reply: token_generated(TokenStep) per token, then finished(GenerationResult)."""

    token_generated = Signal(object)

    def __init__(self, session, prompt_ids: list[int], settings, engine=None) -> None:
        super().__init__()
        self.session, self.prompt_ids, self.settings = session, list(prompt_ids), settings
        self.engine = engine

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.generation.engine import TorchEngine
            from playground.core.generation.stream import eos_ids, generate_stream

            with self.session.lock:
                engine = self.engine or TorchEngine(self.session.model)
                result = generate_stream(
                    engine, self.session.tokenizer, self.prompt_ids, self.settings,
                    stop_ids=eos_ids(self.session.model, self.session.tokenizer),
                    on_token=self.token_generated.emit, should_stop=self.should_stop,
                    context_length=self.session.context_length)
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)
        else:
            self.finished.emit(result)
