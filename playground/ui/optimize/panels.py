"""The Optimize tab's building blocks: technique choices, measurement settings, the report table."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QScrollArea, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.core.optimize.compression.spec import (IMPORTANCE, METHODS, SAFE_SPARSITY, SPARSITY_WARNING,
                                                       CompressionSpec, sparsity_warning)
from playground.core.optimize.evaluation import EvalSettings
from playground.core.optimize.onnx_variants import VARIANTS, OnnxVariant
from playground.core.optimize.report import HEADERS, cells
from playground.ui.i18n import core_text, translate

DEFAULT_CHECKED = ("bfloat16", "int8-dynamic", "int4-weight")
# key -> (label, tip): the torch compressions, then the fast engine's ONNX builds
TECHNIQUES = {**METHODS, **{key: (label, tip) for key, (label, tip, _precision) in VARIANTS.items()}}


def scroll(widget: QWidget) -> QScrollArea:
    """`widget` in a vertical-only scroll area that is never narrower than the widget wants."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    area.setMinimumWidth(widget.minimumSizeHint().width() + 24)
    area.setWidget(widget)
    return area


def button(text: str, name: str, slot, tip: str) -> QPushButton:
    widget = QPushButton(text, objectName=name)
    widget.setToolTip(tip)
    widget.clicked.connect(slot)
    return widget

# The importance measures of core IMPORTANCE, for lupdate.
_IMPORTANCE_NAMES = (QT_TRANSLATE_NOOP("TechniquePanel", "activation"), QT_TRANSLATE_NOOP("TechniquePanel", "weight"))


