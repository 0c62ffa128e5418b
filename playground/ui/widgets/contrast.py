"""Readable text colours: WCAG 2 contrast (4.5:1 for normal text), a text colour for any cell
background, a probability as a blue cell tint (`tint_color`), and `MutedLabel`, a secondary-text label
that stays readable in either theme.

A style sheet's `palette(placeholder-text)` is resolved once, when the widget is polished: after a
theme change it kept the light theme's grey, unreadable on the dark window. `MutedLabel` picks its
colour from the current palette on every palette change instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

READABLE = 4.5  # WCAG AA, normal text
BLACK, WHITE = QColor(0, 0, 0), QColor(255, 255, 255)


def relative_luminance(color: QColor) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(color.red()) + 0.7152 * linear(color.green()) + 0.0722 * linear(color.blue())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """1 (the same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """`a` moved a fraction `t` of the way to `b` (opaque)."""
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


def over(color: QColor, background: QColor) -> QColor:
    """`color` as it shows, alpha included, on an opaque `background`."""
    return mix(background, color, color.alphaF())


def readable_text_color(background: QColor) -> QColor:
    """Black or white, whichever reads better on `background` (always at least 4.58:1)."""
    return BLACK if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background) else WHITE


PROBABILITY_TINT = QColor("#2e86de")


def tint_color(prob: float, base: QColor) -> QColor:
    """A table cell's background: `base` tinted blue by a probability (the logit lens tables)."""
    return mix(base, PROBABILITY_TINT, min(max(prob, 0.0), 1.0))


def tint_text_color(prob: float, base: QColor) -> QColor:
    """Black or white, whichever reads better on `tint_color` (WCAG contrast, ≥ 4.5:1 on every tint)."""
    return readable_text_color(tint_color(prob, base))


def muted_text_color(palette: QPalette) -> QColor:
    """The palette's placeholder grey, moved towards the text colour (`Text`: `MutedLabel` sets its own
    `WindowText`) just enough to read (4.5:1) on the window background."""
    window = palette.color(QPalette.Window)
    text = over(palette.color(QPalette.Text), window)
    muted = over(palette.color(QPalette.PlaceholderText), window)
    for step in range(11):
        color = mix(muted, text, step / 10)
        if contrast_ratio(color, window) >= READABLE:
            return color
    return text


class MutedLabel(QLabel):
    """Secondary text (a status, a hint) in a muted colour that stays readable when the theme changes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._apply_color()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange:
            self._apply_color()

    def _apply_color(self) -> None:
        palette = self.palette()
        color = muted_text_color(palette)
        if palette.color(QPalette.WindowText) != color:  # setPalette sends PaletteChange again
            palette.setColor(QPalette.WindowText, color)
            self.setPalette(palette)
