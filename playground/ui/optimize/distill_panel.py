"""The Optimize tab's Distill page: the student's architecture and the distillation settings."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from playground.core.training.distill import DistillConfig
from playground.core.models.sizing import param_breakdown
from playground.core.models.spec import ModelSpec
from playground.core import format as fmt
from playground.core.training.config import DataConfig, OptimConfig
from playground.ui.i18n import translate
from playground.ui.widgets.spinboxes import SciSpinBox


def _spin(name: str, lo: int, hi: int, value: int, tip: str, step: int = 1) -> QSpinBox:
    box = QSpinBox(objectName=name, minimum=lo, maximum=hi, value=value, singleStep=step)
    box.setToolTip(tip)
    return box


class DistillPanel(QWidget):
    """Emits `changed` on every edit; `config()` is the DistillConfig the form describes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        d = DistillConfig()
        self.vocab_size = 0  # the teacher's vocabulary (set when a model is loaded)
        layout = QVBoxLayout(self)
        student = QGroupBox(translate("DistillPanel", "Student (same tokenizer as the current model)"))
        form = QFormLayout(student)
        self.family = QComboBox(objectName="studentFamilyCombo")
        self.family.addItems(["llama", "gpt2"])
        self.layers = _spin("studentLayersSpin", 1, 48, d.student.n_layer, translate("DistillPanel", "Transformer blocks"))
        self.heads = _spin("studentHeadsSpin", 1, 32, d.student.n_head, translate("DistillPanel", "Attention heads"))
        self.kv_heads = _spin("studentKvHeadsSpin", 0, 32, d.student.n_kv_head,
                              translate("DistillPanel", "Key/value heads (llama; 0 = one per head)"))
        self.width = _spin("studentWidthSpin", 16, 2048, d.student.n_embd, translate("DistillPanel", "Width of every token's vector"), 16)
        self.context = _spin("studentContextSpin", 16, 8192, d.student.context_length, translate("DistillPanel", "Longest sequence"), 64)
        self.params = QLabel("", objectName="studentParamsLabel")
        for label, widget in ((translate("DistillPanel", "Family"), self.family), (translate("DistillPanel", "Layers"), self.layers), (translate("DistillPanel", "Heads"), self.heads),
                              (translate("DistillPanel", "KV heads"), self.kv_heads), (translate("DistillPanel", "Width"), self.width), (translate("DistillPanel", "Context"), self.context),
                              (translate("DistillPanel", "Parameters"), self.params)):
            form.addRow(label, widget)
        layout.addWidget(student)

        train = QGroupBox(translate("DistillPanel", "Distillation"))
        form = QFormLayout(train)
        self.steps = _spin("distillStepsSpin", 1, 1_000_000, d.steps, translate("DistillPanel", "Optimizer steps"), 50)
        self.batch = _spin("distillBatchSpin", 1, 512, d.batch_size, translate("DistillPanel", "Sequences per step"))
        self.seq_len = _spin("distillSeqLenSpin", 2, 8192, d.seq_len, translate("DistillPanel", "Tokens per sequence"), 16)
        self.lr = SciSpinBox(d.optim.lr, 1e-7, 10.0, objectName="distillLrSpin")
        self.temperature = QDoubleSpinBox(objectName="distillTemperatureSpin", minimum=0.0, maximum=20.0,
                                          value=d.temperature, singleStep=0.5, decimals=2)
        self.temperature.setToolTip(translate("DistillPanel", "T > 1 softens the teacher's distribution so the student also learns how it "
                                    "ranks the unlikely tokens."))
        self.alpha = QDoubleSpinBox(objectName="distillAlphaSpin", minimum=0.0, maximum=1.0, value=d.alpha,
                                    singleStep=0.1, decimals=2)
        self.alpha.setToolTip(translate("DistillPanel", "Share of the loss from matching the teacher (KL); the rest is ordinary "
                              "cross-entropy on the text."))
        self.text_file = ""
        self.text_label = QLabel(translate("DistillPanel", "built-in corpus"), objectName="distillTextLabel")
        choose = QPushButton(translate("DistillPanel", "File…"), objectName="distillTextButton")
        choose.clicked.connect(self._on_choose_clicked)
        row = QHBoxLayout()
        row.addWidget(self.text_label, 1)
        row.addWidget(choose)
        for label, widget in ((translate("DistillPanel", "Steps"), self.steps), (translate("DistillPanel", "Batch"), self.batch), (translate("DistillPanel", "Sequence length"), self.seq_len),
                              (translate("DistillPanel", "Learning rate"), self.lr), (translate("DistillPanel", "Temperature T"), self.temperature),
                              (translate("DistillPanel", "Teacher share α"), self.alpha)):
            form.addRow(label, widget)
        form.addRow(translate("DistillPanel", "Text"), row)
        layout.addWidget(train)
        self.start_button = QPushButton(translate("DistillPanel", "Distill a student"), objectName="startDistillButton")
        self.start_button.setToolTip(translate("DistillPanel", "Train the student on the current model's soft targets, then measure it."))
        layout.addWidget(self.start_button)
        layout.addStretch(1)
        for spin in (self.layers, self.heads, self.kv_heads, self.width, self.context, self.steps, self.batch,
                     self.seq_len):
            spin.valueChanged.connect(self._on_any_changed)
        for spin in (self.lr, self.temperature, self.alpha):
            spin.valueChanged.connect(self._on_any_changed)
        self.family.currentIndexChanged.connect(self._on_any_changed)
        self._on_any_changed()

    def _on_choose_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("DistillPanel", "Text to distil on"), "", translate("DistillPanel", "Text (*.txt *.md);;All (*)"))
        if path:
            self.set_text_file(path)

    def set_text_file(self, path: str) -> None:
        from pathlib import Path

        self.text_file = path
        self.text_label.setText(Path(path).name if path else translate("DistillPanel", "built-in corpus"))
        self._on_any_changed()

    def set_vocab_size(self, vocab_size: int) -> None:
        self.vocab_size = vocab_size
        self._on_any_changed()

    def config(self) -> DistillConfig:
        spec = ModelSpec(family=self.family.currentText(), n_layer=self.layers.value(), n_head=self.heads.value(),
                         n_kv_head=self.kv_heads.value() if self.family.currentText() == "llama" else 0,
                         n_embd=self.width.value(), context_length=self.context.value(), tie_embeddings=True)
        data = DataConfig(source="file" if self.text_file else "builtin", path=self.text_file, tokenizer="model")
        return DistillConfig(student=spec, data=data, optim=OptimConfig(lr=self.lr.value(), warmup_steps=min(10, self.steps.value() // 10)),
                             steps=self.steps.value(), batch_size=self.batch.value(), seq_len=self.seq_len.value(),
                             temperature=self.temperature.value(), alpha=self.alpha.value(),
                             eval_every=max(1, self.steps.value() // 8))

    def _on_any_changed(self, *_args) -> None:
        self.kv_heads.setEnabled(self.family.currentText() == "llama")
        cfg = self.config()
        if self.vocab_size:
            n = param_breakdown(cfg.student.with_vocab(self.vocab_size)).total
            embedding = cfg.student.n_embd * self.vocab_size
            self.params.setText(translate("DistillPanel", "{n} ({embedding} in the embedding)").format(n=fmt.count(n), embedding=fmt.count(embedding)))
        else:
            self.params.setText(translate("DistillPanel", "load a model to count"))
        self.changed.emit()
