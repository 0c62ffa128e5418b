"""Jobs that load and move the current model (run them with `FunctionWorker`), and the streaming
reply worker (a class of its own: it emits every token as it is sampled)."""

from __future__ import annotations

import threading

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
    """Streams a reply: prompt_built(Prompt), token_generated(TokenStep) per token, then finished(GenerationResult).

    `prompt`: the prompt ids, or a `conversation.PromptRequest`, templated and tokenized here (off the GUI
    thread). A request that cannot become a prompt (too long, no chat template) finishes with PromptRejected.
    """

    prompt_built = Signal(object)
    token_generated = Signal(object)

    def __init__(self, session, prompt, settings, engine=None, *, sliding_window: bool = False,
                 reply_start=(), force_first: int | None = None, gate: threading.Event | None = None) -> None:
        super().__init__()
        self.session, self.prompt, self.settings = session, prompt, settings
        self.engine, self.sliding_window = engine, sliding_window
        self.reply_start, self.force_first = tuple(reply_start), force_first  # a branch: generate_stream's
        # Guess-the-next-token mode: each token waits here until the GUI sets `gate` (it is cleared again
        # for the next one), and carries its top-20 distribution (TokenStep.logprobs) for the chart.
        self.gate = gate

    def _emit_when_allowed(self, step) -> None:
        while not self.gate.wait(0.05):  # on this worker's thread; wakes to notice Stop
            if self.should_stop.is_set():
                return
        self.gate.clear()
        self.token_generated.emit(step)

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.generation.conversation import Prompt, PromptRejected, PromptRequest
            from playground.core.generation.engine import TorchEngine
            from playground.core.generation.stream import eos_ids, generate_stream
            from playground.core.errors import PlaygroundError

            if isinstance(self.prompt, PromptRequest):
                try:
                    prompt = self.prompt.build(self.session.tokenizer)
                except PlaygroundError as exc:
                    self.finished.emit(PromptRejected(str(exc)))
                    return
            else:
                prompt = Prompt(tuple(int(i) for i in self.prompt), 0, 0)
            self.prompt_built.emit(prompt)
            with self.session.lock:
                engine = self.engine or TorchEngine(self.session.model)
                result = generate_stream(
                    engine, self.session.tokenizer, list(prompt.ids), self.settings,
                    stop_ids=eos_ids(self.session.model, self.session.tokenizer),
                    on_token=self.token_generated.emit if self.gate is None else self._emit_when_allowed,
                    should_stop=self.should_stop, context_length=self.session.context_length,
                    sliding_window=self.sliding_window, top_logprobs=None if self.gate is None else 20,
                    reply_start=self.reply_start, force_first=self.force_first)
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)
        else:
            self.finished.emit(result)
