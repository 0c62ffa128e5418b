"""The config builder: presets and fields → every number updates as you type; "Train this" sends it on.

Formulas update instantly; the model is then instantiated on the meta device in a worker to check the
count (a 70B config allocates nothing).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QT_TRANSLATE_NOOP, QTimer, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QSplitter, QVBoxLayout, QWidget)

from playground.ui.architecture.stats import StatsPanel, Subject
from playground.ui.i18n import translate
from playground.workers.jobs import Jobs

FAMILIES = [(QT_TRANSLATE_NOOP("ConfigBuilder", "GPT-2 (LayerNorm, learned positions, GELU)"), "gpt2"),
            (QT_TRANSLATE_NOOP("ConfigBuilder", "Llama (RMSNorm, RoPE, SwiGLU, grouped-query)"), "llama")]
CUSTOM = QT_TRANSLATE_NOOP("ConfigBuilder", "Custom")  # the preset entry of an edited config (shown translated)

# (field, label, tooltip, maximum); the spin box is named "builder" + Field: the Training tab has its own
# layersSpin, headsSpin, …, and a script looking one up must get one of them, not whichever comes first.
FIELDS = [
    ("vocabSpin", QT_TRANSLATE_NOOP("ConfigBuilder", "Vocabulary V"), QT_TRANSLATE_NOOP("ConfigBuilder", "Distinct tokens the model knows"), 2_000_000),
    ("widthSpin", QT_TRANSLATE_NOOP("ConfigBuilder", "Width d"), QT_TRANSLATE_NOOP("ConfigBuilder", "Size of every token's vector (hidden size)"), 65_536),
    ("layersSpin", QT_TRANSLATE_NOOP("ConfigBuilder", "Layers L"), QT_TRANSLATE_NOOP("ConfigBuilder", "How many Transformer blocks are stacked"), 1_000),
    ("headsSpin", QT_TRANSLATE_NOOP("ConfigBuilder", "Query heads h"), QT_TRANSLATE_NOOP("ConfigBuilder", "Attention heads per layer; each gets d / h dimensions"), 1_024),
    ("kvHeadsSpin", QT_TRANSLATE_NOOP("ConfigBuilder", "Key/value heads h_kv"), QT_TRANSLATE_NOOP("ConfigBuilder", "Llama: query heads share fewer K/V heads (GQA) → a smaller KV cache"),
     1_024),
    ("mlpSpin", QT_TRANSLATE_NOOP("ConfigBuilder", "MLP width f"), QT_TRANSLATE_NOOP("ConfigBuilder", "Hidden size of the feed-forward network (GPT-2: 4·d)"), 1_000_000),
    ("contextSpin", QT_TRANSLATE_NOOP("ConfigBuilder", "Context P"), QT_TRANSLATE_NOOP("ConfigBuilder", "Longest input, in tokens"), 10_000_000),
]


class ConfigBuilder(QWidget):
    train_requested = Signal(dict)  # full transformers config dict (config.to_dict() + model_type)
    inspect_requested = Signal(dict)
    spec_changed = Signal(object)  # ModelSpec (valid configs only)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("configBuilder")
        self._jobs = Jobs(self)
        self._asked: dict | None = None  # the config of the running meta-device check
        self._check_due = False  # fields changed since the last meta-device check
        self._applying = False
        self._current_config: dict | None = None  # the loaded model's config, for "Use the current model"
        self._base = None  # the ModelSpec last filled in: its dropout and RoPE base travel with "Train this"
        self._check_timer = QTimer(self, singleShot=True, interval=250, timeout=self._start_check)
        self.stats = StatsPanel("configSummary")
        self._build()
        self.apply_preset("SmolLM2-135M")

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        from playground.core.models.presets import PRESETS

        self.preset_combo = QComboBox(objectName="builderPresetCombo")
        self._custom = translate("ConfigBuilder", CUSTOM)
        self.preset_combo.addItems([*PRESETS, self._custom])
        self.preset_combo.activated.connect(self._on_preset_combo_activated)
        self.family_combo = QComboBox(objectName="builderFamilyCombo")
        for label, key in FAMILIES:
            self.family_combo.addItem(translate("ConfigBuilder", label), key)
        self.family_combo.currentIndexChanged.connect(self._on_field_changed)
        form = QFormLayout()
        form.addRow(translate("ConfigBuilder", "Preset"), self.preset_combo)
        form.addRow(translate("ConfigBuilder", "Family"), self.family_combo)
        self.spins: dict[str, QSpinBox] = {}
        for name, label, tip, maximum in FIELDS:
            spin = QSpinBox(objectName=f"builder{name[0].upper()}{name[1:]}", minimum=1, maximum=maximum)
            spin.setGroupSeparatorShown(True)
            spin.setToolTip(translate("ConfigBuilder", tip))
            spin.valueChanged.connect(self._on_field_changed)
            self.spins[name] = spin
            form.addRow(translate("ConfigBuilder", label), spin)
        self.tie_check = QCheckBox(translate("ConfigBuilder", "Tie the LM head to the token embedding"), objectName="tieCheck")
        self.tie_check.toggled.connect(self._on_field_changed)
        form.addRow("", self.tie_check)
        self.head_dim_label = QLabel(objectName="headDimLabel")
        form.addRow(translate("ConfigBuilder", "Head width d_h"), self.head_dim_label)
        self.error_label = QLabel(objectName="configError", wordWrap=True)
        self.error_label.setStyleSheet("color: #d35400;")
        self.error_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 4)
        self.check_label = QLabel(objectName="metaCheckLabel", wordWrap=True)
        self.check_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 4)  # wraps without squeezing
        self.check_label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.compare_label = QLabel(objectName="builderCompareLabel", wordWrap=True)  # compare_presets
        self.compare_label.hide()
        self.train_button = QPushButton(translate("ConfigBuilder", "Train this"), objectName="trainThisButton")
        self.train_button.setToolTip(translate("ConfigBuilder", "Open the Training tab with this architecture"))
        self.train_button.clicked.connect(self._on_train_button_clicked)
        self.inspect_button = QPushButton(translate("ConfigBuilder", "Show its anatomy"), objectName="inspectConfigButton")
        self.inspect_button.setToolTip(translate("ConfigBuilder", "Map this config's modules on the meta device (no weights)"))
        self.inspect_button.clicked.connect(self._on_inspect_button_clicked)
        self.from_model_button = QPushButton(translate("ConfigBuilder", "Start from the current model"), objectName="fromCurrentModelButton")
        self.from_model_button.clicked.connect(self._on_from_model_button_clicked)
        self.from_model_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.inspect_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addLayout(form)
        column.addWidget(self.from_model_button)
        column.addWidget(self.error_label)
        column.addWidget(self.check_label)
        column.addWidget(self.compare_label)
        column.addStretch(1)
        column.addLayout(buttons)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(self.stats)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)

    # ------------------------------------------------------------------ values
    def apply_preset(self, name: str) -> None:
        from playground.core.models.presets import preset_spec

        self.preset_combo.setCurrentText(name)
        self.set_spec(preset_spec(name), custom=False)

    def compare_presets(self, names: list[str]) -> None:
        """Fill the fields from the last preset and list every one's parameters and memory side by side
        (the Learn panel's "Parameters and model size"). Unknown names raise KeyError."""
        from playground.core import format as fmt
        from playground.core.models.presets import preset_spec
        from playground.core.models.sizing import param_breakdown

        rows = []
        for name in names:
            n = param_breakdown(preset_spec(name)).total
            rows.append(f"<tr><td><b>{name}</b></td><td align='right'>{fmt.count(n)}</td>"
                        f"<td align='right'>{fmt.nbytes(2 * n)}</td><td align='right'>{fmt.nbytes(4 * n)}</td></tr>")
        self.apply_preset(names[-1])
        self.compare_label.setText("<table cellpadding='3'><tr><th></th><th>N</th><th>bf16</th><th>fp32</th></tr>"
                                   + "".join(rows) + "</table>")
        self.compare_label.show()

    def set_spec(self, spec, *, custom: bool = True) -> None:
        """Fill the fields from a ModelSpec (marked "Custom" unless it is a preset)."""
        if custom:
            self.preset_combo.setCurrentText(self._custom)
        self._applying, self._base = True, spec
        try:
            self.family_combo.setCurrentIndex(self.family_combo.findData(spec.family))
            values = {"vocabSpin": spec.vocab_size, "widthSpin": spec.n_embd, "layersSpin": spec.n_layer,
                      "headsSpin": spec.n_head, "kvHeadsSpin": spec.kv_heads, "mlpSpin": spec.inner,
                      "contextSpin": spec.context_length}
            for name, value in values.items():
                self.spins[name].setValue(value)
            self.tie_check.setChecked(spec.tie_embeddings)
        finally:
            self._applying = False
        self._on_field_changed()

    def set_value(self, name: str, value: int) -> None:
        """Set one field as if typed (scripts and tests)."""
        self.spins[name].setValue(value)

    def spec(self):
        """The ModelSpec of the fields (may be invalid: see `error()`). Fields only (d_h = d / h, no Llama
        biases), plus the dropout and RoPE base of the preset or model they were filled from."""
        from playground.core.models.spec import ModelSpec

        v = {name: spin.value() for name, spin in self.spins.items()}
        family = self.family_combo.currentData()
        kv = v["kvHeadsSpin"] if family == "llama" else v["headsSpin"]
        base = self._base or ModelSpec()
        return ModelSpec(family, v["layersSpin"], v["headsSpin"], 0 if kv == v["headsSpin"] else kv,
                         v["widthSpin"], v["mlpSpin"], v["contextSpin"], base.dropout, self.tie_check.isChecked(),
                         base.rope_theta, vocab_size=v["vocabSpin"])

    def error(self) -> str:
        spec = self.spec()
        try:
            spec.validate()
        except ValueError as exc:
            return str(exc)
        if spec.n_embd % spec.n_head:
            return translate("ConfigBuilder", "The width d = {width} must be divisible by the heads h = {heads} "
                             "(each head gets d / h dimensions).").format(width=spec.n_embd, heads=spec.n_head)
        return ""

    def config_dict(self) -> dict:
        """The config as a transformers config dict with model_type."""
        return self.spec().to_config_dict()

    def set_current_model_config(self, config: dict | None) -> None:
        from playground.core.models.spec import ModelSpec

        self._current_config = config
        try:
            ok = config is not None and ModelSpec.from_config(config) is not None
        except (ValueError, TypeError):
            ok = False
        self.from_model_button.setEnabled(ok)
        self.from_model_button.setToolTip("" if ok else translate("ConfigBuilder", "Formulas exist for the GPT-2 and Llama families only"))

    # ------------------------------------------------------------------ reacting
    @Slot(int)
    def _on_preset_combo_activated(self, _index: int) -> None:
        if self.preset_combo.currentText() != self._custom:
            self.apply_preset(self.preset_combo.currentText())

    @Slot()
    def _on_field_changed(self, *_args) -> None:
        if self._applying:
            return
        llama = self.family_combo.currentData() == "llama"
        self.spins["kvHeadsSpin"].setEnabled(llama)
        if self.sender() in (*self.spins.values(), self.family_combo, self.tie_check):
            self.preset_combo.setCurrentText(self._custom)
        spec, error = self.spec(), self.error()
        self.head_dim_label.setText(f"d / h = {spec.n_embd / spec.n_head:g}")
        self.error_label.setText(error)
        self.error_label.setVisible(bool(error))
        self.train_button.setEnabled(not error)
        self.inspect_button.setEnabled(not error)
        if error:
            self.stats.set_subject(None)
            self.check_label.setText("")
            return
        from playground.core.models.sizing import param_breakdown

        breakdown = param_breakdown(spec)
        self.stats.set_subject(Subject(self.preset_combo.currentText() if self.preset_combo.currentText() != self._custom
                                       else translate("ConfigBuilder", "Custom config"), spec, breakdown.total, breakdown))
        self.check_label.setText(translate("ConfigBuilder", "Counting on the meta device…"))
        self._check_due = True
        if self.isVisible():  # never at start-up: the check imports torch and transformers
            self._check_timer.start()
        self.spec_changed.emit(spec)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._check_due:
            self._check_timer.start()

    def _start_check(self) -> None:
        from playground.workers.base import FunctionWorker
        from playground.workers.inspect import check_config

        if self.error():
            return
        self._check_due = False
        config = self.config_dict()
        # Latest wins: a check still running for older fields is stopped and its result ignored.
        self._jobs.start("check", FunctionWorker(check_config, config), self._on_check_finished, self._on_check_failed)
        self._asked = config

    @Slot(object)
    def _on_check_finished(self, check) -> None:
        if self._asked != self.config_dict():
            return  # the fields changed meanwhile; a newer check follows
        subject = self.stats.subject()
        formula = subject.n_params if subject else 0
        ok = check.n_params == formula
        self.check_label.setText(
            translate("ConfigBuilder", "{n0} Built on the meta device in {n1:.0f} ms without allocating weights: sum(p.numel()) = {n_params:,}").format(n0='✓' if ok else '✗', n1=check.seconds * 1000, n_params=check.n_params) + ("" if ok else translate("ConfigBuilder", " (formula: {formula:,})").format(formula=formula)))
        if subject is not None:
            self.stats.set_subject(Subject(subject.title, subject.spec, subject.n_params, subject.breakdown,
                                           check.n_params))

    @Slot(object)
    def _on_check_failed(self, failure) -> None:  # core.errors.Failure
        self.check_label.setText(translate("ConfigBuilder", "transformers could not build this config: {message}").format(message=failure.message))

    @Slot()
    def _on_train_button_clicked(self) -> None:
        from playground.core.models.builder import build_config

        config = build_config(self.config_dict())
        out = config.to_dict()
        out["model_type"] = config.model_type
        self.train_requested.emit(out)

    @Slot()
    def _on_inspect_button_clicked(self) -> None:
        self.inspect_requested.emit(self.config_dict())

    @Slot()
    def _on_from_model_button_clicked(self) -> None:
        from playground.core.models.spec import ModelSpec

        if self._current_config is not None:
            self.set_spec(ModelSpec.from_config(self._current_config))

    def shutdown(self) -> None:
        self._check_timer.stop()
        self._jobs.shutdown()
