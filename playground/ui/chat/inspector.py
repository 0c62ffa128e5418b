"""Runs one forward pass for a clicked token (in a worker), keeps its logits, and redraws the
distribution chart from them on every sampling-settings change, with no model run."""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QObject, Signal, Slot

from playground.ui.chat.distribution import TokenDistributionChart
from playground.core.errors import Failure
from playground.ui.i18n import translate
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs

JOB = "logits"


class TokenInspector(QObject):
    distribution_shown = Signal(object)  # token_inspection.DistributionView
    failed = Signal(object)  # core.errors.Failure

    def __init__(self, chart: TokenDistributionChart, settings: Callable, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chart, self.settings = chart, settings
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)
        self.forward_passes = 0  # how many times the model ran for the chart (tests check redraws don't)
        self._next: tuple | None = None  # a click that came while a pass was running
        self._logits = None  # chat_workers.PositionLogits of the token on show
        self._drawn = None  # the logits the chart last drew: redrawing them keeps its scale
        self._tokenizer = None

    def inspect(self, session, context_ids: list[int], sampled_id: int, heading: str, engine=None) -> None:
        """Chart the next-token distribution after `context_ids` (sampled token: `sampled_id`), from
        `engine` (the one that wrote the reply) or else one forward pass of the PyTorch model."""
        request = (session, tuple(context_ids), sampled_id, heading, engine)
        if self._jobs.running(JOB):  # a forward pass cannot stop midway: queue, do not replace
            self._next = request  # only the latest click matters
            return
        self._start(request)

    def inspect_reply(self, session, reply, token_index: int, *, engine=None,
                      rebuild_prompt: Callable[[], Sequence[int] | None]) -> bool:
        """Chart the distribution token `token_index` of `reply` (replies.SampledReply) was sampled from;
        `rebuild_prompt()` gives the prompt it answered when the reply does not keep it (None: it cannot)."""
        if not 0 <= token_index < len(reply.steps):
            return False
        if not session.wrote(reply.model_key):
            self.clear(translate("TokenInspector", "That reply was written by another model. Load it again to inspect its tokens."))
            return False
        prompt_ids = reply.prompt_ids if reply.prompt_ids is not None else rebuild_prompt()
        if prompt_ids is None:
            return False
        context = list(prompt_ids) + [s.token_id for s in reply.steps[:token_index]]
        self.inspect(session, context, reply.steps[token_index].token_id, translate("TokenInspector", "Token {number} of this reply").format(number=token_index + 1),
                     engine=engine)
        return True

    def _start(self, request: tuple) -> None:
        from playground.workers.chat import position_logits

        session, context_ids, sampled_id, heading, engine = request
        self.chart.caption.setText(translate("TokenInspector", "<b>{heading}</b>: running the model…").format(heading=heading))
        worker = FunctionWorker(position_logits, session, context_ids, (sampled_id, heading, session.tokenizer),
                                engine=engine)
        self._jobs.start(JOB, worker, self._on_job_finished, self._on_job_failed, replace=False)
        self.forward_passes += 1

    @Slot(object)
    def _on_job_finished(self, logits) -> None:
        self._logits = logits
        self.redraw()

    @Slot(object)
    def _on_job_failed(self, failure: Failure) -> None:
        self.clear(translate("TokenInspector", "Could not run the model for that token: {message}").format(message=failure.message))
        self.failed.emit(failure)

    @Slot(str)
    def _on_jobs_job_done(self, _name: str) -> None:
        if self._next is not None:
            request, self._next = self._next, None
            self._start(request)

    def redraw(self) -> None:
        """Recompute the distribution under the current settings from the kept logits (fast, pure)."""
        if self._logits is None:
            return
        from playground.core.generation.inspection import inspect_distribution

        sampled_id, heading, tokenizer = self._logits.request
        view = inspect_distribution(self._logits.logits, self.settings(), sampled_id, tokenizer,
                                    previous_ids=self._logits.context_ids)
        same_token, self._drawn = self._drawn is self._logits, self._logits
        self.chart.show_view(view, heading, same_token=same_token)
        self.distribution_shown.emit(view)

    def clear(self, message: str) -> None:
        self._logits = self._drawn = None
        self._next = None
        self.chart.clear(message)

    def shutdown(self) -> None:
        self._next = None
        self._jobs.shutdown()
