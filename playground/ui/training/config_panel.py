"""The Training tab's left column: presets and every setting of a `TrainConfig`, as a form."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QT_TRANSLATE_NOOP, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from playground.core.models.sizing import param_breakdown
from playground.core.models.spec import ModelSpec
from playground.core.training.presets import DEFAULT_PRESET, PRESETS, preset_config
from playground.core.training.config import OPTIMIZER_LABELS, TrainConfig
from playground.core import format as fmt
from playground.ui.i18n import translate
from playground.ui.training.preset_texts import preset_text
from playground.ui.widgets.spinboxes import SciSpinBox

RACE_KEY = "race"
CUSTOM_LABEL = QT_TRANSLATE_NOOP("TrainConfigPanel", "Custom architecture (from the config builder)")
MODES = [("scratch", QT_TRANSLATE_NOOP("TrainConfigPanel", "Train from scratch")), ("full", QT_TRANSLATE_NOOP("TrainConfigPanel", "Fine-tune the current model (all weights)")),
         ("lora", QT_TRANSLATE_NOOP("TrainConfigPanel", "Fine-tune the current model (LoRA)"))]
SOURCES = [("builtin", QT_TRANSLATE_NOOP("TrainConfigPanel", "Built-in English corpus")), ("synthetic", QT_TRANSLATE_NOOP("TrainConfigPanel", "Synthetic task")), ("file", QT_TRANSLATE_NOOP("TrainConfigPanel", "Text file (.txt/.md)")),
           ("folder", QT_TRANSLATE_NOOP("TrainConfigPanel", "Folder of text files")), ("jsonl", QT_TRANSLATE_NOOP("TrainConfigPanel", "Chat file (JSONL)"))]
TOKENIZER_LABELS = {"char": QT_TRANSLATE_NOOP("TrainConfigPanel", "Characters"), "bpe": QT_TRANSLATE_NOOP("TrainConfigPanel", "Byte-level BPE (trained on the data)"), "model": QT_TRANSLATE_NOOP("TrainConfigPanel", "The model's own")}


def _spin(name: str, lo: int, hi: int, value: int, tip: str = "", step: int = 1) -> QSpinBox:
    box = QSpinBox(objectName=name, minimum=lo, maximum=hi, value=value, singleStep=step)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    return box


def _combo(name: str, items: list[tuple[str, str]], tip: str = "") -> QComboBox:
    combo = QComboBox(objectName=name)
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    for key, label in items:
        combo.addItem(translate("TrainConfigPanel", label), key)
    combo.setToolTip(tip)
    return combo


def _select(combo: QComboBox, key) -> None:
    index = combo.findData(key)
    if index >= 0:
        combo.setCurrentIndex(index)


class TrainConfigPanel(QWidget):
    """Edits one TrainConfig. `config()` reads the form; `set_config()` fills it."""

    config_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base_model, self.base_label = "", translate("TrainConfigPanel", "no model loaded")
        self._loading = False
        self._hidden = TrainConfig()  # settings without a widget (sample length, …) come from the preset
        self._spec_vocab = 0  # the vocabulary of an architecture from the config builder (0: none)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_preset())
        layout.addWidget(self._build_mode())
        layout.addWidget(self._build_model())
        layout.addWidget(self._build_lora())
        layout.addWidget(self._build_data())
        layout.addWidget(self._build_optim())
        layout.addStretch(1)
        for widget in self.findChildren(QSpinBox) + self.findChildren(QDoubleSpinBox):
            widget.valueChanged.connect(self._on_any_changed)
        for widget in self.findChildren(QComboBox):
            if widget is not self.preset_combo:
                widget.currentIndexChanged.connect(self._on_any_changed)
        for widget in (self.path_edit, self.lora_targets_edit):
            widget.textChanged.connect(self._on_any_changed)
        self.bf16_check.toggled.connect(self._on_any_changed)
        self.apply_preset(DEFAULT_PRESET)

    # ------------------------------------------------------------------ building
    def _build_preset(self) -> QWidget:
        box = QGroupBox(translate("TrainConfigPanel", "Preset"))
        lay = QVBoxLayout(box)
        self.preset_combo = _combo("presetCombo", [])
        for key, preset in PRESETS.items():
            self.preset_combo.addItem(preset_text(preset.label), key)
        self.preset_combo.addItem(translate("TrainConfigPanel", "Optimizer race: SGD, Momentum, RMSprop, Adam"), RACE_KEY)
        self.preset_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)  # every preset's name fits
        self.preset_combo.setPlaceholderText(translate("TrainConfigPanel", CUSTOM_LABEL))  # shown while no preset is current
        self.preset_combo.activated.connect(self._on_preset_combo_activated)
        self.preset_description = QLabel(objectName="presetDescription", wordWrap=True)
        lay.addWidget(self.preset_combo)
        lay.addWidget(self.preset_description)
        return box

    def _build_mode(self) -> QWidget:
        box = QGroupBox(translate("TrainConfigPanel", "What to train"))
        lay = QVBoxLayout(box)
        self.mode_combo = _combo("modeCombo", MODES, translate("TrainConfigPanel", "From scratch builds a new model; fine-tuning starts from "
                                 "the model selected in the toolbar."))
        self.base_label_widget = QLabel(objectName="baseModelLabel", wordWrap=True)
        lay.addWidget(self.mode_combo)
        lay.addWidget(self.base_label_widget)
        return box

    def _build_model(self) -> QWidget:
        self.model_box = QGroupBox(translate("TrainConfigPanel", "Model (from scratch)"))
        form = QFormLayout(self.model_box)
        self.family_combo = _combo("familyCombo", [
            ("gpt2", translate("TrainConfigPanel", "GPT-2 (LayerNorm, learned positions)")),
            ("llama", translate("TrainConfigPanel", "Llama (RMSNorm, RoPE, SwiGLU, GQA)"))])
        self.layers_spin = _spin("layersSpin", 1, 96, 4, translate("TrainConfigPanel", "Transformer blocks stacked on top of each other"))
        self.heads_spin = _spin("headsSpin", 1, 64, 4, translate("TrainConfigPanel", "Attention heads; must divide the width"))
        self.kv_heads_spin = _spin("kvHeadsSpin", 0, 64, 0, translate("TrainConfigPanel", "Key/value heads (Llama grouped-query attention); "
                                   "0 = one per head. Must divide the heads."))
        self.kv_heads_spin.setSpecialValueText(translate("TrainConfigPanel", "= heads"))
        self.width_spin = _spin("widthSpin", 8, 8192, 128, translate("TrainConfigPanel", "Embedding width (n_embd / hidden_size)"), 16)
        self.ffn_spin = _spin("ffnSpin", 0, 32768, 0, translate("TrainConfigPanel", "MLP hidden width; 0 = automatic (4× width for GPT-2, "
                              "≈ 8/3× for Llama)"), 64)
        self.ffn_spin.setSpecialValueText(translate("TrainConfigPanel", "auto"))
        self.context_spin = _spin("contextSpin", 4, 8192, 64, translate("TrainConfigPanel", "Longest sequence the model reads"), 16)
        self.dropout_spin = QDoubleSpinBox(objectName="dropoutSpin", minimum=0.0, maximum=0.9, singleStep=0.05)
        for label, widget in ((translate("TrainConfigPanel", "Family"), self.family_combo), (translate("TrainConfigPanel", "Layers"), self.layers_spin),
                              (translate("TrainConfigPanel", "Heads"), self.heads_spin), (translate("TrainConfigPanel", "KV heads"), self.kv_heads_spin),
                              (translate("TrainConfigPanel", "Width"), self.width_spin), (translate("TrainConfigPanel", "FFN width"), self.ffn_spin),
                              (translate("TrainConfigPanel", "Context"), self.context_spin), (translate("TrainConfigPanel", "Dropout"), self.dropout_spin)):
            form.addRow(label, widget)
        self.param_label = QLabel(objectName="paramCountLabel", wordWrap=True)
        self.param_label.setTextFormat(Qt.RichText)
        form.addRow(self.param_label)
        return self.model_box

    def _build_lora(self) -> QWidget:
        self.lora_box = QGroupBox(translate("TrainConfigPanel", "LoRA adapters"))
        form = QFormLayout(self.lora_box)
        self.lora_rank_spin = _spin("loraRankSpin", 1, 256, 8, translate("TrainConfigPanel", "Rank of each adapter (A: d×r, B: r×d)"))
        self.lora_alpha_spin = _spin("loraAlphaSpin", 1, 1024, 16, translate("TrainConfigPanel", "Scale: the adapter is multiplied by alpha/r"))
        self.lora_targets_edit = QLineEdit("q_proj, v_proj", objectName="loraTargetsEdit")
        self.lora_targets_edit.setToolTip(translate("TrainConfigPanel", "Linear layers that get adapters, e.g. q_proj, k_proj, v_proj, o_proj, "
                                          "gate_proj, up_proj, down_proj"))
        form.addRow(translate("TrainConfigPanel", "Rank"), self.lora_rank_spin)
        form.addRow(translate("TrainConfigPanel", "Alpha"), self.lora_alpha_spin)
        form.addRow(translate("TrainConfigPanel", "Targets"), self.lora_targets_edit)
        return self.lora_box

    def _build_data(self) -> QWidget:
        box = QGroupBox(translate("TrainConfigPanel", "Data"))
        form = QFormLayout(box)
        self.source_combo = _combo("dataSourceCombo", SOURCES)
        self.path_edit = QLineEdit(objectName="dataPathEdit", placeholderText=translate("TrainConfigPanel", "Choose a file or folder…"))
        browse = QPushButton(translate("TrainConfigPanel", "Browse…"), objectName="browseDataButton")
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.path_row = QWidget()
        self.path_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.task_combo = _combo("taskCombo", [("copy", QT_TRANSLATE_NOOP("TrainConfigPanel", "copy")), ("reverse", QT_TRANSLATE_NOOP("TrainConfigPanel", "reverse")),
                                                   ("sort", QT_TRANSLATE_NOOP("TrainConfigPanel", "sort")), ("add", QT_TRANSLATE_NOOP("TrainConfigPanel", "add"))])
        self.digits_spin = _spin("taskDigitsSpin", 1, 16, 6, translate("TrainConfigPanel", "Digits per example (per number for 'add')"))
        self.tokenizer_combo = _combo("tokenizerCombo", list(TOKENIZER_LABELS.items()))
        self.bpe_spin = _spin("bpeVocabSpin", 260, 65536, 512, translate("TrainConfigPanel", "How many tokens the BPE tokenizer learns"), 64)
        self.data_form = form
        for label, widget in ((translate("TrainConfigPanel", "Source"), self.source_combo), (translate("TrainConfigPanel", "Path"), self.path_row), (translate("TrainConfigPanel", "Task"), self.task_combo),
                              (translate("TrainConfigPanel", "Digits"), self.digits_spin), (translate("TrainConfigPanel", "Tokenizer"), self.tokenizer_combo),
                              (translate("TrainConfigPanel", "BPE vocab"), self.bpe_spin)):
            form.addRow(label, widget)
        return box

    def _build_optim(self) -> QWidget:
        box = QGroupBox(translate("TrainConfigPanel", "Optimization"))
        form = QFormLayout(box)
        self.optimizer_combo = _combo("optimizerCombo", list(OPTIMIZER_LABELS.items()))
        self.lr_spin = SciSpinBox(3e-3, 1e-8, 100.0, objectName="lrSpin")
        self.lr_spin.setToolTip(translate("TrainConfigPanel", "Peak learning rate (arrows halve/double it)"))
        self.schedule_combo = _combo("scheduleCombo", [("constant", translate("TrainConfigPanel", "Constant")), ("linear", translate("TrainConfigPanel", "Linear decay")),
                                                       ("cosine", translate("TrainConfigPanel", "Warm-up + cosine"))])
        self.warmup_spin = _spin("warmupSpin", 0, 100000, 0, translate("TrainConfigPanel", "Steps of linear warm-up"), 10)
        self.wd_spin = SciSpinBox(0.0, 0.0, 10.0, objectName="weightDecaySpin")
        self.wd_spin.setToolTip(translate("TrainConfigPanel", "L2 weight decay (decoupled for AdamW)"))
        self.l1_spin = SciSpinBox(0.0, 0.0, 10.0, objectName="l1Spin")
        self.l1_spin.setToolTip(translate("TrainConfigPanel", "L1 penalty: pushes weights to exactly zero"))
        self.clip_spin = SciSpinBox(1.0, 0.0, 1e4, objectName="gradClipSpin")
        self.clip_spin.setToolTip(translate("TrainConfigPanel", "Clip the gradient norm to this; 0 = off"))
        self.batch_spin = _spin("batchSizeSpin", 1, 4096, 32, translate("TrainConfigPanel", "Sequences per micro-batch"))
        self.accum_spin = _spin("gradAccumSpin", 1, 512, 1, translate("TrainConfigPanel", "Micro-batches per optimizer step"))
        self.steps_spin = _spin("maxStepsSpin", 1, 10_000_000, 1000, translate("TrainConfigPanel", "Optimizer steps"), 100)
        self.eval_spin = _spin("evalEverySpin", 0, 100000, 50, translate("TrainConfigPanel", "Steps between validation losses (0 = never)"), 10)
        self.sample_spin = _spin("sampleEverySpin", 0, 100000, 50, translate("TrainConfigPanel", "Steps between samples (0 = never)"), 10)
        self.seed_spin = _spin("trainSeedSpin", 0, 2**31 - 1, 1337, translate("TrainConfigPanel", "Same seed + same settings = the same run"))
        self.device_combo = QComboBox(objectName="trainDeviceCombo")
        self.device_combo.addItem("cpu")
        self.bf16_check = QCheckBox(translate("TrainConfigPanel", "bfloat16 autocast"), objectName="bf16Check")
        for label, widget in ((translate("TrainConfigPanel", "Optimizer"), self.optimizer_combo), (translate("TrainConfigPanel", "Learning rate"), self.lr_spin),
                              (translate("TrainConfigPanel", "Schedule"), self.schedule_combo), (translate("TrainConfigPanel", "Warm-up steps"), self.warmup_spin),
                              (translate("TrainConfigPanel", "Weight decay (L2)"), self.wd_spin), (translate("TrainConfigPanel", "L1 penalty"), self.l1_spin),
                              (translate("TrainConfigPanel", "Gradient clip"), self.clip_spin), (translate("TrainConfigPanel", "Batch size"), self.batch_spin),
                              (translate("TrainConfigPanel", "Grad accumulation"), self.accum_spin), (translate("TrainConfigPanel", "Steps"), self.steps_spin),
                              (translate("TrainConfigPanel", "Validate every"), self.eval_spin), (translate("TrainConfigPanel", "Sample every"), self.sample_spin),
                              (translate("TrainConfigPanel", "Seed"), self.seed_spin), (translate("TrainConfigPanel", "Device"), self.device_combo), ("", self.bf16_check)):
            form.addRow(label, widget)
        return box

    # ------------------------------------------------------------------ reading / writing
    def config(self) -> TrainConfig:
        """The form as a TrainConfig (not validated: see `TrainConfig.problems()`)."""
        h = self._hidden
        mode = self.mode_combo.currentData()
        tokenizer = "model" if mode != "scratch" else self.tokenizer_combo.currentData()
        if tokenizer == "model" and mode == "scratch":
            tokenizer = "char"
        return replace(
            h,
            model=ModelSpec(
                family=self.family_combo.currentData(), n_layer=self.layers_spin.value(),
                n_head=self.heads_spin.value(), n_kv_head=self.kv_heads_spin.value(), n_embd=self.width_spin.value(),
                n_inner=self.ffn_spin.value(), context_length=self.context_spin.value(),
                dropout=round(self.dropout_spin.value(), 4), tie_embeddings=h.model.tie_embeddings,
                rope_theta=h.model.rope_theta),
            data=replace(h.data, source=self.source_combo.currentData(), path=self.path_edit.text().strip(),
                         task=self.task_combo.currentData(), task_digits=self.digits_spin.value(),
                         tokenizer=tokenizer, bpe_vocab_size=self.bpe_spin.value()),
            optim=replace(h.optim, optimizer=self.optimizer_combo.currentData(), lr=self.lr_spin.value(),
                          schedule=self.schedule_combo.currentData(), warmup_steps=self.warmup_spin.value(),
                          weight_decay=self.wd_spin.value(), l1=self.l1_spin.value(),
                          grad_clip=self.clip_spin.value()),
            finetune=replace(h.finetune, mode=mode, base_model=self.base_model if mode != "scratch" else
                             h.finetune.base_model, lora_r=self.lora_rank_spin.value(),
                             lora_alpha=self.lora_alpha_spin.value(),
                             target_modules=tuple(t.strip() for t in self.lora_targets_edit.text().split(",")
                                                  if t.strip())),
            max_steps=self.steps_spin.value(), batch_size=self.batch_spin.value(), grad_accum=self.accum_spin.value(),
            eval_every=self.eval_spin.value(), sample_every=self.sample_spin.value(), seed=self.seed_spin.value(),
            device=self.device_combo.currentText(), bf16=self.bf16_check.isChecked())

    def set_config(self, cfg: TrainConfig) -> None:
        self._loading = True
        try:
            self._hidden = cfg
            m, d, o, f = cfg.model, cfg.data, cfg.optim, cfg.finetune
            _select(self.mode_combo, f.mode)
            self.set_model_spec(m, notify=False)
            _select(self.source_combo, d.source)
            self.path_edit.setText(d.path)
            _select(self.task_combo, d.task)
            self.digits_spin.setValue(d.task_digits)
            _select(self.tokenizer_combo, d.tokenizer)
            self.bpe_spin.setValue(d.bpe_vocab_size)
            _select(self.optimizer_combo, o.optimizer)
            for spin, value in ((self.lr_spin, o.lr), (self.wd_spin, o.weight_decay), (self.l1_spin, o.l1),
                                (self.clip_spin, o.grad_clip)):
                spin.setValue(value)
            _select(self.schedule_combo, o.schedule)
            self.warmup_spin.setValue(o.warmup_steps)
            self.lora_rank_spin.setValue(f.lora_r)
            self.lora_alpha_spin.setValue(f.lora_alpha)
            self.lora_targets_edit.setText(", ".join(f.target_modules))
            for spin, value in ((self.batch_spin, cfg.batch_size), (self.accum_spin, cfg.grad_accum),
                                (self.steps_spin, cfg.max_steps), (self.eval_spin, cfg.eval_every),
                                (self.sample_spin, cfg.sample_every), (self.seed_spin, cfg.seed)):
                spin.setValue(value)
            if self.device_combo.findText(cfg.device) < 0:
                self.device_combo.addItem(cfg.device)
            self.device_combo.setCurrentText(cfg.device)
            self.bf16_check.setChecked(cfg.bf16)
        finally:
            self._loading = False
        self._on_any_changed()

    def set_model_spec(self, m: ModelSpec, notify: bool = True) -> None:
        loading, self._loading = self._loading, True
        _select(self.family_combo, m.family)
        for spin, value in ((self.layers_spin, m.n_layer), (self.heads_spin, m.n_head),
                            (self.kv_heads_spin, m.n_kv_head), (self.width_spin, m.n_embd),
                            (self.ffn_spin, m.n_inner), (self.context_spin, m.context_length)):
            spin.setValue(value)
        self.dropout_spin.setValue(m.dropout)
        self._hidden = replace(self._hidden, model=m)
        self._loading = loading
        if notify:
            self._on_any_changed()

    def set_custom_architecture(self, spec: ModelSpec, vocab_size: int) -> None:
        """The config builder's architecture: no preset is current any more, and its vocabulary is kept
        to show what the tokenizer makes of it."""
        self.preset_combo.setCurrentIndex(-1)  # the placeholder: CUSTOM_LABEL
        self._spec_vocab = vocab_size
        self.set_model_spec(spec)

    def apply_preset(self, key: str) -> None:
        from playground.core.training.presets import race_base

        self._spec_vocab = 0
        _select(self.preset_combo, key)
        if key == RACE_KEY:
            self.preset_description.setText(
                translate("TrainConfigPanel", "Trains the same small GPT four times, once per optimizer (each with a learning rate that suits "
                "it), and overlays their loss curves."))
            self.set_config(race_base())
            return
        self.preset_description.setText(preset_text(PRESETS[key].description))
        self.set_config(preset_config(key))

    @property
    def is_race(self) -> bool:
        return self.preset_combo.currentData() == RACE_KEY

    def set_base_model(self, base: str, label: str) -> None:
        self.base_model, self.base_label = base, label
        self._on_any_changed()

    def set_devices(self, devices: list[str]) -> None:
        current = self.device_combo.currentText()
        self.device_combo.clear()
        self.device_combo.addItems(devices)
        self.device_combo.setCurrentText(current if current in devices else "cpu")

    # ------------------------------------------------------------------ reacting
    @Slot(int)
    def _on_preset_combo_activated(self, _index: int) -> None:
        self.apply_preset(self.preset_combo.currentData())

    @Slot()
    def _on_browse_clicked(self) -> None:
        source = self.source_combo.currentData()
        if source == "folder":
            path = QFileDialog.getExistingDirectory(self, translate("TrainConfigPanel", "Choose a folder of .txt/.md files"))
        else:
            filters = (translate("TrainConfigPanel", "Chat files (*.jsonl)") if source == "jsonl" else
                       translate("TrainConfigPanel", "Text (*.txt *.md);;All files (*)"))
            path = QFileDialog.getOpenFileName(self, translate("TrainConfigPanel", "Choose training data"), "", filters)[0]
        if path:
            if source in ("builtin", "synthetic"):
                _select(self.source_combo, "folder" if source == "folder" else "file")
            self.path_edit.setText(path)

    def _on_any_changed(self, *_args) -> None:
        if self._loading:
            return
        mode, source = self.mode_combo.currentData(), self.source_combo.currentData()
        scratch = mode == "scratch"
        self.model_box.setVisible(scratch)
        self.lora_box.setVisible(mode == "lora")
        self.base_label_widget.setVisible(not scratch)
        self.base_label_widget.setText(translate("TrainConfigPanel", "Base model: <b>{base_label}</b>").format(base_label=self.base_label))
        self.kv_heads_spin.setEnabled(self.family_combo.currentData() == "llama")
        for widget, visible in ((self.path_row, source in ("file", "folder", "jsonl")),
                                (self.task_combo, source == "synthetic"), (self.digits_spin, source == "synthetic"),
                                (self.tokenizer_combo, scratch and source != "synthetic"),
                                (self.bpe_spin, scratch and source != "synthetic"
                                 and self.tokenizer_combo.currentData() == "bpe")):
            self.data_form.setRowVisible(widget, visible)
        self._update_param_label()
        self.config_changed.emit()

    def estimated_vocab(self, cfg: TrainConfig) -> int:
        d = cfg.data
        if d.source == "synthetic":
            return 15
        return d.bpe_vocab_size if d.tokenizer == "bpe" else (105 if d.source == "builtin" else 100)

    def _vocab_text(self, cfg: TrainConfig, vocab: int) -> str:
        """'vocab ≈ 105', or, for the config builder's architecture, where its own vocabulary went."""
        if not self._spec_vocab or self._spec_vocab == vocab:
            return translate("TrainConfigPanel", "vocab ≈ {vocab:,}").format(vocab=vocab)
        d = cfg.data
        why = (translate("TrainConfigPanel", "the synthetic task's tokens") if d.source == "synthetic" else
               translate("TrainConfigPanel", "BPE tokenizer") if d.tokenizer == "bpe" else
               translate("TrainConfigPanel", "char tokenizer"))
        return translate("TrainConfigPanel", "vocabulary {spec:,} → {vocab:,} ({why})").format(spec=self._spec_vocab, vocab=vocab,
                                                                                            why=why)

    def memory_problem(self) -> str | None:
        """Why the form's run cannot fit this machine's memory (needed vs available), or None."""
        from playground.core.training.memory import memory_problem

        cfg = self.config()
        return memory_problem(cfg, self.estimated_vocab(cfg))

    def _update_param_label(self) -> None:
        cfg = self.config()
        if cfg.is_finetune or cfg.problems():
            self.param_label.setText("")
            return
        from playground.core.training.memory import run_memory

        vocab = self.estimated_vocab(cfg)
        n = param_breakdown(cfg.model.with_vocab(vocab)).total
        mem = run_memory(cfg, vocab)  # the Architecture tab's figure for the same model, batch and length
        self.param_label.setText(
            translate("TrainConfigPanel", "<b>{n}</b> parameters ({n1:,}, {n2})<br>Training memory ≈ <b>{total}</b> (weights {weights}, optimizer {optimizer}, activations {activations})").format(n=fmt.count(n), n1=n, n2=self._vocab_text(cfg, vocab), total=fmt.nbytes(mem.total), weights=fmt.nbytes(mem.weights), optimizer=fmt.nbytes(mem.optimizer), activations=fmt.nbytes(mem.activations)))
        self.param_label.setToolTip(translate("TrainConfigPanel", "Counted exactly from the architecture; memory is an estimate."))
