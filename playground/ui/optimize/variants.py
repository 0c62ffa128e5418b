"""The Optimize tab's "Save variant…" and "Load into Chat" for the selected report row.

A torch variant is saved as a model folder (safetensors + JSON, atomic) and loaded as the current model.
A fast-engine (ONNX) variant is not a model folder: it is the Chat tab's Fast engine for the current
model, already built into the cache. "Load into Chat" selects that engine in the Chat tab; "Save" is
disabled for it (the tooltip says why).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Slot

from playground.ui.optimize.files import load_settings, variant_folder
from playground.ui.i18n import translate

ONNX_SAVE_TIP = QT_TRANSLATE_NOOP("VariantActionsMixin", "This variant is the Chat tab's fast engine (ONNX Runtime), kept in the app's cache and used "
                 "automatically for this model: there is no model folder to save. Use Load into Chat.")
SAVE_TIP = QT_TRANSLATE_NOOP("VariantActionsMixin", "Save the selected variant as a model folder (safetensors + JSON).")
LOAD_TIP = QT_TRANSLATE_NOOP("VariantActionsMixin", "Make the selected variant the current model (saves it first).")
ONNX_LOAD_TIP = QT_TRANSLATE_NOOP("VariantActionsMixin", "Chat with the current model on this fast engine: selects it in the Chat tab's Engine box.")


class VariantActionsMixin:
    """Save / load of report rows; mixed into OptimizeTab (needs `_selected`, `_start`, `controller`…)."""

    def _refresh_variant_buttons(self, busy: bool, model_busy: bool) -> None:
        selected = self._selected()
        onnx = selected is not None and selected.onnx_folder is not None
        has_model = selected is not None and selected.model is not None
        self.save_button.setEnabled(has_model and not busy)
        self.save_button.setToolTip(translate("VariantActionsMixin", ONNX_SAVE_TIP if onnx else SAVE_TIP))
        self.load_button.setEnabled((has_model or onnx) and not busy and not model_busy)
        self.load_button.setToolTip(translate("VariantActionsMixin", ONNX_LOAD_TIP if onnx else LOAD_TIP))

    def save_selected(self, folder: str | Path | None = None, then_load: bool = False) -> bool:
        selected = self._selected()
        if selected is None or selected.model is None or self.busy:
            return False
        from dataclasses import asdict

        from playground.workers.base import FunctionWorker
        from playground.workers.optimize import save

        folder = Path(folder) if folder else variant_folder(selected)
        info = {"name": selected.metrics.name, "base_model": selected.base_name,
                "report": asdict(selected.metrics)}
        worker = FunctionWorker(save, selected.model, selected.tokenizer, folder, info)
        self._saving, self._load_after_save = selected, then_load
        self._start(worker, f"Saving {folder.name}…")
        return True

    @Slot()
    def _on_save_button_clicked(self) -> None:
        self.save_selected()

    def _on_variant_saved(self, folder: str) -> None:
        self._saved[id(self._saving)] = folder
        self.show_message(translate("VariantActionsMixin", "Saved to {folder}. Open it any time with File → Open model folder.").format(folder=folder))
        self._finished_ok = True
        if self._load_after_save:
            self._load_after_save = False
            self._load_folder(self._saving, folder)

    def load_selected(self) -> bool:
        """Make the selected variant the current model: save it (if not yet), then load the folder. For a
        fast-engine variant: select that engine in the Chat tab instead."""
        selected = self._selected()
        if selected is not None and selected.onnx_folder is not None:
            return self._use_fast_engine(selected)
        if selected is None or selected.model is None:
            return False
        folder = self._saved.get(id(selected))
        if folder is None:
            return self.save_selected(then_load=True)
        return self._load_folder(selected, folder)

    def _use_fast_engine(self, result) -> bool:
        session = self.controller.session
        if session is None or session.source.name != result.base_name:
            self.show_message(translate("VariantActionsMixin", "This row was measured on {base_name}. Load that model again to chat with it on {engine_name}.").format(base_name=result.base_name, engine_name=result.engine_name), error=True)
            return False
        self.engine_requested.emit(result.engine_name)
        self.show_message(translate("VariantActionsMixin", "Chat now answers with {engine_name}: the same ONNX model this row measured (the Engine box in the Chat tab switches back any time).").format(engine_name=result.engine_name))
        self.navigate_requested.emit("chatTab")
        return True

    def _load_folder(self, result, folder: str) -> bool:
        from playground.core.models.sources import folder_source

        device, dtype = load_settings(result, self.controller.session.info().device)
        if not self.controller.load(folder_source(folder), device, dtype):
            self.show_message(translate("VariantActionsMixin", "The model is busy loading; try again in a moment."), error=True)
            return False
        self.show_message(translate("VariantActionsMixin", "Loading {name} into Chat…").format(name=Path(folder).name))
        self.navigate_requested.emit("chatTab")
        return True

    @Slot()
    def _on_load_button_clicked(self) -> None:
        self.load_selected()
