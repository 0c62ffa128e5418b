"""The toolbar's model list: the models on this machine, the current one, "Open model folder…" and
"Open GGUF file…"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QWidget

from playground.core.types import ModelSource
from playground.ui.i18n import model_name, translate
from playground.workers.jobs import Jobs
from playground.workers.base import FunctionWorker

OPEN_FOLDER_ITEM = "__open_folder__"
OPEN_GGUF_ITEM = "__open_gguf__"


class ModelSelector(QComboBox):
    """`refresh()` rescans in a worker (the HF cache walk stats every snapshot folder, too slow for the GUI
    thread on every model change); the list shows what is known at once and updates when the scan returns."""

    source_chosen = Signal(object)  # ModelSource the user picked (not the current model)
    open_folder_chosen = Signal()
    open_gguf_chosen = Signal()
    scan_failed = Signal(str)  # what to tell the user

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelSelector")
        self.setMinimumContentsLength(28)
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.setToolTip(translate("ModelSelector", "The model every tab uses. Pick one to load it."))
        self.controller = controller
        self.sources: list[ModelSource] = []  # what the list offers, the current model included
        self._scanned: list[ModelSource] | None = None  # the last scan's models (None: no scan back yet)
        self.jobs = Jobs(self)
        self.activated.connect(self._on_activated)

    def refresh(self) -> None:
        if self._scanned is None:
            from playground.core.models.sources import builtin_source

            builtin = builtin_source()  # a cheap look-up: the list is never empty on the first paint
            self._show([builtin] if builtin is not None else [])
        else:
            self._show(self._scanned)
        from playground.core.models.sources import list_sources

        # A scan still running is superseded: it may have missed the change this refresh is for.
        self.jobs.start("sources", FunctionWorker(list_sources), self._on_scan_finished, self._on_scan_failed)

    def scanning(self) -> bool:
        return self.jobs.running("sources")

    def select_current(self) -> None:
        key = self.controller.session.source.key if self.controller.session else None
        index = self.findData(key) if key else -1
        self.setCurrentIndex(max(index, 0) if key else -1)

    def shutdown(self) -> None:
        self.jobs.shutdown()

    def _show(self, found: list[ModelSource]) -> None:
        self.sources = list(found)
        session = self.controller.session
        if session is not None and session.source.key not in [s.key for s in self.sources]:
            self.sources.append(session.source)  # a folder opened by hand stays listed while it is current
        self.blockSignals(True)
        self.clear()
        for source in self.sources:
            self.addItem(model_name(source.name), source.key)
            self.setItemData(self.count() - 1, source.detail, Qt.ToolTipRole)
        self.addItem(translate("ModelSelector", "Open model folder…"), OPEN_FOLDER_ITEM)
        self.addItem(translate("ModelSelector", "Open GGUF file…"), OPEN_GGUF_ITEM)
        self.select_current()
        self.blockSignals(False)

    @Slot(object)
    def _on_scan_finished(self, found: tuple) -> None:
        self._scanned = list(found)
        self._show(self._scanned)

    @Slot(object)
    def _on_scan_failed(self, failure) -> None:  # the worker's message for the user
        self.scan_failed.emit(f"Could not list the models on this machine: {failure.message}")

    @Slot(int)
    def _on_activated(self, index: int) -> None:
        key = self.itemData(index)
        if key in (OPEN_FOLDER_ITEM, OPEN_GGUF_ITEM):
            self.select_current()
            (self.open_folder_chosen if key == OPEN_FOLDER_ITEM else self.open_gguf_chosen).emit()
            return
        source = next((s for s in self.sources if s.key == key), None)
        if source is not None and (self.controller.session is None or self.controller.session.source.key != key):
            self.source_chosen.emit(source)
