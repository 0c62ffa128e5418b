"""Small layout helpers the tabs share: a margin-less column, a row."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLayout, QVBoxLayout, QWidget


def column(*items: QWidget | QLayout, stretch: int = 0) -> QWidget:
    """A widget holding `items` top to bottom, without margins; item `stretch` takes the spare height."""
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, item in enumerate(items):
        factor = 1 if index == stretch else 0
        if isinstance(item, QLayout):
            layout.addLayout(item, factor)
        else:
            layout.addWidget(item, factor)
    return widget


def row(*widgets: QWidget, stretch: int | None = None) -> QHBoxLayout:
    """`widgets` side by side; widget `stretch` (if given) takes the spare width."""
    layout = QHBoxLayout()
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if index == stretch else 0)
    return layout
