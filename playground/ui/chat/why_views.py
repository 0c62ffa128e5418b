"""The two views of "Why this token?" (a `core.inspect.why.TokenWhy`):

- `WhyAttentionView` (`whyAttentionView`): what the position that wrote the token attends to, one row
  per layer (the mean over its heads) over the conversation's tokens; **Every head** (`whyPerHeadButton`)
  shows one row per layer and head. Click a row: the text below is tinted by that row (at first by the
  mean of all layers).
- `WhyLensView` (`whyLogitLensView`): its logit lens, one row per layer: the chance of the token actually
  written and its rank there, then that layer's top predictions, tinted by probability.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QTableView, QTextBrowser, QVBoxLayout, QWidget

from playground.core import format as fmt
from playground.ui.i18n import translate
from playground.ui.widgets.contrast import tint_color, tint_text_color
from playground.ui.widgets.heatmap import HeatmapData, HeatmapView, lut
from playground.ui.widgets.layouts import row

PER_HEAD_ROW_HEIGHT = 6  # pixels per layer × head row; the rest scroll
LENS_COLUMNS = 3  # top predictions shown per layer (the tooltip of the written token's cell has its rank)


class WhyAttentionView(QWidget):
    row_selected = Signal(int)  # the heatmap row the text is tinted by (-1: the mean of all layers)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("whyAttentionView")
        self.why = None
        self._row: int | None = None
        self.per_head_button = QPushButton(translate("WhyAttentionView", "Every head"), objectName="whyPerHeadButton", checkable=True)
        self.per_head_button.setToolTip(translate("WhyAttentionView", "One row per layer and head instead of each layer's mean over its heads"))
        self.per_head_button.toggled.connect(self._on_per_head_button_toggled)
        self.title = QLabel("", objectName="whyAttentionTitle", wordWrap=True)
        self.heatmap = HeatmapView("whyAttentionHeatmap")
        self.heatmap.set_empty_text(translate("WhyAttentionView", "Click “Why this token?” to see what the model looked at."))
        self.heatmap.cell_clicked.connect(self._on_heatmap_cell_clicked)
        self.strip = QTextBrowser(objectName="whyTokenStrip")
        self.strip.setOpenLinks(False)
        self.strip.anchorClicked.connect(self._on_strip_anchor_clicked)
        self.strip.setMaximumHeight(self.fontMetrics().height() * 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = row(self.title, self.per_head_button, stretch=0)
        layout.addLayout(header)
        layout.addWidget(self.heatmap, 1)
        layout.addWidget(self.strip)
        self.per_head_button.setEnabled(False)

    def clear(self, message: str) -> None:
        self.why, self._row = None, None
        self.heatmap.set_data(None)
        self.heatmap.set_empty_text(message)
        self.strip.setHtml("")
        self.title.setText("")
        self.per_head_button.setEnabled(False)

    def set_why(self, why) -> None:
        self.why, self._row = why, None
        self.per_head_button.setEnabled(True)
        self._show()

    def per_head(self) -> bool:
        return self.per_head_button.isChecked()

    def _show(self) -> None:
        why = self.why
        labels = tuple(fmt.token_label(t) for t in why.tokens)
        layers = tuple(f"L{layer}" for layer in range(why.num_layers))
        if self.per_head():
            rows = tuple(f"L{layer}·H{head}" for layer in range(why.num_layers) for head in range(why.num_heads))
            data = HeatmapData(why.per_head(), rows, labels, "", causal=False, row_axis="", col_axis="token",
                               row_group=why.num_heads, group_labels=layers)
            self.heatmap.set_min_row_height(PER_HEAD_ROW_HEIGHT)
        else:
            data = HeatmapData(why.head_average(), layers, labels, "", causal=False, row_axis="",
                               col_axis="token")
            self.heatmap.set_min_row_height(0)
        self.heatmap.set_data(data)
        what = (translate("WhyAttentionView", "{layers} layers × {heads} heads") if self.per_head() else
                translate("WhyAttentionView", "{layers} layers, each the mean of its {heads} heads")).format(
            layers=why.num_layers, heads=why.num_heads)
        self.title.setText(translate("WhyAttentionView", "Attention when writing “{n0}”").format(n0=html.escape(fmt.token_label(why.target_text, 30))))
        self.title.setToolTip(translate("WhyAttentionView", "What the position that wrote it attends to: {what}. Click a row to tint the text by it; hover for the exact weight, wheel to zoom.").format(what=what))
        self._update_strip()

    def values(self):
        """The heatmap's (rows, tokens) weights on show, or None."""
        data = self.heatmap.data()
        return None if data is None else data.values

    def strip_weights(self):
        """What the tinted text shows: the chosen row, or the mean of every row."""
        values = self.values()
        if values is None:
            return None
        return values[self._row] if self._row is not None and self._row < len(values) else values.mean(axis=0)

    def select_row(self, index: int | None) -> None:
        self._row = index
        self.heatmap.mark_row(index)
        self._update_strip()
        self.row_selected.emit(-1 if index is None else index)

    def _update_strip(self) -> None:
        weights, why = self.strip_weights(), self.why
        if weights is None:
            return
        table, top = lut(), float(weights.max()) or 1.0
        parts = []
        for i, text in enumerate(why.tokens):
            level = int(255 * (float(weights[i]) / top) ** 0.5)
            r, g, b = table[level][:3]
            ink = "#000" if level > 150 else "#fff"
            last = "border: 2px solid #ff4d4d; font-weight: bold;" if i == len(why.tokens) - 1 else ""
            shown = html.escape(text.replace("\n", "↵"))
            parts.append(f"<a href='tok:{i}' style='text-decoration:none'><span style='padding:1px; "
                         f"background-color: rgb({r},{g},{b}); color:{ink}; {last}'>{shown}</span></a>")
        which = translate("WhyAttentionView", "the mean of every row") if self._row is None else self.heatmap.data().row_labels[self._row]
        self.strip.setHtml(translate("WhyAttentionView", "<small>Tinted by {which}; reading the boxed token, the model wrote “{n1}”.</small><br><div style='line-height:150%'>{parts}</div>").format(which=html.escape(which), n1=html.escape(fmt.token_label(why.target_text, 30)), parts=''.join(parts)))

    @Slot(bool)
    def _on_per_head_button_toggled(self, _on: bool) -> None:
        if self.why is not None:
            self._row = None
            self._show()

    @Slot(int, int)
    def _on_heatmap_cell_clicked(self, row_index: int, _col: int) -> None:
        self.select_row(None if row_index == self._row else row_index)

    @Slot(QUrl)
    def _on_strip_anchor_clicked(self, _url: QUrl) -> None:
        self.select_row(None)


