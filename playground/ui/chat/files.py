"""Save / open / export conversations from the Chat tab, and remember its settings. A mixin of `ChatTab`.

`save_conversation(path)`, `open_conversation(path)` and `export_markdown(path)` skip the file dialogs
(tests and scripts use them); problems show inline in `chatNoticeLabel`, never in a modal dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Slot
from PySide6.QtWidgets import QFileDialog


class ChatFilesMixin:
    """Needs the ChatTab widgets: messages, sampling, system_prompt_edit, mode_combo, view, controller."""

    def _file_kwargs(self) -> dict:
        session = self.controller.session
        return {"system_prompt": self.system_prompt(), "mode": self.mode(), "settings": self.sampling.settings(),
                "model_name": session.source.name if session is not None else ""}

    def save_conversation(self, path: str | Path) -> bool:
        """Write the conversation as JSON (messages with token probabilities, settings, model id), atomically."""
        from playground.core.generation.conversation import save_conversation
        from playground.core.types import PlaygroundError

        session = self.controller.session
        try:
            save_conversation(path, self.messages, model_key=session.source.key if session else "",
                              **self._file_kwargs())
        except PlaygroundError as exc:
            self.show_notice(str(exc), error=True)
            return False
        self.show_notice(f"Saved to {path}.")
        return True

    def export_markdown(self, path: str | Path) -> bool:
        from playground.core.generation.conversation import export_markdown
        from playground.core.types import PlaygroundError

        try:
            export_markdown(path, self.messages, **self._file_kwargs())
        except PlaygroundError as exc:
            self.show_notice(str(exc), error=True)
            return False
        self.show_notice(f"Exported to {path}.")
        return True

    def open_conversation(self, path: str | Path) -> bool:
        """Replace the conversation with a saved one. A bad file shows why and changes nothing."""
        from playground.core.generation.conversation import CHAT, open_conversation
        from playground.core.types import PlaygroundError

        if self.is_generating():
            self.show_notice("Stop the reply before opening another conversation.", error=True)
            return False
        try:
            saved = open_conversation(path)
        except PlaygroundError as exc:
            self.show_notice(str(exc), error=True)
            return False
        self.clear_conversation()
        self.sampling.set_settings(saved.settings)
        self.system_prompt_edit.setPlainText(saved.system_prompt)
        if saved.system_prompt.strip():
            self.system_button.setChecked(True)
        chat_allowed = self.mode_combo.model().item(0).isEnabled()
        self.mode_combo.setCurrentText(saved.mode if chat_allowed or saved.mode != CHAT else "completion")
        self.messages = list(saved.messages)
        self.view.render(self.messages, self.mode())
        self._update_context_meter()
        self._update_buttons()
        session = self.controller.session
        if session is not None and saved.model_key and saved.model_key != session.source.key:
            self.show_notice(f"Opened {Path(path).name}. It was written with {saved.model_name or 'another model'}; "
                             "the current model continues it.")
        else:
            self.show_notice(f"Opened {Path(path).name}.")
        return True

    # ------------------------------------------------------------------ dialogs
    def _last_folder(self) -> str:
        return str(QSettings().value("chat/last_folder", str(Path.home())))

    def _remember_folder(self, path: str) -> None:
        QSettings().setValue("chat/last_folder", str(Path(path).parent))

    @Slot()
    def _on_save_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save conversation", str(Path(self._last_folder(), "chat.json")),
                                              "Conversation (*.json)")
        if path:
            self._remember_folder(path)
            self.save_conversation(path if path.endswith(".json") else path + ".json")

    @Slot()
    def _on_open_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open conversation", self._last_folder(),
                                              "Conversation (*.json);;All files (*)")
        if path:
            self._remember_folder(path)
            self.open_conversation(path)

    @Slot()
    def _on_export_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export as Markdown", str(Path(self._last_folder(), "chat.md")),
                                              "Markdown (*.md)")
        if path:
            self._remember_folder(path)
            self.export_markdown(path if path.endswith(".md") else path + ".md")

    # ------------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        settings = QSettings()
        self.sampling.set_values(settings.value("chat/sampling", ""))
        self.system_prompt_edit.setPlainText(str(settings.value("chat/system_prompt", "") or ""))
        self.system_button.setChecked(bool(self.system_prompt().strip()))

    @Slot()
    def _save_settings(self) -> None:
        settings = QSettings()
        settings.setValue("chat/sampling", self.sampling.values())
        settings.setValue("chat/system_prompt", self.system_prompt())
