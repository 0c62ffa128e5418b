"""The sample view: what the model writes every few steps, newest at the bottom."""

from __future__ import annotations

import html

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QTextEdit, QWidget

from playground.ui.i18n import translate


class SampleView(QTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="sampleView", readOnly=True)
        self.setPlaceholderText(translate("SampleView", "Samples from the model appear here while it trains."))
        self.setLineWrapMode(QTextEdit.WidgetWidth)
        font = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        self.document().setDefaultFont(font)
        self.document().setMaximumBlockCount(2000)  # long runs: keep the newest samples

    def add_sample(self, sample) -> None:
        """One core `Sample`: a header with the step (and accuracy), the prompt in grey, then the text."""
        head = translate("SampleView", "step {step:,}").format(step=sample.step)
        if sample.accuracy is not None:
            head += translate("SampleView", " · {accuracy:.0%} right").format(accuracy=sample.accuracy)
        body = f'<span style="color:#888;">{html.escape(sample.prompt)}</span>' if sample.prompt else ""
        body += html.escape(sample.text)
        self.append(f'<div style="white-space: pre-wrap;"><b>── {head} ──</b><br>{body}</div>')
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