class TechniquePanel(QGroupBox):
    """Which techniques to run (checkable list) and their settings."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("TechniquePanel", "Techniques"), parent)
        layout = QVBoxLayout(self)
        self.list = QListWidget(objectName="techniqueList")
        self.list.setToolTip(translate("TechniquePanel", "Tick one or more; each makes a variant of the current model (the model itself "
                             "is never changed)."))
        for key, (label, tip) in TECHNIQUES.items():
            item = QListWidgetItem(core_text(label))
            item.setData(Qt.UserRole, key)
            item.setToolTip(core_text(tip))
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if key in DEFAULT_CHECKED else Qt.Unchecked)
            self.list.addItem(item)
        self._fit_list()
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        layout.addWidget(self.list)

        form = QFormLayout()
        self.sparsity = self._double("sparsitySpin", 0.0, 1.0, SAFE_SPARSITY, 0.05,
                                     translate("TechniquePanel", "Magnitude pruning: the fraction of each layer's "
                                               "weights set to zero (0–0.99). {safe:g} keeps the built-in model usable; "
                                               "from 0.35 on it breaks.").format(safe=SAFE_SPARSITY))
        self.sparsity_warning = QLabel(objectName="sparsityWarning", wordWrap=True)
        self.sparsity_warning.setStyleSheet("color: #d08000;")  # the status bar's "not exact" amber
        self.sparsity_warning.hide()
        self.sparsity.valueChanged.connect(self._update_sparsity_warning)
        self.list.itemChanged.connect(self._update_sparsity_warning)
        self.heads = QSpinBox(objectName="pruneHeadsSpin", minimum=0, maximum=64, value=3)
        self.heads.setToolTip(translate("TechniquePanel", "Head pruning: query heads removed in every layer (the least important ones)."))
        self.heads.valueChanged.connect(lambda _v: self.changed.emit())
        self.mlp = self._double("mlpFractionSpin", 0.0, 1.0, 0.25, 0.05,
                                translate("TechniquePanel", "MLP pruning: the fraction of hidden channels removed in every layer."))
        self.importance = QComboBox(objectName="importanceCombo")
        for key in IMPORTANCE:  # the data is the core's name
            self.importance.addItem(translate("TechniquePanel", key), key)
        self.importance.setToolTip(translate("TechniquePanel", "How heads/channels are ranked. activation: their measured contribution on "
                                   "a little calibration text; weight: the norms of their weights (no data)."))
        self.importance.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.group_size = QComboBox(objectName="groupSizeCombo")
        self.group_size.addItems(["32", "64", "128"])
        self.group_size.setCurrentText("64")
        self.group_size.setToolTip(translate("TechniquePanel", "Weight-only int8/int4: how many weights share one scale. Smaller groups are "
                                   "more accurate and cost a little more memory."))
        self.group_size.currentIndexChanged.connect(lambda _i: self.changed.emit())
        form.addRow(translate("TechniquePanel", "Sparsity"), self.sparsity)
        form.addRow(self.sparsity_warning)
        form.addRow(translate("TechniquePanel", "Heads to remove / layer"), self.heads)
        form.addRow(translate("TechniquePanel", "MLP channels to remove"), self.mlp)
        form.addRow(translate("TechniquePanel", "Importance"), self.importance)
        form.addRow(translate("TechniquePanel", "Group size"), self.group_size)
        layout.addLayout(form)

    def _update_sparsity_warning(self, *_args) -> None:
        text = sparsity_warning(self.sparsity.value(), core_text(SPARSITY_WARNING)) if "magnitude" in self.checked() else ""
        self.sparsity_warning.setText(text)
        self.sparsity_warning.setVisible(bool(text))

    def _fit_list(self) -> None:
        """Every technique visible without scrolling, at any zoom."""
        rows_height = self.list.sizeHintForRow(0) * len(TECHNIQUES) + 2 * self.list.frameWidth() + 4
        self.list.setFixedHeight(rows_height)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fit_list()

    def _double(self, name: str, lo: float, hi: float, value: float, step: float, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(objectName=name, minimum=lo, maximum=hi, value=value, singleStep=step, decimals=2)
        spin.setToolTip(tip)
        spin.valueChanged.connect(lambda _v: self.changed.emit())
        return spin

    def set_checked(self, keys) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in keys else Qt.Unchecked)

    def checked(self) -> list[str]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.Checked]

    def specs(self) -> list[CompressionSpec | OnnxVariant]:
        common = dict(sparsity=round(self.sparsity.value(), 4), heads_per_layer=self.heads.value(),
                      mlp_fraction=round(self.mlp.value(), 4), group_size=int(self.group_size.currentText()),
                      importance=self.importance.currentData())
        return [OnnxVariant(key) if key in VARIANTS else CompressionSpec(key, **common) for key in self.checked()]


class MeasurePanel(QGroupBox):
    """What every row is measured on: the prompt, generated tokens, and the perplexity text."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("MeasurePanel", "Measure"), parent)
        defaults = EvalSettings()
        form = QFormLayout(self)
        self.prompt = QLineEdit(defaults.prompt, objectName="evalPromptEdit")
        self.prompt.setToolTip(translate("MeasurePanel", "Every variant answers this prompt greedily; the answers sit side by side."))
        self.new_tokens = QSpinBox(objectName="evalTokensSpin", minimum=1, maximum=256, value=defaults.new_tokens)
        self.new_tokens.setToolTip(translate("MeasurePanel", "Tokens generated per answer (also what tokens/s is measured on)."))
        self.ppl_tokens = QSpinBox(objectName="pplTokensSpin", minimum=16, maximum=8192, singleStep=128,
                                   value=defaults.ppl_tokens)
        self.ppl_tokens.setToolTip(translate("MeasurePanel", "Held-out tokens scored for perplexity (more = steadier, slower)."))
        self.text_file = ""
        self.text_label = QLabel(translate("MeasurePanel", "built-in text (pydoc topics)"), objectName="evalTextLabel")
        choose = QPushButton(translate("MeasurePanel", "File…"), objectName="evalTextButton")
        choose.setToolTip(translate("MeasurePanel", "Measure perplexity on your own .txt file instead of the built-in text."))
        choose.clicked.connect(self._on_choose_clicked)
        clear = QPushButton(translate("MeasurePanel", "Built-in"), objectName="evalTextClearButton")
        clear.clicked.connect(lambda: self.set_text_file(""))
        row = QHBoxLayout()
        row.addWidget(self.text_label, 1)
        row.addWidget(choose)
        row.addWidget(clear)
        form.addRow(translate("MeasurePanel", "Prompt"), self.prompt)
        form.addRow(translate("MeasurePanel", "Answer tokens"), self.new_tokens)
        form.addRow(translate("MeasurePanel", "Perplexity tokens"), self.ppl_tokens)
        form.addRow(translate("MeasurePanel", "Perplexity text"), row)

    def _on_choose_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("MeasurePanel", "Text to measure perplexity on"), "", translate("MeasurePanel", "Text (*.txt *.md);;All (*)"))
        if path:
            self.set_text_file(path)

    def set_text_file(self, path: str) -> None:
        from pathlib import Path

        self.text_file = path
        self.text_label.setText(Path(path).name if path else translate("MeasurePanel", "built-in text (pydoc topics)"))
        self.text_label.setToolTip(path)
        self.changed.emit()

    def settings(self) -> EvalSettings:
        return EvalSettings(prompt=self.prompt.text().strip() or EvalSettings().prompt,
                            new_tokens=self.new_tokens.value(), ppl_tokens=self.ppl_tokens.value(),
                            text_file=self.text_file)


class ReportTable(QTableWidget):
    """One row per model: the original first, then each variant, with the change against the original."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setObjectName("optimizeReport")
        self.setHorizontalHeaderLabels([core_text(h) for h in HEADERS])
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        for column in range(len(HEADERS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.Stretch)

    def set_rows(self, rows: list, bases: list) -> None:
        """rows: VariantMetrics; bases: for each row, the original row it is compared with (or None)."""
        self.setRowCount(len(rows))
        for r, (row, base) in enumerate(zip(rows, bases)):
            for c, text in enumerate(cells(row, base)):
                item = QTableWidgetItem(core_text(text) if c == 0 else text)
                item.setToolTip(self._tooltip(row, text, c))
                if 0 < c < len(HEADERS) - 1:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.setItem(r, c, item)
        self.resizeRowsToContents()

    @staticmethod
    def _tooltip(row, text: str, column: int) -> str:
        if column == 0:
            extra = f"\n{row.note}" if row.note else ""
            return translate("ReportTable", "{name}: {dtype} on {device}").format(
                name=core_text(row.name), dtype=row.dtype, device=row.device) + extra
        if column == 2:
            return translate("ReportTable", "{nonzero:,} of {total:,} weights are non-zero ({zeros:.1%} zeros)").format(
                nonzero=row.params_nonzero, total=row.params_total, zeros=row.sparsity)
        return text

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""
