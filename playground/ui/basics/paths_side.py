"""The optimizer paths panel's side column: where each optimizer stands (loss and distance to the
minimum at the step shown) and, for each, a check box to show its path, its update rule and the idea
behind it."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QGroupBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from playground.core.basics.paths import OPTIMIZERS
from playground.ui.basics.core_texts import core_text
from playground.ui.basics.paths_plot import path_color
from playground.ui.widgets.contrast import MutedLabel
from playground.ui.i18n import translate

INDENT = 22  # pixels: a rule sits under its check box's text, past the indicator


def rule_html(rule: str) -> str:
    """An update rule as rich text, variables in italics as in print (which also draws m̂'s hat in
    place: plain text put it beside the letter)."""
    text = html.escape(rule)
    # Single letters are variables; "a", "A" and "I" are words.
    text = re.sub(r"(?<![A-Za-z&#])([B-HJ-Zb-zθηβρε]\u0302?)(?![A-Za-z;])", r"<i>\1</i>", text)
    return text.replace("\n", "<br>")


def _swatch(color: QColor) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(color)
    return QIcon(pixmap)


class OptimizerSide(QWidget):
    shown_changed = Signal(str, bool)  # optimizer key, whether its path is drawn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.caption = QLabel(objectName="pathResultsCaption", wordWrap=True)
        self.table = QTableWidget(len(OPTIMIZERS), 2, objectName="pathResultsTable")
        self.table.setHorizontalHeaderLabels([translate("OptimizerSide", "Loss"), translate("OptimizerSide", "Distance\nto minimum")])
        self.table.setVerticalHeaderLabels([core_text(spec.title) for spec in OPTIMIZERS])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        for row in range(self.table.rowCount()):
            for col in range(2):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(row, col, item)
        self.checks, self.rules = {}, {}
        rules = QGroupBox(translate("OptimizerSide", "Update rules (g = ∇L(θ))"))
        rules_layout = QVBoxLayout(rules)
        for spec in OPTIMIZERS:
            check = QCheckBox(core_text(spec.title), objectName=f"pathShow_{spec.key}", checked=True)
            check.toggled.connect(lambda on, key=spec.key: self.shown_changed.emit(key, on))
            rule = QLabel(rule_html(spec.rule), objectName=f"pathRule_{spec.key}", wordWrap=True)
            rule.setTextFormat(Qt.RichText)
            rule.setTextInteractionFlags(Qt.TextSelectableByMouse)
            rule.setContentsMargins(INDENT, 0, 0, 0)
            idea = MutedLabel(rule_html(core_text(spec.idea)), objectName=f"pathIdea_{spec.key}", wordWrap=True)
            idea.setTextFormat(Qt.RichText)
            idea.setContentsMargins(INDENT, 0, 0, 8)
            self.checks[spec.key], self.rules[spec.key] = check, rule
            for widget in (check, rule, idea):
                rules_layout.addWidget(widget)
        for widget in (self.caption, self.table, rules):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._apply_colors()

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)

    def show_step(self, result, step: int) -> None:
        """Each optimizer's loss and distance to the minimum at `step` of a PathsResult."""
        steps = result.config.steps
        self.caption.setText(translate("OptimizerSide", "At step {step} of {steps}:").format(step=step, steps=steps) if step < steps
                             else translate("OptimizerSide", "After {step} steps:").format(step=step))
        for row, path in enumerate(result.paths):
            i = path.at(step)
            diverged = path.diverged and step >= len(path.points) - 1
            cells = (translate("OptimizerSide", "diverged"), translate("OptimizerSide", "(step {step})").format(step=len(path.points) - 1)) if diverged else (
                f"{path.losses[i]:.3g}", f"{path.distances[i]:.3g}")
            for col, text in enumerate(cells):
                self.table.item(row, col).setText(text)

    def _apply_colors(self) -> None:
        dark = self.palette().color(QPalette.Window).lightness() < 128
        for spec in OPTIMIZERS:
            self.checks[spec.key].setIcon(_swatch(path_color(spec.key, dark)))

    def _fit_table(self) -> None:
        """The table shows its five rows and the widest number whole at any zoom: no scroll bar inside the
        column's scroll, no "0.00…", and columns that do not jump as the numbers change."""
        metrics = self.table.fontMetrics()
        number = metrics.horizontalAdvance("−0.000213") + 16
        widths = [max(number, metrics.horizontalAdvance(line) + 16) for line in (
            *translate("OptimizerSide", "Loss").splitlines(), *translate("OptimizerSide", "Distance\nto minimum").splitlines())]
        for col, width in enumerate(widths):
            self.table.setColumnWidth(col, width)
        side = self.table.verticalHeader().sizeHint().width()
        self.table.setMinimumWidth(side + sum(widths) + 2 * self.table.frameWidth() + 2)
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(i) for i in range(self.table.rowCount()))
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + rows + 2 * self.table.frameWidth() + 2)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fit_table()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange:
            self._apply_colors()
        elif event.type() == QEvent.FontChange:
            self._fit_table()
