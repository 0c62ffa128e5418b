"""Past runs: a list to pick from (select several to overlay their loss curves), and hand-offs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QVBoxLayout, QWidget)

STATUS_MARKS = {"finished": "✓", "stopped": "■", "diverged": "✗", "failed": "✗", "running": "▶"}


class RunsPanel(QWidget):
    selection_changed = Signal(list)  # [Path]: the selected runs, in list order
    chat_requested = Signal(object)  # Path of a run
    inspect_requested = Signal(object)
    resume_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(objectName="runsList")
        self.list.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.list.setToolTip("Past runs. Select several (Ctrl/Shift-click) to overlay their loss curves.")
        self.list.itemSelectionChanged.connect(self._on_list_item_selection_changed)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.chat_button = QPushButton("Chat with this model", objectName="chatWithModelButton")
        self.inspect_button = QPushButton("Inspect architecture", objectName="inspectModelButton")
        self.resume_button = QPushButton("Resume", objectName="resumeRunButton")
        self.resume_button.setToolTip("Continue the selected run exactly where its last checkpoint left off")
        self.delete_button = QPushButton("Delete", objectName="deleteRunButton")
        self.chat_button.clicked.connect(lambda: self._emit_for_current(self.chat_requested))
        self.inspect_button.clicked.connect(lambda: self._emit_for_current(self.inspect_requested))
        self.resume_button.clicked.connect(lambda: self._emit_for_current(self.resume_requested))
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        for button in (self.chat_button, self.inspect_button, self.resume_button, self.delete_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.busy_run: Path | None = None  # the run being trained now (not deletable)
        self._update_buttons()

    def refresh(self, select: Path | None = None) -> None:
        from playground.core.training.runs import list_runs

        selected = set(self.selected_runs()) if select is None else {Path(select)}
        self.list.blockSignals(True)
        self.list.clear()
        for run in list_runs():
            loss = f" · loss {run.last_loss:.3f}" if isinstance(run.last_loss, (int, float)) else ""
            mark = STATUS_MARKS.get(run.status, "·")
            what = "training…" if run.status == "running" else f"{run.steps} steps{loss}"
            item = QListWidgetItem(f"{mark} {run.name} · {what}")
            item.setData(Qt.UserRole, str(run.path))
            item.setData(Qt.UserRole + 1, run.has_model)
            item.setToolTip(f"{run.path}\n{run.status}: {run.message}")
            self.list.addItem(item)
            if run.path in selected:
                item.setSelected(True)
        self.list.blockSignals(False)
        self._on_list_item_selection_changed()

    def selected_runs(self) -> list[Path]:
        return [Path(item.data(Qt.UserRole)) for item in self.list.selectedItems()]

    def select_runs(self, run_dirs: list[Path]) -> None:
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
        answer = QMessageBox.question(self, "Delete runs", f"Delete {names} and its checkpoints from disk?")
        if answer != QMessageBox.Yes:
            return
        for run in runs:
            delete_run(run)
        self.refresh()

    def set_busy_run(self, run: Path | None) -> None:
        self.busy_run = run
        self._update_buttons()
