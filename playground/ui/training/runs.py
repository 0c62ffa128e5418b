"""Past runs: a list to pick from (select several to overlay their loss curves), and hand-offs. The list
and the runs' metrics are read on worker threads (`MetricsReader`), never on the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QVBoxLayout, QWidget)

from playground.ui.i18n import translate

STATUS_MARKS = {"finished": "✓", "stopped": "■", "diverged": "✗", "failed": "✗", "running": "▶",
                "damaged": "⚠", "interrupted": "↯"}


class MetricsReader(QObject):
    """Reads runs' metrics.jsonl on a worker thread, the newest request winning: `read(run_dirs, then)`
    calls `then(list[RunMetrics])` on the GUI thread unless a newer request came before the read
    finished (the older read is stopped and its rows dropped)."""

    read_delivered = Signal()  # after a `then` ran
    read_failed = Signal(object)  # core.errors.Failure

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from playground.workers.jobs import Jobs

        from playground.core.training.runs import MetricsCache

        self._cache = MetricsCache()  # a run already read is not parsed again, only its new lines (thread-safe)
        self._jobs = Jobs(self)

    @property
    def busy(self) -> bool:
        return self._jobs.running("metrics")

    def read(self, run_dirs: list[Path], then: Callable[[list], None]) -> None:
        from playground.core.training.runs import read_runs
        from playground.workers.base import FunctionWorker

        def deliver(runs: list) -> None:
            then(runs)
            self.read_delivered.emit()

        worker = FunctionWorker(read_runs, [Path(p) for p in run_dirs], self._cache)
        self._jobs.start("metrics", worker, deliver, self.read_failed.emit)

    def shutdown(self) -> None:
        self._jobs.shutdown()


class RunsPanel(QWidget):
    selection_changed = Signal(list)  # [Path]: the selected runs, in list order
    chat_requested = Signal(object)  # Path of a run
    inspect_requested = Signal(object)
    resume_requested = Signal(object)
    runs_listed = Signal()  # the list was filled from a fresh listing

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(objectName="runsList")
        self.list.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.list.setToolTip(translate("RunsPanel", "Past runs. Select several (Ctrl/Shift-click) to overlay their loss curves."))
        self.list.itemSelectionChanged.connect(self._on_list_item_selection_changed)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.chat_button = QPushButton(translate("RunsPanel", "Chat with this model"), objectName="chatWithModelButton")
        self.inspect_button = QPushButton(translate("RunsPanel", "Inspect architecture"), objectName="inspectModelButton")
        self.resume_button = QPushButton(translate("RunsPanel", "Resume"), objectName="resumeRunButton")
        self.resume_button.setToolTip(translate("RunsPanel", "Continue the selected run exactly where its last checkpoint left off"))
        self.delete_button = QPushButton(translate("RunsPanel", "Delete"), objectName="deleteRunButton")
        self.chat_button.clicked.connect(lambda: self._emit_for_current(self.chat_requested))
        self.inspect_button.clicked.connect(lambda: self._emit_for_current(self.inspect_requested))
        self.resume_button.clicked.connect(lambda: self._emit_for_current(self.resume_requested))
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        for button in (self.chat_button, self.inspect_button, self.resume_button, self.delete_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.busy_run: Path | None = None  # the run being trained now (not deletable)
        from playground.workers.jobs import Jobs

        self._jobs = Jobs(self)
        self._listing = False  # a listing was asked for and its rows have not arrived (its thread may still end)
        self._select: set[Path] | None = None  # what to select once the listing arrives (None: keep)
        self._update_buttons()

    @property
    def refreshing(self) -> bool:
        return self._listing

    def refresh(self, select: Path | None = None) -> None:
        """List the runs again on a worker thread (selecting `select`, else keeping the selection); a
        listing still running is superseded."""
        from playground.core.training.runs import list_runs
        from playground.workers.base import FunctionWorker

        if select is not None:
            self._select = {Path(select)}
        self._listing = True
        self._jobs.start("runs", FunctionWorker(list_runs), self._on_worker_finished, self._on_worker_failed)

    @Slot(object)
    def _on_worker_failed(self, failure) -> None:  # core.errors.Failure
        self._listing = False
        self.list.clear()
        item = QListWidgetItem(translate("RunsPanel", "Could not list the runs: {message}").format(message=failure.message))
        item.setFlags(Qt.NoItemFlags)
        self.list.addItem(item)

    @Slot(object)
    def _on_worker_finished(self, found: list) -> None:
        self._listing = False
        selected = set(self.selected_runs()) if self._select is None else self._select
        self._select = None
        self.list.blockSignals(True)
        self.list.clear()
        for run in found:
            loss = (" · " + translate("RunsPanel", "loss {loss:.3f}").format(loss=run.last_loss)
                    if isinstance(run.last_loss, (int, float)) else "")
            mark = STATUS_MARKS.get(run.status, "·")
            what = (translate("RunsPanel", "training…") if run.status == "running"
                    else translate("RunsPanel", "{n} steps").format(n=run.steps) + loss)
            if run.status == "damaged":
                what = translate("RunsPanel", "damaged: {message}").format(message=run.message)
            item = QListWidgetItem(f"{mark} {run.name} · {what}")
            item.setData(Qt.UserRole, str(run.path))
            item.setData(Qt.UserRole + 1, run.has_model)
            item.setToolTip(f"{run.path}\n{run.status}: {run.message}")
            self.list.addItem(item)
            if run.path in selected:
                item.setSelected(True)
        self.list.blockSignals(False)
        self._on_list_item_selection_changed()
        self.runs_listed.emit()

    def selected_runs(self) -> list[Path]:
        return [Path(item.data(Qt.UserRole)) for item in self.list.selectedItems()]

    def select_runs(self, run_dirs: list[Path]) -> None:
        """Select these runs (once the listing in progress, if any, has arrived)."""
        if self.refreshing:
            self._select = {Path(p) for p in run_dirs}
            return
        wanted = {str(Path(p)) for p in run_dirs}
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setSelected(item.data(Qt.UserRole) in wanted)

    def current_run(self) -> Path | None:
        runs = self.selected_runs()
        return runs[0] if runs else None

    def _emit_for_current(self, signal) -> None:
        run = self.current_run()
        if run is not None:
            signal.emit(run)

    def _update_buttons(self) -> None:
        items = self.list.selectedItems()
        one = len(items) == 1
        has_model = one and bool(items[0].data(Qt.UserRole + 1))
        self.chat_button.setEnabled(has_model)
        self.inspect_button.setEnabled(has_model)
        idle = self.busy_run is None
        self.resume_button.setEnabled(one and idle)
        self.delete_button.setEnabled(bool(items) and all(Path(i.data(Qt.UserRole)) != self.busy_run for i in items))

    @Slot()
    def _on_list_item_selection_changed(self) -> None:
        self._update_buttons()
        self.selection_changed.emit(self.selected_runs())

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        from playground.core.training.runs import delete_run

        runs = self.selected_runs()
        names = ", ".join(p.name for p in runs)
        answer = QMessageBox.question(self, translate("RunsPanel", "Delete runs"), translate("RunsPanel", "Delete {names} and its checkpoints from disk?").format(names=names))
        if answer != QMessageBox.Yes:
            return
        for run in runs:
            delete_run(run)
        self.refresh()

    def set_busy_run(self, run: Path | None) -> None:
        self.busy_run = run
        self._update_buttons()

    def shutdown(self) -> None:
        self._listing = False
        self._jobs.shutdown()
