"""The logit lens: what each layer would predict if the model stopped there, tinted by probability.

Rows run from the embeddings (top) to the last layer (bottom, the model's own prediction); columns
are input positions. Bold cells already agree with the final answer: watch it form layer by layer.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox, QTableView,
                               QVBoxLayout, QWidget)

from playground.core import format as fmt
from playground.ui.i18n import translate
from playground.ui.widgets.contrast import tint_color as cell_color, tint_text_color as cell_text_color
from playground.ui.widgets.heatmap import save_png


class LensModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.lens = None
        self.input_labels: tuple[str, ...] = ()
        self.base = QColor("white")

    def set_lens(self, lens, input_labels: tuple[str, ...], base: QColor) -> None:
        self.beginResetModel()
        self.lens, self.input_labels, self.base = lens, input_labels, base
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if self.lens is None or parent.isValid() else int(self.lens.top_ids.shape[0])

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if self.lens is None or parent.isValid() else len(self.lens.positions)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if self.lens is None:
            return None
        if orientation == Qt.Horizontal:
            pos = self.lens.positions[section]
            if role == Qt.DisplayRole:
                return self.input_labels[pos]
            if role == Qt.ToolTipRole:
                return translate("LogitLensModel", "Input token {position}: “{token}”. Cells below: the token predicted after it.").format(
                    position=pos, token=self.input_labels[pos])
            return None
        last = self.rowCount() - 1
        if role == Qt.DisplayRole:
            if section == 0:
                return translate("LogitLensModel", "embeddings")
            if section == last:
                return translate("LogitLensModel", "layer {layer} (output)").format(layer=section)
            return translate("LogitLensModel", "layer {layer}").format(layer=section)
        return None

    def data(self, index, role=Qt.DisplayRole):
        if self.lens is None or not index.isValid():
            return None
        layer, col = index.row(), index.column()
        prob = float(self.lens.top_probs[layer, col, 0])
        if role == Qt.DisplayRole:
            return fmt.token_label(self.lens.top_tokens[layer][col][0], 12)
        if role == Qt.BackgroundRole:
            return cell_color(prob, self.base)
        if role == Qt.ForegroundRole:
            return cell_text_color(prob, self.base)
        if role == Qt.FontRole and self._agrees(layer, col):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ToolTipRole:
            top = ", ".join(f"“{fmt.token_label(t, 20)}” {100 * float(p):.1f} %"
                            for t, p in zip(self.lens.top_tokens[layer][col], self.lens.top_probs[layer, col]))
            pos = self.lens.positions[col]
            if layer == 0:
                return translate("LogitLensModel", "After “{token}” (position {position}), the embeddings predict: {top}").format(
                    token=self.input_labels[pos], position=pos, top=top)
            return translate("LogitLensModel", "After “{token}” (position {position}), layer {layer} predicts: {top}").format(
                token=self.input_labels[pos], position=pos, layer=layer, top=top)
        return None

    def _agrees(self, layer: int, col: int) -> bool:
        return int(self.lens.top_ids[layer, col, 0]) == int(self.lens.top_ids[-1, col, 0])


class LogitLensView(QWidget):
    positions_requested = Signal(object)  # tuple[int, ...]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logitLensView")
        self._labels: tuple[str, ...] = ()
        self.start_spin = QSpinBox(objectName="lensStartSpin", minimum=0, maximum=0)
        self.count_spin = QSpinBox(objectName="lensCountSpin", minimum=1, maximum=64, value=24)
        self.count_spin.setToolTip(translate("LogitLensView", "Each position costs one LM-head pass per layer; at most 64 at a time"))
        self._request_timer = QTimer(self, singleShot=True, interval=300, timeout=self._emit_request)
        for spin in (self.start_spin, self.count_spin):
            spin.valueChanged.connect(self._request_timer.start)
        self.export_button = QPushButton(translate("LogitLensView", "Export PNG…"), objectName="exportLensButton")
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.status = QLabel(translate("LogitLensView", "Run some text to see the answer form layer by layer."), objectName="lensStatus")
        self.status.setWordWrap(True)
        self.model = LensModel(self)
        self.table = QTableView(objectName="logitLensTable")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.setSelectionMode(QTableView.SingleSelection)
        controls = QHBoxLayout()
        for widget in (QLabel(translate("LogitLensView", "Positions from")), self.start_spin, QLabel(translate("LogitLensView", "count")), self.count_spin):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

    def clear(self, message: str) -> None:
        self.model.set_lens(None, (), self._base())
        self.status.setText(message)

    def set_capture(self, capture) -> tuple[int, ...]:
        """Prepare for a new capture; returns the default positions (the last ones)."""
        self._labels = tuple(fmt.token_label(t, 12) for t in capture.tokens)
        n = capture.num_tokens
        for spin in (self.start_spin, self.count_spin):
            spin.blockSignals(True)
        self.count_spin.setValue(min(self.count_spin.value(), n) or 1)
        self.start_spin.setMaximum(max(n - 1, 0))
        self.start_spin.setValue(max(n - self.count_spin.value(), 0))
        for spin in (self.start_spin, self.count_spin):
            spin.blockSignals(False)
        self.status.setText(translate("LogitLensView", "Running the logit lens…"))
        return self.positions(n)

    def positions(self, num_tokens: int | None = None) -> tuple[int, ...]:
        n = num_tokens if num_tokens is not None else len(self._labels)
        start = min(self.start_spin.value(), max(n - 1, 0))
        return tuple(range(start, min(start + self.count_spin.value(), n)))

    def set_lens(self, lens) -> None:
        self.model.set_lens(lens, self._labels, self._base())
        last = lens.top_ids.shape[0] - 1
        self.status.setText(
            translate("LogitLensView", "{last} layers × {positions} positions in {seconds:.1f} s. Each cell: the next token the model would predict if it stopped after that layer (final norm + LM head). Stronger blue = more probable; bold = already the final answer; hover for the top 5.").format(last=last, positions=len(lens.positions), seconds=lens.seconds))

    def lens(self):
        return self.model.lens

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange and self.model.lens is not None:  # follow the theme
            self.model.set_lens(self.model.lens, self._labels, self._base())

    def cell_text(self, layer: int, column: int) -> str:
        return self.model.data(self.model.index(layer, column))

    def _base(self) -> QColor:
        return self.palette().color(QPalette.Base)

    @Slot()
    def _emit_request(self) -> None:
        if self._labels:
            self.positions_requested.emit(self.positions())

    def export_png(self, path: str) -> bool:
        return save_png(self.table.grab().toImage(), path)

    @Slot()
    def _on_export_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, translate("LogitLensView", "Export as PNG"), "logit-lens.png", translate("LogitLensView", "PNG image (*.png)"))
        if path:
            self.export_png(path if path.lower().endswith(".png") else path + ".png")
