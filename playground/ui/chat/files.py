"""Save / open / export conversations from the Chat tab (`ConversationFiles`), and remember its settings.

It writes and reads files (with or without the file dialogs) and reports through the notice callback
it is given, never in a modal dialog; the tab hands it what to save and applies what it opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from playground.ui.i18n import translate

LAST_FOLDER = "chat/last_folder"


def restore_chat_settings() -> tuple[str, str]:
    """(the sampling panel's saved values, the system prompt) the Chat tab had when it was last used."""
    settings = QSettings()
    return settings.value("chat/sampling", ""), str(settings.value("chat/system_prompt", "") or "")


def save_chat_settings(sampling_values, system_prompt: str) -> None:
    settings = QSettings()
    settings.setValue("chat/sampling", sampling_values)
    settings.setValue("chat/system_prompt", system_prompt)


class ConversationFiles:
    """`show_notice(text, error=False)` shows the outcome; `parent` owns the file dialogs."""

    def __init__(self, parent: QWidget, show_notice: Callable[..., None]) -> None:
        self._parent, self._show_notice = parent, show_notice

    def save(self, path: str | Path, messages: Sequence, **fields) -> bool:
        """Write the conversation as JSON (messages with token probabilities, settings, model id), atomically.
        `fields`: conversation.save_conversation's (system_prompt, mode, settings, model_name, model_key)."""
        from playground.core.generation.conversation import save_conversation

        return self._write(save_conversation, path, messages, translate("ConversationFiles", "Saved to {path}.").format(path=path), fields)

    def export_markdown(self, path: str | Path, messages: Sequence, **fields) -> bool:
        from playground.core.generation.conversation import export_markdown

        return self._write(export_markdown, path, messages, translate("ConversationFiles", "Exported to {path}.").format(path=path), fields)

    def _write(self, write: Callable, path: str | Path, messages: Sequence, done: str, fields: dict) -> bool:
        from playground.core.errors import PlaygroundError

        try:
            write(path, messages, **fields)
        except PlaygroundError as exc:
            self._show_notice(str(exc), error=True)
            return False
        self._show_notice(done)
        return True

    def read(self, path: str | Path):
        """The saved conversation (conversation.SavedConversation), or None with a notice saying why."""
        from playground.core.generation.conversation import open_conversation
        from playground.core.errors import PlaygroundError

        try:
            return open_conversation(path)
        except PlaygroundError as exc:
            self._show_notice(str(exc), error=True)
            return None

    @staticmethod
    def opened_notice(path: str | Path, saved, session) -> str:
        """What to say once `saved` is the conversation; it may have been written by another model."""
        if session is not None and not session.wrote(saved.model_key):
            return translate("ConversationFiles", "Opened {name}. It was written with {model}; the current model "
                             "continues it.").format(name=Path(path).name,
                                                     model=saved.model_name or translate("ConversationFiles", "another model"))
        return translate("ConversationFiles", "Opened {name}.").format(name=Path(path).name)

    # ------------------------------------------------------------------ dialogs
    def connect_buttons(self, *, save: tuple, open_: tuple, export: tuple) -> None:
        """Each of (button, action): a click asks for a path, then calls `action(path)`."""
        for (button, action), ask in ((save, self.ask_save_path), (open_, self.ask_open_path),
                                      (export, self.ask_export_path)):
            button.clicked.connect(lambda _checked=False, a=action, q=ask: self._ask_then(q, a))

    @staticmethod
    def _ask_then(ask: Callable[[], str | None], action: Callable[[str], bool]) -> None:
        path = ask()
        if path:
            action(path)

    def ask_save_path(self) -> str | None:
        return self._ask(QFileDialog.getSaveFileName, translate("ConversationFiles", "Save conversation"), "chat.json",
                         translate("ConversationFiles", "Conversation (*.json)"), ".json")

    def ask_open_path(self) -> str | None:
        return self._ask(QFileDialog.getOpenFileName, translate("ConversationFiles", "Open conversation"), "",
                         translate("ConversationFiles", "Conversation (*.json);;All files (*)"), "")

    def ask_export_path(self) -> str | None:
        return self._ask(QFileDialog.getSaveFileName, translate("ConversationFiles", "Export as Markdown"), "chat.md",
                         "Markdown (*.md)", ".md")

    def _ask(self, dialog, title: str, name: str, filters: str, suffix: str) -> str | None:
        folder = str(QSettings().value(LAST_FOLDER, str(Path.home())))
        path, _ = dialog(self._parent, title, str(Path(folder, name)) if name else folder, filters)
        if not path:
            return None
        QSettings().setValue(LAST_FOLDER, str(Path(path).parent))
        return path if path.endswith(suffix) else path + suffix
