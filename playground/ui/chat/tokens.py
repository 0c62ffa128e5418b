"""The Chat tab's tokenizer, visible: the Tokens toggle (`chatTokensToggle`) draws the conversation in
`chatView` split into the tokens the model reads, and `chatInputTokenCount` counts what you are typing.

Both tokenize in a worker: a short chat takes a millisecond, but a long conversation or a pasted page takes
tens of milliseconds to template and split, a stutter at every key. Requests are coalesced by a short timer
and the latest wins (`Jobs`), so typing never queues work.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer, Slot

from playground.ui.i18n import translate
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs

COUNT_DELAY_MS = 120  # after the last key: counting each key of a fast typist is wasted work


class TokensController(QObject):
    """`ui`: the tab's ChatLayout; `messages`, `system_prompt`, `mode`: the tab's current state."""

    def __init__(self, ui, model_controller, *, messages: Callable[[], list], system_prompt: Callable[[], str],
                 mode: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ui, self.model_controller = ui, model_controller
        self._messages, self._system_prompt, self._mode = messages, system_prompt, mode
        self.jobs = Jobs(self)
        self._split_timer = QTimer(self, singleShot=True, interval=0, timeout=self._start_split)
        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS, timeout=self._start_count)
        ui.tokens_toggle.toggled.connect(self._on_tokens_toggle_toggled)
        ui.view.messages_changed.connect(self._request_split)
        ui.system_prompt_edit.textChanged.connect(self._request_split)
        ui.input.textChanged.connect(self._count_timer.start)
        model_controller.model_changed.connect(self._on_model_controller_model_changed)
        self._start_count()

    def _session(self):
        return self.model_controller.session

    # ------------------------------------------------------------------ the Tokens view
    @Slot(bool)
    def _on_tokens_toggle_toggled(self, shown: bool) -> None:
        self.ui.view.set_token_split(None)
        self.ui.view.show_tokens(shown)  # renders, which asks for a split

    @Slot()
    def _request_split(self) -> None:
        if self.ui.view.tokens_shown:
            self._split_timer.start()

    def _start_split(self) -> None:
        from playground.core.inspect.tokenizer import conversation_split

        session = self._session()
        if session is None:
            self.jobs.stop("tokens view")
            self.ui.view.set_token_split(None, translate("TokensController", "Load a model to see the tokens it reads (toolbar, Model)."))
            return
        worker = FunctionWorker(conversation_split, session.tokenizer, tuple(self._messages()),
                                system_prompt=self._system_prompt(), mode=self._mode(), name=session.source.name)
        self.jobs.start("tokens view", worker, self._on_split_finished, self._on_split_failed)

    def _on_split_finished(self, split) -> None:
        if split.pieces:
            self.ui.view.set_token_split(split)
        else:
            self.ui.view.set_token_split(None, translate("TokensController", "The conversation is empty: send a message to see its tokens."))

    def _on_split_failed(self, failure) -> None:
        self.ui.view.set_token_split(None, translate("TokensController", "Could not split the conversation into tokens: {message}").format(
            message=failure.message))

    # ------------------------------------------------------------------ the input's count
    def _start_count(self) -> None:
        from playground.core.inspect.tokenizer import count_tokens

        session = self._session()
        if session is None:
            self.ui.input_token_count.setText("")
            return
        worker = FunctionWorker(count_tokens, session.tokenizer, self.ui.input.toPlainText())
        self.jobs.start("input token count", worker, self._on_count_finished)  # failed: the count stays

    def _on_count_finished(self, count: int) -> None:
        self.ui.input_token_count.setText((translate("TokensController", "{count:,} token") if count == 1 else translate("TokensController", "{count:,} tokens")).format(count=count))

    @Slot(object)
    def _on_model_controller_model_changed(self, _info) -> None:
        self._request_split()
        self._start_count()

    def input_token_count(self) -> str:
        return self.ui.input_token_count.text()

    def shutdown(self) -> None:
        self._split_timer.stop()
        self._count_timer.stop()
        self.jobs.shutdown()
