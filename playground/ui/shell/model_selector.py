"""The toolbar's model list: the models on this machine, the current one, and "Open model folder…"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QWidget

from playground.core.types import ModelSource
from playground.workers.jobs import Jobs
from playground.workers.sources import ListSourcesWorker

OPEN_FOLDER_ITEM = "__open_folder__"


class ModelSelector(QComboBox):
    """`refresh()` rescans in a worker (the HF cache walk stats every snapshot folder, too slow for the GUI
    thread on every model change); the list shows what is known at once and updates when the scan returns."""

    source_chosen = Signal(object)  # ModelSource the user picked (not the current model)
    open_folder_chosen = Signal()
    scan_failed = Signal(str)  # what to tell the user

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelSelector")
        self.setMinimumContentsLength(28)
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.setToolTip("The model every tab uses. Pick one to load it.")
        self.controller = controller
        self.sources: list[ModelSource] = []  # what the list offers, the current model included
        self._scanned: list[ModelSource] | None = None  # the last scan's models (None: no scan back yet)
        self._rescan = False  # refresh() was asked for while a scan ran: it may have missed a change
        self.jobs = Jobs(self)
        self.jobs.job_done.connect(self._on_jobs_job_done)
        self.activated.connect(self._on_activated)

    def refresh(self) -> None:
        if self._scanned is None:
            from playground.core.models.sources import builtin_source

            builtin = builtin_source()  # a cheap look-up: the list is never empty on the first paint
            self._show([builtin] if builtin is not None else [])
        else:
            self._show(self._scanned)
        if not self.jobs.start("sources", ListSourcesWorker(), self._on_scan_finished, self._on_scan_failed):
            self._rescan = True

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
            self.addItem(source.name, source.key)
            self.setItemData(self.count() - 1, source.detail, Qt.ToolTipRole)
        self.addItem("Open model folder…", OPEN_FOLDER_ITEM)
        self.select_current()
        self.blockSignals(False)

    @Slot(object)
    def _on_scan_finished(self, found: tuple) -> None:
        self._scanned = list(found)
        self._show(self._scanned)

    @Slot(object)
    def _on_scan_failed(self, failure) -> None:  # the worker's message for the user
        self.scan_failed.emit(f"Could not list the models on this machine: {failure}")

    @Slot(str)
    def _on_jobs_job_done(self, name: str) -> None:
        if name == "sources" and self._rescan:
            self._rescan = False
            self.refresh()

    @Slot(int)
    def _on_activated(self, index: int) -> None:
        key = self.itemData(index)
        if key == OPEN_FOLDER_ITEM:
            self.select_current()
            self.open_folder_chosen.emit()
            return
        source = next((s for s in self.sources if s.key == key), None)
        if source is not None and (self.controller.session is None or self.controller.session.source.key != key):
            self.source_chosen.emit(source)
