"""The Architecture tab (filled in by its own issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ArchitectureTab(QWidget):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("architectureTab")
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Architecture: coming soon."))

    def shutdown(self) -> None:
        """Stop any worker this tab started (called when the window closes)."""
