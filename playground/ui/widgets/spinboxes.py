"""Spin boxes more than one tab uses."""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox


class SciSpinBox(QDoubleSpinBox):
    """A spin box that shows and accepts numbers like 3e-4."""

    def __init__(self, value: float, minimum: float = 0.0, maximum: float = 1e6, **kwargs) -> None:
        super().__init__(**kwargs)
        self.setDecimals(12)
        self.setRange(minimum, maximum)
        self.setValue(value)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        try:
            float(text)
            return QValidator.Acceptable, text, pos
        except ValueError:
            return QValidator.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - ×/÷ 2 per click: learning rates live on a log scale
        self.setValue(self.value() * (2.0 ** steps) if self.value() else 1e-4)
