"""Jobs for the Chat tab: inspect one position's next-token logits, and compare sampling settings.

Replies stream through `models.GenerateWorker` (which also builds their prompt), driven by `ReplyStreamer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from playground.core.errors import Failure
from playground.workers.base import Worker
from playground.workers.jobs import Jobs

JOB = "reply"


@dataclass(frozen=True)
class PositionLogits:
    """The model's next-token logits after `context_ids` (one forward pass), for `request`."""

    request: Any  # whatever the caller asked about, e.g. (message index, token index)
    context_ids: tuple[int, ...]
    logits: Any  # torch.Tensor (V,) float32 on the CPU


@dataclass(frozen=True)
class CompareToken:
    column: int
    step: Any  # generation.TokenStep


@dataclass(frozen=True)
class CompareColumnResult:
    column: int
    result: Any  # generation.GenerationResult
    engine: str


def position_logits(session, context_ids: Sequence[int], request: Any = None, engine=None) -> PositionLogits:
    """One forward pass over `context_ids` on the shared model, or through `engine` (the fast engine
    that wrote a reply) when given (run with `FunctionWorker`). Past a full context only its last tokens
    run, as the sliding window that wrote them did."""
    from playground.core.generation.stream import next_token_logits

    context_ids = tuple(context_ids)
    window = context_ids[-session.context_length:] if session.context_length else context_ids
    with session.lock:
        if engine is not None:
            logits = engine.prefill(window).float().cpu()
        else:
            logits = next_token_logits(session.model, window)
    return PositionLogits(request, context_ids, logits)


class CompareWorker(Worker):
    """Answers one prompt under several settings, one after another (the model is shared).

    Emits column_started(int), token_generated(CompareToken), column_finished(CompareColumnResult),
    then finished(tuple of CompareColumnResult). Stop ends the current column and skips the rest.
    """

    column_started = Signal(int)
    token_generated = Signal(object)
    column_finished = Signal(object)

    def __init__(self, session, prompt_ids: Sequence[int], settings_list: Sequence, engine) -> None:
        super().__init__()
        self.session, self.prompt_ids = session, list(prompt_ids)
        self.settings_list, self.engine = list(settings_list), engine

    @Slot()
    def run(self) -> None:
        results = []
        try:
            from playground.core.generation.stream import eos_ids, generate_stream

            stop_ids = eos_ids(self.session.model, self.session.tokenizer)
            for column, settings in enumerate(self.settings_list):
                if self.should_stop.is_set():
                    break
                self.column_started.emit(column)
                with self.session.lock:  # released between columns so other tabs can use the model
                    result = generate_stream(
                        self.engine, self.session.tokenizer, self.prompt_ids, settings, stop_ids=stop_ids,
                        on_token=lambda step, c=column: self.token_generated.emit(CompareToken(c, step)),
                        should_stop=self.should_stop, context_length=self.session.context_length)
                done = CompareColumnResult(column, result, getattr(self.engine, "name", ""))
                results.append(done)
                self.column_finished.emit(done)
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)
        else:
            self.finished.emit(tuple(results))


class ReplyStreamer(QObject):
    """Runs one reply at a time on a `GenerateWorker` and hands its tokens to the GUI in batches
    (at most ~30 Hz), so a fast model never floods the event loop.

    Lives in the GUI thread; the worker's cross-thread signals reach it through `Jobs`.
    """

    prompt_built = Signal(object)  # conversation.Prompt (before the first tokens_arrived)
    tokens_arrived = Signal(object)  # tuple of TokenStep, in order
    finished = Signal(object)  # GenerationResult (after the last tokens_arrived)
    rejected = Signal(str)  # the PromptRequest cannot become a prompt (why, what to do); nothing ran
    failed = Signal(object)  # core.errors.Failure
    cancelled = Signal(object)  # core.errors.Failure (e.g. stopped while waiting for the model)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, interval_ms: int = 33) -> None:
        super().__init__(parent)
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)
        self._pending: list = []
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self._flush)
        self.gate = None  # a threading.Event: replies wait for it before each token (guess mode, ui/chat/guess.py)

    def is_running(self) -> bool:
        return self._jobs.running(JOB)

    def start(self, session, prompt, settings, engine, *, sliding_window: bool = False, reply_start=(),
              force_first: int | None = None) -> None:
        """`prompt`: the prompt ids, or a `conversation.PromptRequest` that the worker builds;
        `sliding_window`: past a full context, go on from its last tokens; `reply_start`, `force_first`:
        a branch of a reply (`generate_stream`'s)."""
        from playground.workers.models import GenerateWorker

        if self.is_running():
            raise RuntimeError("A reply is already running.")
        worker = GenerateWorker(session, prompt if hasattr(prompt, "build") else list(prompt), settings,
                                engine=engine, sliding_window=sliding_window, reply_start=reply_start,
                                force_first=force_first, gate=self.gate)
        # Tokens are many: they go straight to this object's slot (queued) and are batched by the timer.
        worker.prompt_built.connect(self._on_worker_prompt_built)
        worker.token_generated.connect(self._on_worker_token_generated)
        self._pending = []
        self._jobs.start(JOB, worker, self._on_job_finished, self._on_job_failed, on_cancelled=self._on_job_cancelled,
                         replace=False)
        self._timer.start()
        self.running_changed.emit(True)

    def stop(self) -> None:
        """Ask the worker to stop; it checks before every token. The reply so far is kept."""
        self._jobs.stop(JOB)

    def shutdown(self) -> None:
        self._jobs.shutdown()
        self._timer.stop()

    @Slot(object)
    def _on_worker_token_generated(self, step) -> None:
        self._pending.append(step)

    @Slot()
    def _flush(self) -> None:
        if self._pending:
            steps, self._pending = tuple(self._pending), []
            self.tokens_arrived.emit(steps)

    @Slot(object)
    def _on_worker_prompt_built(self, prompt) -> None:
        self.prompt_built.emit(prompt)

    def _on_job_finished(self, result) -> None:
        from playground.core.generation.conversation import PromptRejected

        self._flush()
        if isinstance(result, PromptRejected):
            self.rejected.emit(result.message)
        else:
            self.finished.emit(result)

    def _on_job_failed(self, failure: Failure) -> None:
        self._flush()
        self.failed.emit(failure)

    def _on_job_cancelled(self, failure: Failure) -> None:
        self._flush()
        self.cancelled.emit(failure)

    @Slot(str)
    def _on_jobs_job_done(self, _name: str) -> None:
        self._timer.stop()
        self.running_changed.emit(False)
