"""Workers that load, move and run the current model."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot

from playground.core.types import ModelSource
from playground.workers.base import Worker


class LoadWorker(Worker):
    """Loads a model; emits progressed(LoadProgress) then finished(ModelSession)."""

    progressed = Signal(object)

    def __init__(self, source: ModelSource, device: str, dtype: str) -> None:
        super().__init__()
        self.source, self.device, self.dtype = source, device, dtype

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.models.loading import load_model

            session = load_model(self.source, device=self.device, dtype=self.dtype,
                                 on_progress=self.progressed.emit, should_stop=self.should_stop)
        except BaseException as exc:  # noqa: BLE001 - every failure reaches the user
            self.fail(exc)
        else:
            self.finished.emit(session)


class MoveWorker(Worker):
    """Moves/casts the current model; emits finished(ModelInfo)."""

    def __init__(self, session, device: str, dtype: str) -> None:
        super().__init__()
        self.session, self.device, self.dtype = session, device, dtype

    @Slot()
    def run(self) -> None:
        try:
            self.session.move(self.device, self.dtype)
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)
        else:
            self.finished.emit(self.session.info())


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
