"""Branches of the last reply: click another token in the next-token distribution chart (or right-click a
token, "Branch from here with") and the reply goes on from that position with that token forced, as a new
branch; `branchBar` under the chat (‹ `branchPrevButton`, `branchLabel` "2/3", `branchNextButton` ›)
switches between them. The reply's versions live in the core (`core.generation.branches`); the branch
streams through `ReplyController.start_fork`, on the engine's KV cache for the shared prefix.

Only the last reply branches and switches: the turns after an earlier reply answered it as it is (to go
another way from there, edit your message after it). While a reply streams, a fork is refused with a notice.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from playground.ui.i18n import translate
from playground.ui.widgets.contrast import MutedLabel
from playground.ui.widgets.tokens import visible_token



class BranchBar(QWidget):
    """`branchBar`: the last reply's branches, ‹ n/N ›; hidden while it has one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("branchBar")
        self.hint = MutedLabel("", objectName="branchHint")
        self.prev_button = QPushButton("‹", objectName="branchPrevButton")
        self.prev_button.setToolTip(translate("BranchBar", "Show the previous branch of the last reply"))
        self.label = QLabel("", objectName="branchLabel")
        self.label.setToolTip(translate("BranchBar", "Which branch of the last reply is shown, of how many"))
        self.next_button = QPushButton("›", objectName="branchNextButton")
        self.next_button.setToolTip(translate("BranchBar", "Show the next branch of the last reply"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        for widget in (self.hint, self.prev_button, self.label, self.next_button):
            layout.addWidget(widget)
        self.fit_to_font()
        self.hide()

    def fit_to_font(self) -> None:
        width = self.fontMetrics().horizontalAdvance("‹") * 3 + 12
        for button in (self.prev_button, self.next_button):
            button.setFixedWidth(max(width, button.fontMetrics().height() * 2))

    def show_branches(self, shown: int, count: int, fork: int, *, busy: bool) -> None:
        """Branch `shown` (0-based) of `count` is on show; it parts from its parent at token `fork` (0: the
        reply as first written)."""
        self.setVisible(count > 1)
        self.label.setText(f"{shown + 1}/{count}")
        self.hint.setText(translate("BranchBar", "Branch from token {n0}").format(n0=fork + 1) if fork else translate("BranchBar", "The reply as first written"))
        self.prev_button.setEnabled(not busy and shown > 0)
        self.next_button.setEnabled(not busy and shown < count - 1)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.fit_to_font()


class Branching(QObject):
    """Forks and switches the branches of `tab`'s last reply. `make_engine()` gives the engine the next
    reply runs on; `prompt_request(messages, reserve)` a PromptRequest (for a reply opened from a file,
    whose prompt was not saved)."""

    def __init__(self, tab, *, make_engine: Callable, prompt_request: Callable) -> None:
        super().__init__(tab)
        self.tab, self._make_engine, self._prompt_request = tab, make_engine, prompt_request
        self.bar: BranchBar = tab.ui.branch_bar
        self.charted: tuple[int, int] | None = None  # the token the chart shows (message, token index)
        self.bar.prev_button.clicked.connect(lambda: self.show_branch(-1))
        self.bar.next_button.clicked.connect(lambda: self.show_branch(+1))
        tab.ui.chart.token_clicked.connect(self._on_chart_token_clicked)
        tab.ui.view.branch_requested.connect(self.fork)
        tab.ui.view.messages_changed.connect(self.refresh)
        tab.streamer.running_changed.connect(lambda _running: self.refresh())

    def last_reply_index(self) -> int | None:
        """The reply that can branch: the last one, with no message of yours after it."""
        messages = self.tab.messages
        for index in range(len(messages) - 1, -1, -1):
            if messages[index].role in ("user", "assistant"):
                return index if messages[index].role == "assistant" else None
        return None

    def refresh(self) -> None:
        index = self.last_reply_index()
        message = self.tab.messages[index] if index is not None else None
        count = len(message.branches) if message is not None else 0
        fork = message.branches[message.branch].fork if count > 1 else 0
        self.bar.show_branches(message.branch if count else 0, count, fork, busy=self.tab.is_generating())

    # ------------------------------------------------------------------ forking
    @Slot(int)
    def _on_chart_token_clicked(self, token_id: int) -> None:
        if self.charted is not None:
            self.fork(*self.charted, token_id)

    @Slot(int, int, int)
    def fork(self, message_index: int, token_index: int, token_id: int) -> bool:
        """Branch reply `message_index` at its token `token_index` with `token_id` there. Refused, with a
        notice saying why, while a reply streams or for anything but the last reply."""
        from playground.core.errors import PlaygroundError
        from playground.core.generation.conversation import reply_room

        tab = self.tab
        refusal = self._refusal(message_index, token_index, token_id)
        if refusal:
            tab.show_notice(refusal, error=True)
            return False
        session, settings = tab.controller.session, tab.sampling.settings()
        tab.show_notice("")
        try:
            engine = self._make_engine()
        except PlaygroundError as exc:
            tab.show_notice(str(exc), error=True)
            return False
        message = tab.messages[message_index]
        prompt = message.prompt_ids if message.prompt_ids is not None else self._prompt_request(
            tab.messages[:message_index], reply_room(settings, session.context_length))
        self.charted = None
        tab.why.set_charted(None)
        tab.inspector.clear(translate("Branching", "Branching at token {number}: click a token of the new branch to see "
                                      "its distribution.").format(number=token_index + 1))
        tab.replies.start_fork(session, prompt, settings, engine, index=message_index, fork=token_index,
                               token_id=token_id, mode=tab.mode(), sliding_window=tab.sampling.sliding_window())
        return True

    def _refusal(self, message_index: int, token_index: int, token_id: int) -> str:
        """Why this fork cannot start ("" when it can)."""
        from playground.core.generation.stream import eos_ids, token_text

        tab, session = self.tab, self.tab.controller.session
        if tab.is_generating():
            return translate("Branching", "A reply is streaming: wait for it to end (or press Stop), then click the "
                             "token again to branch.")
        if session is None:
            return translate("Branching", "No model is loaded yet. Pick one in the Model list at the top.")
        if message_index != self.last_reply_index():
            return translate("Branching", "Only the last reply can branch: the turns after this one answered it as "
                             "it is. To go another way from here, edit your message after it.")
        message = tab.messages[message_index]
        if not 0 <= token_index < len(message.tokens):
            return translate("Branching", "This reply was saved without its tokens, so it cannot branch. Regenerate "
                             "it first.")
        if not session.wrote(message.model_key):
            return translate("Branching", "That reply was written by another model. Load it again to branch it.")
        text = visible_token(token_text(session.tokenizer, token_id))
        if token_id == message.tokens[token_index].token_id:
            return translate("Branching", "“{token}” is the token the reply already has there: click another one to "
                             "branch.").format(token=text)
        if token_id in eos_ids(session.model, session.tokenizer):
            return translate("Branching", "“{token}” would end the reply there: click a token to go on with.").format(
                token=text)
        return ""

    # ------------------------------------------------------------------ switching
    def show_branch(self, step: int) -> bool:
        """Show the branch `step` away from the one on show (-1: the previous one)."""
        index = self.last_reply_index()
        if index is None or self.tab.is_generating():
            return False
        message = self.tab.messages[index]
        target = message.branch + step
        if not 0 <= target < len(message.branches):
            return False
        return self.select(index, target)

    def select(self, message_index: int, branch: int) -> bool:
        from playground.core.generation.branches import select_branch

        tab = self.tab
        message = select_branch(tab.messages[message_index], branch)
        tab.conversation.messages[message_index] = message
        tab.view.render(tab.messages, tab.mode())  # and refresh(), on messages_changed
        self.charted = None
        tab.why.set_charted(None)
        tab.inspector.clear(translate("Branching", "Branch {number} of {count} is shown. Click one of its tokens to see "
                                      "its distribution.").format(number=branch + 1, count=len(message.branches)))
        tab.ui.stats.setText(message.note)
        return True
