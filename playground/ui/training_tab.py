"""The Training tab (filled in by its own issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class TrainingTab(QWidget):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingTab")
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Training: coming soon."))

    def shutdown(self) -> None:
        """Stop any worker this tab started (called when the window closes)."""