def settled(ranks) -> str:
    """When the token written became, for good, the top prediction (ranks: 0 = top, per layer)."""
    if int(ranks[-1]) != 0:
        return translate("WhyLensView", "is the output's choice #{rank}: sampling picked it, not the top one").format(
            rank=int(ranks[-1]) + 1)
    first = len(ranks) - 1
    while first > 0 and int(ranks[first - 1]) == 0:
        first -= 1
    if first == 0:
        return translate("WhyLensView", "is the top prediction from the embeddings on")
    return translate("WhyLensView", "is the top prediction from layer {layer} on").format(layer=first)


class WhyLensModel(QAbstractTableModel):
    """Rows: the embeddings, then each layer (the last is the output). Columns: the token written, then
    the layer's top-k predictions."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.why = None
        self.base = QPalette().color(QPalette.Base)

    def set_why(self, why, base) -> None:
        self.beginResetModel()
        self.why, self.base = why, base
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if self.why is None or parent.isValid() else len(self.why.target_probs)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if self.why is None or parent.isValid() else 1 + min(LENS_COLUMNS, self.why.lens.top_ids.shape[2])

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if self.why is None or role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return f"“{fmt.token_label(self.why.target_text, 12)}”" if section == 0 else f"#{section}"
        if section == 0:
            return translate("WhyLensModel", "embed")
        if section == self.rowCount() - 1:
            return translate("WhyLensModel", "L{layer} out").format(layer=section)
        return f"L{section}"

    def cell(self, layer: int, col: int) -> tuple[str, float, bool]:
        """(text, probability, bold: the token written as that layer's top prediction) of one cell."""
        why = self.why
        if col == 0:
            rank = int(why.target_ranks[layer])
            return f"{100 * float(why.target_probs[layer]):.1f}% #{rank + 1}", float(why.target_probs[layer]), rank == 0
        token_id = int(why.lens.top_ids[layer, 0, col - 1])
        prob = float(why.lens.top_probs[layer, 0, col - 1])
        text = fmt.token_label(why.lens.top_tokens[layer][0][col - 1], 12)
        return f"{text} {100 * prob:.0f}%", prob, token_id == why.target_id

    def data(self, index, role=Qt.DisplayRole):
        if self.why is None or not index.isValid():
            return None
        text, prob, written = self.cell(index.row(), index.column())
        if role == Qt.DisplayRole:
            return text
        if role == Qt.BackgroundRole:
            return tint_color(prob, self.base)
        if role == Qt.ForegroundRole:
            return tint_text_color(prob, self.base)
        if role == Qt.FontRole and written:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ToolTipRole:
            where = (translate("WhyLensModel", "the embeddings alone") if index.row() == 0 else
                     translate("WhyLensModel", "layer {layer}").format(layer=index.row()))
            if index.column() == 0:
                return translate("WhyLensModel", "After {where}, the token written (“{token}”) had {percent:.2f} % and "
                                 "was the model's choice #{rank}").format(
                    where=where, token=fmt.token_label(self.why.target_text, 20), percent=100 * prob,
                    rank=int(self.why.target_ranks[index.row()]) + 1)
            written_note = translate("WhyLensModel", " (the token written)") if written else ""
            return translate("WhyLensModel", "After {where}, prediction #{rank}: {text}{written}").format(
                where=where, rank=index.column(), text=text, written=written_note)
        return None


class WhyLensView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("whyLogitLensView")
        self.status = QLabel("", objectName="whyLensStatus", wordWrap=True)
        self.model = WhyLensModel(self)
        self.table = QTableView(objectName="whyLogitLensTable")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

    def clear(self, message: str) -> None:
        self.model.set_why(None, self._base())
        self.status.setText(message)

    def set_why(self, why) -> None:
        self.model.set_why(why, self._base())
        self.status.setText(translate("WhyLensView", "Logit lens: “{n0}” {target_ranks}.").format(n0=html.escape(fmt.token_label(why.target_text, 30)), target_ranks=settled(why.target_ranks)))
        self.status.setToolTip(translate("WhyLensView", "What each layer would write if the model stopped there (final norm + LM head). "
                               "First column: the chance and rank of the token written; then each layer's top "
                               "predictions, tinted by probability; bold = the token written."))
        QTimer.singleShot(0, self.table, self.table.scrollToBottom)  # the output row, once laid out

    def cell_text(self, layer: int, column: int) -> str:
        return self.model.data(self.model.index(layer, column))

    def _base(self):
        return self.palette().color(QPalette.Base)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override: follow the theme
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange and self.model.why is not None:
            self.model.set_why(self.model.why, self._base())
