"""The Chat tab: talk to the current model and see how sampling picks each token.

Replies stream from a worker (KV cache) on the shared session; tokens are tinted by their probability;
clicking one runs one forward pass and charts that position's distribution, which then follows the
sampling controls live.

The tab is composed of objects with one job each, and is the only one that knows them all: the
`Conversation` (core) it owns; `ui` (`layout.ChatLayout`, the widgets); `replies`
(`replies.ReplyController`, streaming one reply into the conversation); `tokens` (`tokens.TokensController`,
the Tokens view and the input's token count); `files`
(`files.ConversationFiles`, save/open/export); `engines` (`engines.EngineSwitcher`, `engineCombo`);
`why` (`why.WhyToken`, "Why this token?"); `branching` (`branching.Branching`, branches of the last reply);
and the compare view (`compare.CompareView`, made on first use).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from playground.core.generation.history import Conversation
from playground.ui.chat.branching import Branching
from playground.ui.chat.distribution import EMPTY_CAPTION
from playground.ui.chat.engines import EngineSwitcher
from playground.ui.chat.files import ConversationFiles
from playground.ui.chat.guess import GuessMode
from playground.ui.chat.layout import ChatLayout
from playground.ui.chat.replies import ReplyController
from playground.ui.chat.why import WhyToken
from playground.ui.chat.tokens import TokensController
from playground.ui.i18n import translate
from playground.ui.shell.context import TabContext


class ChatTab(QWidget):
    reply_finished = Signal(object)  # replies.ReplyFinished
    distribution_shown = Signal(object)  # token_inspection.DistributionView

    def __init__(self, context: TabContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatTab")
        self.controller = controller = context.controller
        self.conversation = Conversation()
        self._editing: int | None = None
        self._unsent: tuple[str | None, int | None] = (None, None)  # (text, editing) of the reply asked for
        self._model_key = ""
        self.compare_view = None
        ui = self.ui = ChatLayout(self)
        # the widgets the tests, the benchmark and the main window reach by attribute
        self.view, self.input, self.sampling, self.chart, self.inspector = (ui.view, ui.input, ui.sampling,
                                                                            ui.chart, ui.inspector)
        self.notice, self.engine_combo, self.engine_status, self.send_button = (ui.notice, ui.engine_combo,
                                                                                ui.engine_status, ui.send_button)
        self.replies = ReplyController(self.conversation, ui.view, ui.stats, ui.context_meter, self)
        self.streamer = self.replies.streamer
        self.files = ConversationFiles(self, self.show_notice)
        self.engines = EngineSwitcher(ui.engine_combo, ui.engine_status, controller, show_notice=self.show_notice,
                                      current_notice=ui.notice.text, parent=self)
        self.fast_engine_action = self.engines.action  # the main window puts it in the View menu
        self.why = WhyToken(ui.why_panel, ui.why_button, self.replies, controller,
                            lambda index: self._rebuild_prompt(index, self.messages[index]), self)
        self.tokens = TokensController(ui, controller, messages=lambda: self.messages, mode=self.mode,
                                       system_prompt=self.system_prompt, parent=self)
        self.guess = GuessMode(self)  # "Guess the next token" (guessModeToggle)
        self.branching = Branching(self, make_engine=self._make_engine, prompt_request=self._prompt_request)
        self._connect()
        ui.restore_settings()
        if controller.session is not None:
            self._on_controller_model_changed(controller.session.info())
            self.engines.on_model_changed(controller.session.info())
        self._update_buttons()

    def _connect(self) -> None:
        ui = self.ui
        ui.send_button.clicked.connect(self._on_send_button_clicked)
        ui.input.submitted.connect(self._on_send_button_clicked)
        ui.input.escaped.connect(self._on_input_escaped)
        ui.stop_button.clicked.connect(self.stop)
        ui.regenerate_button.clicked.connect(self.regenerate)
        ui.clear_button.clicked.connect(self.clear_conversation)
        ui.compare_button.clicked.connect(self.open_compare)
        self.files.connect_buttons(save=(ui.save_button, self.save_conversation),
                                   open_=(ui.open_button, self.open_conversation),
                                   export=(ui.export_button, self.export_markdown))
        ui.view.token_clicked.connect(self.inspect_token)
        ui.view.why_requested.connect(self.why.explain)
        ui.inspector.distribution_shown.connect(self.distribution_shown)
        self.reply_finished.connect(lambda done: done.error or self._clear_error())  # something worked
        ui.inspector.distribution_shown.connect(lambda _view: self._clear_error())
        ui.view.action_requested.connect(self._on_view_action_requested)
        ui.sampling.changed.connect(self._on_sampling_changed)
        ui.system_prompt_edit.textChanged.connect(ui.save_settings)
        ui.system_button.toggled.connect(ui.system_prompt_edit.setVisible)
        ui.mode_combo.currentIndexChanged.connect(lambda _i: self._on_mode_combo_changed(self.mode()))
        ui.engine_combo.currentTextChanged.connect(lambda _name: self._show_idle_stats())
        self.controller.model_changed.connect(self._on_controller_model_changed)
        self.replies.reply_finished.connect(self.reply_finished)
        self.replies.rejected.connect(self._on_replies_rejected)
        self.streamer.running_changed.connect(self._on_streamer_running_changed)

    # ------------------------------------------------------------------ engines
    def add_engine(self, name: str, factory: Callable, index: int | None = None) -> None:
        """Offer another engine in `engineCombo`; `factory(session) -> Engine` (engine.Engine protocol)."""
        self.engines.add(name, factory, index)

    def _make_engine(self):  # the one `engineCombo` selects, for the current model
        return self.engines.make(self.controller.session)

    # ------------------------------------------------------------------ state
    @property
    def messages(self) -> list:
        """The conversation's messages (conversation.Message), in order."""
        return self.conversation.messages

    def is_generating(self) -> bool:
        return self.replies.is_running()

    def mode(self) -> str:
        return self.ui.mode_combo.currentData()

    def system_prompt(self) -> str:
        return self.ui.system_prompt_edit.toPlainText()

    def show_notice(self, text: str, *, error: bool = False) -> None:
        """An inline message above the chat (never a modal dialog); empty text hides it."""
        self.notice.setText(("⚠ " if error and text else "") + text)
        self.notice.setStyleSheet("color: #d84315; font-weight: bold;" if error else "")
        self.notice.setVisible(bool(text))

    def _clear_error(self) -> None:
        """Something worked: an error notice about an earlier action ("Could not open …") is stale now."""
        if self.notice.text().startswith("⚠ "):
            self.show_notice("")

    def _update_buttons(self) -> None:
        self.ui.enable_buttons(busy=self.is_generating(), any_messages=bool(self.messages),
                               any_user=self.conversation.last_user_index() is not None)

    # ------------------------------------------------------------------ chatting
    @Slot()
    def _on_send_button_clicked(self) -> None:
        self.send()

    def send(self, text: str | None = None) -> bool:
        """Send `text` (default: the input box). Replaces the message being edited and what follows it."""
        from playground.core.generation.conversation import COMPLETION, Message

        typed = text is None
        text = self.input.toPlainText() if text is None else text
        if not text.strip() or self.is_generating():
            return False
        if self.mode() != COMPLETION:
            text = text.strip()
        base = self.messages[: self._editing] if self._editing is not None else self.messages
        editing = self._editing
        if not self._start_reply(list(base) + [Message("user", text)]):
            return False
        self._unsent = (self.input.toPlainText() if typed else None, editing)
        self.input.clear()
        self._set_editing(None)
        return True

    def regenerate(self) -> bool:
        """Answer the last user message again; the replies after it are replaced."""
        last = self.conversation.last_user_index()
        if last is None or self.is_generating():
            return False
        self._set_editing(None)
        self._unsent = (None, None)
        return self._start_reply(self.messages[: last + 1])

    def _prompt_request(self, messages, reserve: int = 0):
        """What a prompt for `messages` is built from (conversation.PromptRequest); building it tokenizes."""
        from playground.core.generation.conversation import PromptRequest

        return PromptRequest(tuple(messages), self.system_prompt(), self.mode(),
                             self.controller.session.context_length, reserve)

    def _start_reply(self, messages: list) -> bool:
        """Start answering `messages`; the worker builds the prompt (a rejection comes back to
        `_on_replies_rejected`)."""
        from playground.core.generation.conversation import reply_room
        from playground.core.errors import PlaygroundError

        session = self.controller.session
        if session is None:
            self.show_notice(translate("ChatTab", "No model is loaded yet. Pick one in the Model list at the top."), error=True)
            return False
        settings = self.sampling.settings()
        self.show_notice("")  # before the engine is made: it may leave a notice (a fallback to PyTorch)
        try:
            engine = self._make_engine()
        except PlaygroundError as exc:
            self.show_notice(str(exc), error=True)
            return False
        request = self._prompt_request(messages, reply_room(settings, session.context_length))
        self.replies.start(session, request, settings, engine, sliding_window=self.sampling.sliding_window())
        return True

    @Slot(object)
    def _on_replies_rejected(self, rejected) -> None:
        """The prompt could not be built: as if Send had not been pressed, with the reason shown."""
        text, editing = self._unsent
        self._unsent = (None, None)
        if text is not None and not self.input.toPlainText():
            self.input.setPlainText(text)
        self._set_editing(editing)
        self.show_notice(rejected.message, error=True)
        self.ui.stats.setText(translate("ChatTab", "Engine: {n0}").format(n0=self.engine_combo.currentText()))

    def stop(self) -> None:
        """Stop the reply; the worker notices before the next token and the partial reply is kept."""
        self.replies.stop()

    def begin_edit(self, index: int) -> None:
        if self.is_generating() or not 0 <= index < len(self.messages) or self.messages[index].role != "user":
            return
        self._set_editing(index)
        self.input.setPlainText(self.messages[index].content)
        self.input.setFocus()

    def edit_message(self, index: int, text: str) -> bool:
        """Replace user message `index` with `text` and answer again from there (later turns are replaced)."""
        self.begin_edit(index)
        if self._editing != index:
            return False
        return self.send(text)

    def _set_editing(self, index: int | None) -> None:
        self._editing = index
        self.ui.show_edit_banner(index)

    @Slot()
    def _on_input_escaped(self) -> None:
        if self.is_generating():
            self.stop()
        elif self._editing is not None:
            self._set_editing(None)
            self.input.clear()

    def copy_message(self, index: int) -> None:
        if 0 <= index < len(self.messages):
            QApplication.clipboard().setText(self.messages[index].content)
            self.show_notice(translate("ChatTab", "Message {n0} copied to the clipboard.").format(n0=index + 1))

    @Slot(str, int)
    def _on_view_action_requested(self, action: str, index: int) -> None:
        (self.begin_edit if action == "edit" else self.copy_message)(index)

    def clear_conversation(self) -> None:
        if self.is_generating():
            return
        self.conversation.clear()
        self._set_editing(None)
        self.view.render([], self.mode())
        self.inspector.clear(translate("TokenDistributionChart", EMPTY_CAPTION))
        self.why.clear()
        self.show_notice("")
        self._update_context_meter()
        self._update_buttons()

    @Slot(bool)
    def _on_streamer_running_changed(self, running: bool) -> None:
        self._update_buttons()
        if not running and self.isVisible():
            self.input.setFocus()

    def _show_idle_stats(self) -> None:
        if not self.is_generating():
            self.ui.stats.setText(translate("ChatTab", "Engine: {n0}").format(n0=self.engine_combo.currentText()))

    def _update_context_meter(self) -> None:
        """Not per reply (a reply sets the meter from its own counts): after opening a file, changing the
        mode or the model."""
        session = self.controller.session
        self.replies.show_prompt_size(session, self._prompt_request(self.messages) if session else None)

    # ------------------------------------------------------------------ seeing the sampling
    @Slot(int, int)
    def inspect_token(self, message_index: int, token_index: int) -> bool:
        """Chart the distribution token `token_index` of reply `message_index` was sampled from."""
        reply, session = self.replies.reply_at(message_index), self.controller.session
        if reply is None or session is None:
            return False
        shown = self.inspector.inspect_reply(
            session, reply, token_index, engine=self.engines.engine_named(reply.engine, session),
            rebuild_prompt=lambda: self._rebuild_prompt(message_index, self.messages[message_index]))
        self.why.set_charted((message_index, token_index) if shown else None)  # whyTokenButton explains it
        self.branching.charted = (message_index, token_index) if shown else None  # a click on the chart forks it
        return shown

    def conversation_text(self) -> str:
        """The conversation as the model reads it (chat template applied); the Architecture tab's
        "Take the current chat" uses it. '' with no model or no messages."""
        from playground.core.generation.conversation import conversation_as_text

        session = self.controller.session
        if session is None:
            return ""
        return conversation_as_text(session.tokenizer, self.messages, system_prompt=self.system_prompt(),
                                    mode=self.mode())

    def _rebuild_prompt(self, index: int, message):  # for a reply from an opened file (no prompt saved)
        from playground.core.generation.conversation import reply_room
        from playground.core.errors import PlaygroundError

        session = self.controller.session
        reserve = reply_room(message.settings or self.sampling.settings(), session.context_length)
        try:
            return self._prompt_request(self.messages[:index], reserve).build(session.tokenizer).ids
        except PlaygroundError as exc:
            self.inspector.clear(str(exc))
            return None

    @Slot()
    def _on_sampling_changed(self) -> None:
        self.inspector.redraw()
        self.ui.save_settings()

    # ------------------------------------------------------------------ model, mode, compare
    @Slot(object)
    def _on_controller_model_changed(self, info) -> None:
        """A new current model (or the same one moved): pick the mode, reset the context meter."""
        chat_item = self.ui.mode_combo.model().item(0)
        chat_item.setEnabled(info.has_chat_template)
        chat_item.setToolTip("" if info.has_chat_template else translate("ChatTab", "This model has no chat template."))
        if info.source_key != self._model_key:
            self._model_key = info.source_key
            self._set_mode("chat" if info.has_chat_template else "completion")
            any_reply = any(m.role == "assistant" for m in self.messages)  # none on a fresh start
            self.inspector.clear(translate("ChatTab", "The model changed. Click a token of one of its replies.") if any_reply
                                 else translate("TokenDistributionChart", EMPTY_CAPTION))
        self._clear_error()
        self.ui.context_meter.setRange(0, max(1, info.context_length))
        self._update_context_meter()
        self._show_idle_stats()

    def _set_mode(self, mode: str) -> None:
        self.ui.mode_combo.setCurrentIndex(max(0, self.ui.mode_combo.findData(mode)))

    @Slot(str)
    def _on_mode_combo_changed(self, mode: str) -> None:
        self.view.mode = mode
        if not self.is_generating():
            self.view.render(self.messages, mode)
        self._update_context_meter()

    def open_compare(self):
        """Show `compareView`, prompt prefilled from the input box or the last message you sent."""
        from playground.ui.chat.compare import CompareView

        if self.compare_view is None:
            self.compare_view = CompareView(self.controller, self._single_prompt, self._make_engine, self)
            self.compare_view.max_tokens_spin.setValue(min(self.sampling.max_tokens.value(), 128))
        last = self.conversation.last_user_index()
        text = self.input.toPlainText().strip() or (self.messages[last].content if last is not None else "")
        if text and not self.compare_view.is_running():
            self.compare_view.set_prompt(text)
        self.compare_view.show()
        self.compare_view.raise_()
        return self.compare_view

    def _single_prompt(self, text: str) -> list[int]:
        from playground.core.generation.conversation import Message

        session = self.controller.session
        reserve = min(self.compare_view.max_tokens_spin.value(), session.context_length // 2)
        return list(self._prompt_request([Message("user", text)], reserve).build(session.tokenizer).ids)

    # ------------------------------------------------------------------ files
    def _file_fields(self) -> dict:
        session = self.controller.session
        return {"system_prompt": self.system_prompt(), "mode": self.mode(), "settings": self.sampling.settings(),
                "model_name": session.source.name if session is not None else ""}

    def save_conversation(self, path: str | Path) -> bool:
        """Write the conversation as JSON (messages with token probabilities, settings, model id), atomically."""
        session = self.controller.session
        return self.files.save(path, self.messages, model_key=session.identity() if session else "",
                               **self._file_fields())

    def export_markdown(self, path: str | Path) -> bool:
        return self.files.export_markdown(path, self.messages, **self._file_fields())

    def open_conversation(self, path: str | Path) -> bool:
        """Replace the conversation with a saved one. A bad file shows why and changes nothing."""
        from playground.core.generation.conversation import CHAT

        if self.is_generating():
            self.show_notice(translate("ChatTab", "Stop the reply before opening another conversation."), error=True)
            return False
        saved = self.files.read(path)
        if saved is None:
            return False
        self.clear_conversation()
        self.sampling.set_settings(saved.settings)
        self.ui.system_prompt_edit.setPlainText(saved.system_prompt)
        if saved.system_prompt.strip():
            self.ui.system_button.setChecked(True)
        chat_allowed = self.ui.mode_combo.model().item(0).isEnabled()
        self._set_mode(saved.mode if chat_allowed or saved.mode != CHAT else "completion")
        self.conversation.replace(saved.messages)
        self.view.render(self.messages, self.mode())
        self._update_context_meter()
        self._update_buttons()
        self.show_notice(self.files.opened_notice(path, saved, self.controller.session))
        return True

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Stop this tab's workers and wait for them (called when the window closes)."""
        self.replies.shutdown()
        self.tokens.shutdown()
        self.inspector.shutdown()
        self.why.shutdown()
        self.engines.shutdown()
        if self.compare_view is not None:
            self.compare_view.shutdown()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.ui.fit_to_font()
