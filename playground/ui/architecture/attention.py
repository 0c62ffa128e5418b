"""The attention view: a layer × head grid of heatmaps, one opened exactly, and one token followed.

- Click a grid cell: its full heatmap opens on the right (token labels, exact weight on hover).
- "Average over heads": one cell per layer.
- Pick a query token (the list, a click in the heatmap, or a token in the strip): the strip tints what
  it attends to, and "All heads" shows its row in every layer and head at once.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from playground.core import format as fmt
from playground.ui.architecture.attention_grid import AttentionGrid
from playground.ui.i18n import translate
from playground.ui.widgets.heatmap import HeatmapData, HeatmapView, colorize, lut

if TYPE_CHECKING:
    import numpy as np

AVERAGE = -1
ACROSS_ROW_HEIGHT = 8  # pixels per layer × head row in "All heads for this token"; the rest scroll


class AttentionView(QWidget):
    query_selected = Signal(int)  # -1 when cleared

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionView")
        self._capture = None
        self._labels: tuple[str, ...] = ()
        self._cell: tuple[int, int] = (0, 0)  # (layer, head or AVERAGE) shown in the heatmap
        self._query: int | None = None
        self._across = False  # the heatmap shows the query token across all heads
        self._build()

    def _build(self) -> None:
        self.mode_combo = QComboBox(objectName="attentionMode")
        self.mode_combo.addItem(translate("AttentionView", "Every head"), "heads")
        self.mode_combo.addItem(translate("AttentionView", "Average over heads"), "average")
        self.mode_combo.currentIndexChanged.connect(self._on_mode_combo_current_index_changed)
        self.boost_check = QCheckBox(translate("AttentionView", "√ contrast"), objectName="boostCheck", checked=True)
        self.boost_check.setToolTip(translate("AttentionView", "Colour by √weight so small weights stay visible (hover shows the exact value)"))
        self.boost_check.toggled.connect(self._on_boost_check_toggled)
        self.query_combo = QComboBox(objectName="queryTokenCombo")
        self.query_combo.setMinimumContentsLength(14)
        self.query_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.query_combo.activated.connect(self._on_query_combo_activated)
        self.across_button = QPushButton(translate("AttentionView", "All heads for this token"), objectName="acrossHeadsButton")
        self.across_button.setCheckable(True)
        self.across_button.toggled.connect(self._on_across_button_toggled)
        self.export_grid_button = QPushButton(translate("AttentionView", "Export grid…"), objectName="exportGridButton")
        self.export_grid_button.clicked.connect(self._on_export_grid_button_clicked)
        self.export_heatmap_button = QPushButton(translate("AttentionView", "Export heatmap…"), objectName="exportHeatmapButton")
        self.export_heatmap_button.clicked.connect(self._on_export_heatmap_button_clicked)
        controls = QHBoxLayout()
        for widget in (QLabel(translate("AttentionView", "Show")), self.mode_combo, self.boost_check, QLabel(translate("AttentionView", "  Query token")),
                       self.query_combo, self.across_button):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.export_grid_button)
        controls.addWidget(self.export_heatmap_button)

        self.grid = AttentionGrid()
        self.grid.cell_clicked.connect(self._on_grid_cell_clicked)
        self.grid_scroll = QScrollArea(objectName="attentionGridScroll")
        self.grid_scroll.setWidget(self.grid)
        self.grid_scroll.setWidgetResizable(False)
        self.heatmap = HeatmapView("attentionHeatmap")
        self.heatmap.cell_clicked.connect(self._on_heatmap_cell_clicked)
        split = QSplitter(Qt.Horizontal, objectName="attentionSplitter")
        split.addWidget(self.grid_scroll)
        split.addWidget(self.heatmap)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 560])
        self.strip = QTextBrowser(objectName="tokenStrip")
        self.strip.setOpenLinks(False)
        self.strip.anchorClicked.connect(self._on_strip_anchor_clicked)
        self.strip.setMaximumHeight(self.fontMetrics().height() * 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(split, 1)
        layout.addWidget(self.strip)
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.mode_combo, self.query_combo, self.across_button, self.export_grid_button,
                       self.export_heatmap_button):
            widget.setEnabled(on)

    # ------------------------------------------------------------------ content
    def clear(self, message: str) -> None:
        self._capture = None
        self.grid.set_cells([], [], [], [])
        self.heatmap.set_data(None)
        self.heatmap.set_empty_text(message)
        self.strip.setHtml("")
        self.query_combo.clear()
        self._set_enabled(False)

    def capture(self):
        return self._capture

    def set_capture(self, capture) -> None:
        self._capture = capture
        self._labels = tuple(fmt.token_label(t) for t in capture.tokens)
        self._query, self._across = None, False
        self.across_button.blockSignals(True)
        self.across_button.setChecked(False)
        self.across_button.blockSignals(False)
        self.query_combo.clear()
        self.query_combo.addItem(translate("AttentionView", "(none)"), -1)
        for i, label in enumerate(self._labels):
            self.query_combo.addItem(f"{i}: {label}", i)
        self._set_enabled(True)
        self.across_button.setEnabled(False)
        self._rebuild_grid()
        self.show_cell(capture.num_layers - 1, AVERAGE if self._average() else 0)

    def _average(self) -> bool:
        return self.mode_combo.currentData() == "average"

    def _rebuild_grid(self) -> None:
        c = self._capture
        if c is None:
            return
        boost = self.boost_check.isChecked()
        if self._average():
            images = [[colorize(c.average_thumbs[layer], boost=boost, causal=True)] for layer in range(c.num_layers)]
            heads, labels = [AVERAGE], [translate("AttentionView", "mean")]
            tips = [translate("AttentionView", "the mean of its {heads} heads").format(heads=c.num_heads)]
        else:
            images = [[colorize(c.thumbs[layer, head], boost=boost, causal=True) for head in range(c.num_heads)]
                      for layer in range(c.num_layers)]
            heads = list(range(c.num_heads))
            labels = [f"H{h}" for h in heads]
            tips = [translate("AttentionView", "head {head} (key/value head {kv_head} of {kv_heads})").format(
                head=h, kv_head=c.kv_head(h), kv_heads=c.num_kv_heads) for h in heads]
        self.grid.set_cells(images, heads, labels, tips)
        self.grid.set_marker(None if self._query is None else (self._query + 0.5) / c.num_tokens)

    def show_cell(self, layer: int, head: int) -> None:
        """Open one head's exact heatmap (head = -1: the layer's head average)."""
        c = self._capture
        if c is None:
            return
        from playground.core.inspect.attention import head_average

        self._cell, self._across = (layer, head), False
        self.across_button.blockSignals(True)
        self.across_button.setChecked(False)
        self.across_button.blockSignals(False)
        self.grid.select(layer, head)
        if head == AVERAGE:
            values = head_average(c.attentions, layer)
            title = translate("AttentionView", "Layer {layer}, mean of {heads} heads").format(layer=layer, heads=c.num_heads)
        else:
            values = c.attentions[layer, head].astype("float32")
            title = translate("AttentionView", "Layer {layer}, head {head} (shares key/value head {kv_head})").format(
                layer=layer, head=head, kv_head=c.kv_head(head))
        self.heatmap.set_min_row_height(0)  # a head's tokens × tokens: all of it, zoom to read
        self.heatmap.set_data(HeatmapData(values, self._labels, self._labels, title + translate("AttentionView", " · rows: queries, columns: keys")))
        self.heatmap.mark_row(self._query)
        self._update_strip()

    def select_query(self, index: int | None, *, across: bool = True) -> None:
        """Follow one token: its row is marked everywhere; `across` shows it in every layer and head."""
        c = self._capture
        if c is None:
            return
        self._query = index
        self.query_combo.setCurrentIndex(0 if index is None else index + 1)
        self.grid.set_marker(None if index is None else (index + 0.5) / c.num_tokens)
        self.across_button.setEnabled(index is not None)
        self.across_button.blockSignals(True)
        self.across_button.setChecked(across and index is not None)
        self.across_button.blockSignals(False)
        if across and index is not None:
            self._show_across(index)
        else:
            self.show_cell(*self._cell)
        self.query_selected.emit(-1 if index is None else index)

    def _show_across(self, query: int) -> None:
        from playground.core.inspect.attention import token_attention

        c = self._capture
        self._across = True
        values = token_attention(c.attentions, query)  # (L·H, query+1)
        layers = tuple(f"L{layer}" for layer in range(c.num_layers))
        if self._average():
            values = values.reshape(c.num_layers, c.num_heads, -1).mean(axis=1)
            rows, group = layers, 1
        else:
            rows = tuple(f"L{layer}·H{head}" for layer in range(c.num_layers) for head in range(c.num_heads))
            group = c.num_heads
        title = translate("AttentionView", "What token {query} “{token}” attends to, in every layer and head").format(
            query=query, token=self._labels[query])
        self.heatmap.set_min_row_height(ACROSS_ROW_HEIGHT)
        self.heatmap.set_data(HeatmapData(values, rows, self._labels[: query + 1], title, causal=False,
                                          row_axis="", col_axis="key", row_group=group, group_labels=layers))
        self.heatmap.mark_row(None)
        self._update_strip()

    def heatmap_values(self) -> np.ndarray | None:
        data = self.heatmap.data()
        return None if data is None else data.values

    # ------------------------------------------------------------------ the token strip
    def _strip_weights(self) -> np.ndarray | None:
        """What the followed token attends to, as shown: this head's row, or the mean over rows."""
        values = self.heatmap_values()
        if values is None or self._query is None:
            return None
        return values.mean(axis=0) if self._across else values[self._query, : self._query + 1]

    def _update_strip(self) -> None:
        c = self._capture
        if c is None:
            return
        weights = self._strip_weights()
        table = lut()
        top = float(weights.max()) if weights is not None and weights.size else 1.0
        parts = ["<div style='line-height:150%'>"]
        for i, text in enumerate(c.tokens[:2000]):
            shown = html.escape(text.replace("\n", "↵"))
            style = "padding:1px;"
            if weights is not None and i <= self._query:
                level = int(255 * (float(weights[i]) / top) ** 0.5) if top > 0 else 0
                r, g, b = table[level][:3]
                ink = "#000" if level > 150 else "#fff"
                style += f"background-color: rgb({r},{g},{b}); color:{ink};"
            elif weights is not None:
                style += "color: gray;"
            if i == self._query:
                style += "border: 2px solid #ff4d4d; font-weight: bold;"
            parts.append(f"<a href='tok:{i}' style='text-decoration:none'><span style='{style}'>{shown}</span></a>")
        parts.append("</div>")
        hint = (translate("AttentionView", "Click a token to follow it.") if self._query is None else
                translate("AttentionView", "Tinted by how much “{token}” attends to each earlier token.").format(
                    token=html.escape(self._labels[self._query])))
        self.strip.setHtml(f"<small>{hint}</small><br>" + "".join(parts))

    # ------------------------------------------------------------------ handlers
    @Slot(int, int)
    def _on_grid_cell_clicked(self, layer: int, head: int) -> None:
        self.show_cell(layer, head)

    @Slot(int, int)
    def _on_heatmap_cell_clicked(self, row: int, col: int) -> None:
        c = self._capture
        if c is None:
            return
        if self._across:  # a (layer, head) row: open that head with the token still followed
            layer, head = (row, AVERAGE) if self._average() else divmod(row, c.num_heads)
            self.show_cell(layer, head)
        else:
            self.select_query(row, across=False)

    @Slot(int)
    def _on_query_combo_activated(self, index: int) -> None:
        value = self.query_combo.itemData(index)
        self.select_query(None if value is None or value < 0 else int(value))

    @Slot(bool)
    def _on_across_button_toggled(self, on: bool) -> None:
        if self._query is not None:
            self.select_query(self._query, across=on)

    @Slot(int)
    def _on_mode_combo_current_index_changed(self, _index: int) -> None:
        if self._capture is None:
            return
        self._rebuild_grid()
        if self._across and self._query is not None:
            self._show_across(self._query)
            self.grid.select(self._cell[0], AVERAGE if self._average() else 0)
        else:
            self.show_cell(self._cell[0], AVERAGE if self._average() else max(self._cell[1], 0))

    @Slot(bool)
    def _on_boost_check_toggled(self, on: bool) -> None:
        self.heatmap.set_boost(on)
        self._rebuild_grid()
        self.grid.select(*self._cell)

    @Slot(QUrl)
    def _on_strip_anchor_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("tok:"):
            self.select_query(int(text[4:]), across=self._across)

    def export_grid_png(self, path: str) -> bool:
        return self.grid.export_png(path)

    def export_heatmap_png(self, path: str) -> bool:
        return self.heatmap.export_png(path)

    def _ask_path(self, suggestion: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, translate("AttentionView", "Export as PNG"), suggestion, translate("AttentionView", "PNG image (*.png)"))
        return path if not path or path.lower().endswith(".png") else path + ".png"

    @Slot()
    def _on_export_grid_button_clicked(self) -> None:
        path = self._ask_path("attention-grid.png")
        if path:
            self.export_grid_png(path)

    @Slot()
    def _on_export_heatmap_button_clicked(self) -> None:
        layer, head = self._cell
        path = self._ask_path(f"attention-L{layer}-{'mean' if head == AVERAGE else f'H{head}'}.png")
        if path:
            self.export_heatmap_png(path)
