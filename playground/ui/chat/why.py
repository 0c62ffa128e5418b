""""Why this token?": for a token of a reply, what the position that wrote it attended to and its logit
lens, in `whyTokenPanel` under the conversation.

The prefix is the reply's prompt + its tokens before the clicked one, run once on the session's PyTorch
model in a worker (`workers.inspect.why_token`), whichever engine wrote the reply. The newest request
wins; a model change cancels it. `WhyToken` is the tab's link: it is asked from the token inspector's
`whyTokenButton` (the token last charted) and from the chat view's context menu on a token.
"""

from __future__ import annotations

import html
from typing import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from playground.core import format as fmt
from playground.core.errors import Failure
from playground.ui.chat.engines import EXACT_ENGINE
from playground.ui.chat.why_views import WhyAttentionView, WhyLensView
from playground.ui.i18n import translate
from playground.ui.widgets.layouts import row
from playground.workers import inspect as inspect_jobs
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs

JOB = "why"


class WhyTokenPanel(QWidget):
    """`whyTokenPanel`: a caption, `whyAttentionView` beside `whyLogitLensView`, and a close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("whyTokenPanel")
        self.caption = QLabel("", objectName="whyTokenCaption", wordWrap=True)
        self.caption.setTextFormat(Qt.RichText)
        self.close_button = QPushButton(translate("WhyTokenPanel", "Close"), objectName="whyCloseButton")
        self.close_button.setToolTip(translate("WhyTokenPanel", "Hide this panel (Why this token? opens it again)"))
        self.close_button.clicked.connect(self.hide)
        self.attention = WhyAttentionView()
        self.lens = WhyLensView()
        split = QSplitter(Qt.Horizontal, objectName="whySplitter")
        split.addWidget(self.attention)
        split.addWidget(self.lens)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row(self.caption, self.close_button, stretch=0))
        layout.addWidget(split, 1)
        self.hide()

    def open(self) -> None:
        """Show the panel; opened, it takes 3/4 of the chat column's height (the splitter it is in)."""
        if self.isVisible():
            return
        self.show()
        split = self.parentWidget()
        if isinstance(split, QSplitter):
            total = sum(split.sizes())
            split.setSizes([total // 4, total - total // 4])

    def clear(self, message: str) -> None:
        self.caption.setText(html.escape(message))
        self.attention.clear(message)
        self.lens.clear("")


class WhyToken(QObject):
    """Runs "Why this token?" for `panel`: `explain(message_index, token_index)` of a reply of `replies`
    (replies.ReplyController) on `controller`'s current session. `rebuild_prompt(message_index)` gives the
    prompt of a reply that does not keep it (an opened file), or None."""

    why_shown = Signal(object)  # core.inspect.why.TokenWhy, once both views show it
    failed = Signal(object)  # core.errors.Failure

    def __init__(self, panel: WhyTokenPanel, button: QPushButton, replies, controller,
                 rebuild_prompt: Callable[[int], Sequence[int] | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel, self.button, self.replies, self.controller = panel, button, replies, controller
        self._rebuild_prompt = rebuild_prompt
        self._jobs = Jobs(self)
        self._charted: tuple[int, int] | None = None  # the token the distribution chart shows
        self._heading = ""
        self._ticket = 0  # bumped by every request and stop: an older result is dropped
        button.clicked.connect(self._on_button_clicked)
        controller.model_changed.connect(self._on_controller_model_changed)
        self.set_charted(None)

    def set_charted(self, token: tuple[int, int] | None) -> None:
        """The token the inspector charts now (message index, token index): what the button explains."""
        self._charted = token
        self.button.setEnabled(token is not None)

    def explain(self, message_index: int, token_index: int) -> bool:
        """Open the panel on token `token_index` of reply `message_index` and start the worker."""
        reply, session = self.replies.reply_at(message_index), self.controller.session
        if reply is None or session is None or not 0 <= token_index < len(reply.steps):
            return False
        self.panel.open()
        if not session.wrote(reply.model_key):
            self._stop(translate("WhyToken", "That reply was written by another model. Load it again to see why it wrote its tokens."))
            return False
        prompt_ids = reply.prompt_ids if reply.prompt_ids is not None else self._rebuild_prompt(message_index)
        if prompt_ids is None:
            self._stop(translate("WhyToken", "The prompt of that reply cannot be rebuilt for this model."))
            return False
        step = reply.steps[token_index]
        context = list(prompt_ids) + [s.token_id for s in reply.steps[:token_index]]
        written = "" if reply.engine in ("", EXACT_ENGINE) else translate(
            "WhyToken", " (the reply was written by {engine})").format(engine=reply.engine)
        self._heading = translate("WhyToken", "Token {number} of this reply, “{token}”: read on the PyTorch model{written}").format(
            number=token_index + 1, token=fmt.token_label(step.text, 30), written=written)
        self.panel.clear(translate("WhyToken", "{heading}: running the model over {count} tokens…").format(
            heading=self._heading, count=len(context)))
        self._ticket += 1
        worker = FunctionWorker(inspect_jobs.why_token, session, tuple(context), step.token_id)
        self._jobs.start(JOB, worker, self._if_current(self._on_job_finished),  # the newest request wins
                         self._if_current(self._on_job_failed))
        return True

    def _if_current(self, handler: Callable) -> Callable:
        """`handler`, called only while no newer request or stop came since."""
        ticket = self._ticket
        return lambda value: handler(value) if ticket == self._ticket else None

    def is_running(self) -> bool:
        return self._jobs.running(JOB)

    def _stop(self, message: str) -> None:
        """Stop the running request and make sure its result never shows."""
        self._ticket += 1
        self._jobs.stop(JOB)
        self.panel.clear(message)

    @Slot()
    def _on_button_clicked(self) -> None:
        if self._charted is not None:
            self.explain(*self._charted)

    @Slot(object)
    def _on_job_finished(self, why) -> None:
        cut = translate("WhyToken", "; the first {count} tokens were left out").format(count=why.truncated) if why.truncated else ""
        self.panel.caption.setText(translate("WhyToken", "<b>{heading}</b> · {token_ids} tokens{cut} · {seconds:.2f} s").format(heading=html.escape(self._heading), token_ids=len(why.token_ids), cut=cut, seconds=why.seconds))
        self.panel.attention.set_why(why)
        self.panel.lens.set_why(why)
        self.why_shown.emit(why)

    @Slot(object)
    def _on_job_failed(self, failure: Failure) -> None:
        self.panel.clear(translate("WhyToken", "Could not look inside the model for that token: {message}").format(message=failure.message))
        self.failed.emit(failure)

    @Slot(object)
    def _on_controller_model_changed(self, _info) -> None:
        if self.panel.attention.why is not None or self.is_running():
            self._stop(translate("WhyToken", "The model changed: click a token of one of its replies and “Why this token?” again."))

    def clear(self) -> None:
        """The conversation was cleared."""
        self.set_charted(None)
        self._stop("")
        self.panel.hide()

    def shutdown(self) -> None:
        self._jobs.shutdown()
