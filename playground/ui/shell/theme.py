"""Light/dark palettes and app-wide font zoom (for presenters: Ctrl+= / Ctrl+-)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

MIN_ZOOM, MAX_ZOOM = 0.6, 3.0
_base_point_size: float | None = None


def base_point_size() -> float:
    global _base_point_size
    if _base_point_size is None:
        size = QApplication.font().pointSizeF()
        _base_point_size = size if size > 0 else 10.0
    return _base_point_size


def apply_zoom(zoom: float, root: QWidget | None = None) -> float:
    """Scale the application font; every widget that uses the default font follows. Widgets of `root`
    with a style sheet keep their old font until the sheet is set again, so it is (the engine status label
    stayed small). Only `root`'s: another window's widgets may be mid-deletion (a crash in the tests)."""
    zoom = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
    size = base_point_size() * zoom
    if abs(QApplication.font().pointSizeF() - size) < 1e-6:
        return zoom  # nothing changes: no app-wide font event
    font = QFont(QApplication.font())
    font.setPointSizeF(size)
    QApplication.setFont(font)
    if root is not None:
        for widget in [root, *root.findChildren(QWidget)]:
            if widget.styleSheet():
                widget.setStyleSheet(widget.styleSheet())
    return zoom


def apply_theme(dark: bool) -> None:
    app = QApplication.instance()
    if app.style().name().lower() != "fusion":
        # Replacing the style deletes the old QStyle; a widget still pending deletion (a closed
        # window's dock) can then paint with it and crash. So the style is set once per app.
        app.setStyle("Fusion")
    if not dark:
        app.setPalette(app.style().standardPalette())
        return
    palette = QPalette()
    colors = {
        QPalette.Window: "#1e1f22", QPalette.WindowText: "#e6e6e6", QPalette.Base: "#16171a",
        QPalette.AlternateBase: "#24262a", QPalette.ToolTipBase: "#2b2d31", QPalette.ToolTipText: "#e6e6e6",
        QPalette.Text: "#e6e6e6", QPalette.Button: "#2b2d31", QPalette.ButtonText: "#e6e6e6",
        QPalette.BrightText: "#ff5555", QPalette.Highlight: "#3d7eff", QPalette.HighlightedText: "#ffffff",
        QPalette.Link: "#6ea8ff", QPalette.PlaceholderText: "#8a8d93",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.Disabled, QPalette.Text, QColor("#6b6e74"))
    palette.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#6b6e74"))
    app.setPalette(palette)


def is_dark() -> bool:
    return QApplication.palette().color(QPalette.Window).lightness() < 128


def apply_high_contrast() -> None:
    """Presenter mode's palette: white on black, yellow selection, for a washed-out projector.
    `apply_theme(dark)` puts the normal one back."""
    apply_theme(True)
    palette = QPalette(QApplication.palette())
    colors = {
        QPalette.Window: "#000000", QPalette.WindowText: "#ffffff", QPalette.Base: "#000000",
        QPalette.AlternateBase: "#1a1a1a", QPalette.Text: "#ffffff", QPalette.Button: "#1a1a1a",
        QPalette.ButtonText: "#ffffff", QPalette.Highlight: "#ffd500", QPalette.HighlightedText: "#000000",
        QPalette.Link: "#7fd4ff", QPalette.PlaceholderText: "#c8c8c8", QPalette.Mid: "#bfbfbf",
        QPalette.ToolTipBase: "#000000", QPalette.ToolTipText: "#ffffff",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.Disabled, QPalette.Text, QColor("#9a9a9a"))
    palette.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#9a9a9a"))
    QApplication.instance().setPalette(palette)
