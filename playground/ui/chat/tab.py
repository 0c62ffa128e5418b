"""The Chat tab: talk to the current model and see how sampling picks each token.

Replies stream from a worker (KV cache) on the shared session; tokens are tinted by their probability;
clicking one runs one forward pass and charts that position's distribution, which then follows the
sampling controls live. Save/open/export live in `chat_files`, the compare view in `compare_view`, the
widgets' layout in `chat_layout`, the engines in `chat_engines`.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from playground.ui.chat.engines import EngineSwitcher
from playground.ui.chat.files import ChatFilesMixin
from playground.ui.chat.layout import ChatLayoutMixin
from playground.ui.chat.replies import ChatRepliesMixin


class ChatTab(ChatLayoutMixin, ChatRepliesMixin, ChatFilesMixin, QWidget):
    reply_finished = Signal(object)  # ReplyFinished
    distribution_shown = Signal(object)  # token_inspection.DistributionView

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatTab")
        self.controller = controller
        self.messages: list = []  # conversation.Message
        self._live = None  # chat_replies._LiveReply while a reply streams
        self._editing: int | None = None
        self._model_key = ""
        self._notified_drop = 0
        self.compare_view = None
        self._build()
        self._connect()
        self.engines = EngineSwitcher(self.engine_combo, self.engine_status, controller, show_notice=self.show_notice,
                                      current_notice=self.notice.text, parent=self)
        self.fast_engine_action = self.engines.action  # the main window puts it in the View menu
        self._restore_settings()
        if controller.session is not None:
            self._on_controller_model_changed(controller.session.info())
            self.engines.on_model_changed(controller.session.info())
        self._update_buttons()

    def _connect(self) -> None:
        self.send_button.clicked.connect(self._on_send_button_clicked)
        self.input.submitted.connect(self._on_send_button_clicked)
        self.input.escaped.connect(self._on_input_escaped)
        self.stop_button.clicked.connect(self.stop)
        self.regenerate_button.clicked.connect(self.regenerate)
        self.clear_button.clicked.connect(self.clear_conversation)
        self.compare_button.clicked.connect(self.open_compare)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.view.token_clicked.connect(self.inspect_token)
        self.inspector.distribution_shown.connect(self.distribution_shown)
        self.view.action_requested.connect(self._on_view_action_requested)
        self.sampling.changed.connect(self._on_sampling_changed)
        self.system_prompt_edit.textChanged.connect(self._save_settings)
        self.system_button.toggled.connect(self.system_prompt_edit.setVisible)
        self.mode_combo.currentTextChanged.connect(self._on_mode_combo_changed)
        self.engine_combo.currentTextChanged.connect(lambda _name: self._show_idle_stats())
        self.controller.model_changed.connect(self._on_controller_model_changed)
        self.streamer.tokens_arrived.connect(self._on_streamer_tokens_arrived)
        self.streamer.finished.connect(self._on_streamer_finished)
        self.streamer.failed.connect(self._on_streamer_failed)
        self.streamer.running_changed.connect(self._on_streamer_running_changed)

    # ------------------------------------------------------------------ engines
    def add_engine(self, name: str, factory: Callable, index: int | None = None) -> None:
        """Offer another engine in `engineCombo`; `factory(session) -> Engine` (engine.Engine protocol)."""
        self.engines.add(name, factory, index)

    def _make_engine(self):
        """The engine the next reply runs on: the one `engineCombo` selects, for the current model."""
        return self.engines.make(self.controller.session)

    # ------------------------------------------------------------------ state
    def is_generating(self) -> bool:
        return self.streamer.is_running()

    def mode(self) -> str:
        return self.mode_combo.currentText()

    def system_prompt(self) -> str:
        return self.system_prompt_edit.toPlainText()

    def show_notice(self, text: str, *, error: bool = False) -> None:
        """An inline message above the chat (never a modal dialog); empty text hides it."""
        self.notice.setText(("⚠ " if error and text else "") + text)
        self.notice.setStyleSheet("color: #d84315; font-weight: bold;" if error else "")
        self.notice.setVisible(bool(text))

    def _update_buttons(self) -> None:
        busy = self.is_generating()
        has_user = any(m.role == "user" for m in self.messages)
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.regenerate_button.setEnabled(not busy and has_user)
        for widget in (self.clear_button, self.open_button, self.mode_combo, self.engine_combo):
            widget.setEnabled(not busy)
        self.save_button.setEnabled(not busy and bool(self.messages))
        self.export_button.setEnabled(not busy and bool(self.messages))

    # ------------------------------------------------------------------ chatting
    @Slot()
    def _on_send_button_clicked(self) -> None:
        self.send()

    def send(self, text: str | None = None) -> bool:
        """Send `text` (default: the input box). Replaces the message being edited and what follows it."""
        from playground.core.generation.conversation import COMPLETION, Message

        text = self.input.toPlainText() if text is None else text
        if not text.strip() or self.is_generating():
            return False
        if self.mode() != COMPLETION:
            text = text.strip()
        base = self.messages[: self._editing] if self._editing is not None else self.messages
        if not self._start_reply(list(base) + [Message("user", text)]):
            return False
        self.input.clear()
        self._set_editing(None)
        return True

    def regenerate(self) -> bool:
        """Answer the last user message again; the replies after it are replaced."""
        last = max((i for i, m in enumerate(self.messages) if m.role == "user"), default=None)
        if last is None or self.is_generating():
            return False
        self._set_editing(None)
        return self._start_reply(self.messages[: last + 1])

    def stop(self) -> None:
        """Stop the reply; the worker notices before the next token and the partial reply is kept."""
        self.streamer.stop()

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
        if index is not None:
            self.edit_banner.setText(f"✎ Editing message {index + 1}: Send replaces it and everything after it. "
                                     "Esc cancels.")
        self.edit_banner.setVisible(index is not None)

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
            self.show_notice(f"Message {index + 1} copied to the clipboard.")

    @Slot(str, int)
    def _on_view_action_requested(self, action: str, index: int) -> None:
        (self.begin_edit if action == "edit" else self.copy_message)(index)

    def clear_conversation(self) -> None:
        if self.is_generating():
            return
        self.messages = []
        self._notified_drop = 0
        self._set_editing(None)
        self.view.render([], self.mode())
        self.inspector.clear("Click a token of a reply to see the distribution it was sampled from.")
        self.show_notice("")
        self._update_context_meter()
        self._update_buttons()

    # ------------------------------------------------------------------ seeing the sampling
    @Slot(int, int)
    def inspect_token(self, message_index: int, token_index: int) -> bool:
        """Chart the distribution token `token_index` of reply `message_index` was sampled from."""
        live = self._live if self._live is not None and self._live.index == message_index else None
        message = self.messages[message_index] if message_index < len(self.messages) else None
        steps = live.steps if live else (message.tokens if message is not None else ())
        if not 0 <= token_index < len(steps) or self.controller.session is None:
            return False
        session = self.controller.session
        heading = f"Token {token_index + 1} of this reply"
        if (live.model_key if live else message.model_key) not in ("", session.source.key):
            self.inspector.clear("That reply was written by another model. Load it again to inspect its tokens.")
            return False
        prompt_ids = live.prompt.ids if live else message.prompt_ids
        if prompt_ids is None:  # a reply from an opened file: rebuild the prompt it answered
            prompt_ids = self._rebuild_prompt(message_index, message)
            if prompt_ids is None:
                return False
        context = list(prompt_ids) + [s.token_id for s in steps[:token_index]]
        engine = self.engines.engine_named(live.engine if live else message.engine, session)
        self.inspector.inspect(session, context, steps[token_index].token_id, heading, engine=engine)
        return True

    def conversation_text(self) -> str:
        """The conversation as the model reads it (chat template applied); the Architecture tab's
        "Take the current chat" uses it. '' with no model or no messages."""
        from playground.core.generation.conversation import conversation_as_text

        session = self.controller.session
        if session is None:
            return ""
        return conversation_as_text(session.tokenizer, self.messages, system_prompt=self.system_prompt(),
                                    mode=self.mode())

    def _rebuild_prompt(self, index: int, message):
        from playground.core.generation.conversation import build_prompt, reply_room
        from playground.core.types import PlaygroundError

        session = self.controller.session
        settings = message.settings or self.sampling.settings()
        try:
            return build_prompt(session.tokenizer, self.messages[:index], system_prompt=self.system_prompt(),
                                mode=self.mode(), context_length=session.context_length,
                                reserve=reply_room(settings, session.context_length)).ids
        except PlaygroundError as exc:
            self.inspector.clear(str(exc))
            return None

    @Slot()
    def _on_sampling_changed(self) -> None:
        self.inspector.redraw()
        self._save_settings()

    # ------------------------------------------------------------------ model, mode, compare
    @Slot(object)
    def _on_controller_model_changed(self, info) -> None:
        """A new current model (or the same one moved): pick the mode, reset the context meter."""
        chat_item = self.mode_combo.model().item(0)
        chat_item.setEnabled(info.has_chat_template)
        chat_item.setToolTip("" if info.has_chat_template else "This model has no chat template.")
        if info.source_key != self._model_key:
            self._model_key = info.source_key
            self.mode_combo.setCurrentText("chat" if info.has_chat_template else "completion")
            self.inspector.clear("The model changed. Click a token of one of its replies.")
        self.context_meter.setRange(0, max(1, info.context_length))
        self._update_context_meter()
        self._show_idle_stats()

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
        text = self.input.toPlainText().strip() or next(
            (m.content for m in reversed(self.messages) if m.role == "user"), "")
        if text and not self.compare_view.is_running():
            self.compare_view.set_prompt(text)
        self.compare_view.show()
        self.compare_view.raise_()
        return self.compare_view

    def _single_prompt(self, text: str) -> list[int]:
        from playground.core.generation.conversation import Message, build_prompt

        session = self.controller.session
        return list(build_prompt(session.tokenizer, [Message("user", text)], system_prompt=self.system_prompt(),
                                 mode=self.mode(), context_length=session.context_length,
                                 reserve=min(self.compare_view.max_tokens_spin.value(),
                                             session.context_length // 2)).ids)

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Stop this tab's workers and wait for them (called when the window closes)."""
        self.streamer.shutdown()
        self.inspector.shutdown()
        self.engines.shutdown()
        if self.compare_view is not None:
            self.compare_view.shutdown()
