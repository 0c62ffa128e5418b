"""The six sampling controls, as one widget (the Chat tab has one, each Compare column another), and in the
Chat tab's the sliding-window option."""

from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QGridLayout, QLabel, QSpinBox, QWidget

from playground.ui.i18n import translate

RANDOM_SEED = -1  # the seed spin's minimum, shown as "random"


class SamplingPanel(QWidget):
    """temperatureSpin, topKSpin, topPSpin, repetitionPenaltySpin, maxTokensSpin, seedSpin (+ `suffix`);
    with the length controls also slidingWindowCheck."""

    changed = Signal()  # any value changed

    def __init__(self, parent: QWidget | None = None, *, suffix: str = "", with_length: bool = True,
                 columns: int = 1) -> None:
        super().__init__(parent)
        self.suffix = suffix
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)

        self.temperature = self._double(f"temperatureSpin{suffix}", 0.0, 2.0, 0.05, 0.7)
        self.temperature.setSpecialValueText(translate("SamplingPanel", "0 (greedy)"))
        self.temperature.setToolTip(
            translate("SamplingPanel", "Divides the logits before softmax. Low = safe and repetitive, high = surprising. "
            "0 always picks the most likely token (greedy)."))
        self.top_k = QSpinBox(objectName=f"topKSpin{suffix}", minimum=0, maximum=1000, value=50)
        self.top_k.setSpecialValueText(translate("SamplingPanel", "off"))
        self.top_k.setToolTip(translate("SamplingPanel", "Only the k most likely tokens can be picked. 0 = off."))
        self.top_p = self._double(f"topPSpin{suffix}", 0.05, 1.0, 0.05, 0.95)
        self.top_p.setToolTip(translate("SamplingPanel", "Nucleus sampling: only the most likely tokens whose probabilities add up to p "
                              "can be picked. 1 = off."))
        self.repetition = self._double(f"repetitionPenaltySpin{suffix}", 1.0, 2.0, 0.05, 1.0)
        self.repetition.setToolTip(translate("SamplingPanel", "Above 1, tokens already in the conversation become less likely. 1 = off."))
        self.max_tokens = QSpinBox(objectName=f"maxTokensSpin{suffix}", minimum=1, maximum=8192, value=256)
        self.max_tokens.setToolTip(translate("SamplingPanel", "The longest reply, in tokens."))
        self.seed = QSpinBox(objectName=f"seedSpin{suffix}", minimum=RANDOM_SEED, maximum=2**31 - 1,
                             value=RANDOM_SEED)
        self.seed.setSpecialValueText(translate("SamplingPanel", "random"))
        self.seed.setToolTip(translate("SamplingPanel", "A fixed seed reproduces a sampled reply exactly. Lowest value = random."))

        rows = [(translate("SamplingPanel", "Temperature"), self.temperature), (translate("SamplingPanel", "Top-k"), self.top_k), (translate("SamplingPanel", "Top-p"), self.top_p),
                (translate("SamplingPanel", "Repetition penalty"), self.repetition)]
        if with_length:
            rows += [(translate("SamplingPanel", "Max tokens"), self.max_tokens), (translate("SamplingPanel", "Seed"), self.seed)]
        for n, (label, spin) in enumerate(rows):
            row, col = divmod(n, columns)
            text = QLabel(label)
            text.setBuddy(spin)
            text.setToolTip(spin.toolTip())
            grid.addWidget(text, row, 2 * col)
            grid.addWidget(spin, row, 2 * col + 1)
            grid.setColumnStretch(2 * col + 1, 1)
            spin.valueChanged.connect(self.changed)
        self.sliding = QCheckBox(translate("SamplingPanel", "Slide past a full context"), objectName=f"slidingWindowCheck{suffix}")
        self.sliding.setToolTip(
            translate("SamplingPanel", "When prompt and reply fill the model's context, keep writing from its last context-length tokens "
            "(the oldest, the prompt first, are forgotten; each token past it re-reads the whole window). "
            "Off: the reply stops with “context full”. Small models trained here have learned "
            "positions: nothing exists past their context."))
        self.sliding.toggled.connect(self.changed)
        if with_length:
            grid.addWidget(self.sliding, grid.rowCount(), 0, 1, 2 * columns)
        else:
            self.max_tokens.hide()
            self.seed.hide()
            self.sliding.hide()

    @staticmethod
    def _double(name: str, low: float, high: float, step: float, value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(objectName=name, minimum=low, maximum=high, singleStep=step, decimals=2)
        spin.setValue(value)
        return spin

    def spins(self) -> list[QWidget]:
        return [self.temperature, self.top_k, self.top_p, self.repetition, self.max_tokens, self.seed]

    def settings(self):
        """The current values as core `SamplingSettings`."""
        from playground.core.generation.sampling import SamplingSettings

        seed = self.seed.value()
        return SamplingSettings(
            temperature=round(self.temperature.value(), 4), top_k=self.top_k.value(),
            top_p=round(self.top_p.value(), 4), repetition_penalty=round(self.repetition.value(), 4),
            max_new_tokens=self.max_tokens.value(), seed=None if seed == RANDOM_SEED else seed)

    def sliding_window(self) -> bool:
        """Past a full context, go on from its last tokens (stream.generate_stream's `sliding_window`)."""
        return self.sliding.isChecked()

    def values(self) -> str:
        """The spin values (and the sliding window) as JSON (for QSettings), without importing torch."""
        values = {spin.objectName().removesuffix(self.suffix): spin.value() for spin in self.spins()}
        return json.dumps({**values, "slidingWindow": self.sliding.isChecked()})

    def set_values(self, text: str) -> None:
        """Restore `values()`; anything unreadable is ignored."""
        try:
            values = json.loads(text)
        except (TypeError, ValueError):
            return
        if not isinstance(values, dict):
            return
        for spin in self.spins():
            value = values.get(spin.objectName().removesuffix(self.suffix))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                spin.setValue(value)
        if isinstance(values.get("slidingWindow"), bool):
            self.sliding.setChecked(values["slidingWindow"])

    def set_settings(self, settings) -> None:
        """Show `settings` (values outside a spin's range are clamped); emits `changed` once."""
        self.blockSignals(True)
        for spin in self.spins():
            spin.blockSignals(True)
        try:
            self.temperature.setValue(settings.temperature)
            self.top_k.setValue(settings.top_k)
            self.top_p.setValue(settings.top_p)
            self.repetition.setValue(settings.repetition_penalty)
            self.max_tokens.setValue(settings.max_new_tokens)
            self.seed.setValue(RANDOM_SEED if settings.seed is None else settings.seed)
        finally:
            for spin in self.spins():
                spin.blockSignals(False)
            self.blockSignals(False)
        self.changed.emit()
