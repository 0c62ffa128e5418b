"""One model, one memory figure: the Training tab's estimate and the Architecture tab's training memory
come from the same formula (`core.models.sizing.training_memory`) and show the same number."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox


@pytest.mark.parametrize("bf16", [False, True])
def test_the_training_and_architecture_tabs_agree_on_memory(qtbot, bf16):
    from playground.core.models.sizing import param_breakdown, training_memory
    from playground.ui.architecture.config_builder import ConfigBuilder
    from playground.ui.architecture.stats import StatsPanel
    from playground.ui.training.config_panel import TrainConfigPanel

    panel = TrainConfigPanel()
    qtbot.addWidget(panel)
    panel.apply_preset("llama-char")
    panel.bf16_check.setChecked(bf16)
    cfg = panel.config()
    vocab = panel.estimated_vocab(cfg)
    training_text = panel.findChild(QLabel, "paramCountLabel").text()
    training_figure = re.search(r"Training memory ≈ <b>([^<]+)</b>", training_text).group(1)

    builder = ConfigBuilder()
    qtbot.addWidget(builder)
    builder.set_spec(cfg.model.with_vocab(vocab))  # the same model in the config builder
    stats = builder.findChild(StatsPanel, "configSummary")
    stats.findChild(QSpinBox, "configSummaryBatchSpin").setValue(cfg.batch_size)
    stats.findChild(QSpinBox, "configSummarySeqLenSpin").setValue(cfg.seq_len or cfg.model.context_length)
    stats.findChild(QComboBox, "configSummaryPrecisionCombo").setCurrentIndex(0 if bf16 else 1)  # "mixed bf16" | "fp32"
    architecture_figure = re.search(r"Total\s+(\S+ \S+)", stats.text()).group(1)  # the memory table's last row

    spec = cfg.model.with_vocab(vocab)
    assert f"{param_breakdown(spec).total:,}" in training_text and f"{param_breakdown(spec).total:,}" in stats.text()
    expected = training_memory(spec, batch_size=cfg.batch_size, seq_len=cfg.model.context_length, bf16=bf16)
    assert training_figure == architecture_figure
    assert training_figure == f"{expected.total / 2**20:.1f} MiB"


def _train_this(qtbot, window, preset: str):
    """Architecture tab → config builder → `preset` → "Train this", as a user does it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    from playground.ui.architecture.config_builder import ConfigBuilder

    arch = window.tab("architectureTab")
    window.show_tab("architectureTab")
    arch.show_page("builder")
    builder = arch.findChild(ConfigBuilder, "configBuilder")
    presets = builder.findChild(QComboBox, "builderPresetCombo")
    presets.setCurrentIndex(presets.findText(preset))
    presets.activated.emit(presets.currentIndex())
    qtbot.mouseClick(builder.findChild(QPushButton, "trainThisButton"), Qt.LeftButton)
    tab = window.tab("trainingTab")
    assert window.tabs.currentWidget() is tab
    return tab


def test_a_model_too_big_for_this_machine_cannot_start(qtbot, window):
    from PySide6.QtWidgets import QPushButton

    from playground.core import format as fmt
    from playground.core.training.memory import available_memory, run_memory

    tab = _train_this(qtbot, window, "Llama-2-70B")
    start = tab.findChild(QPushButton, "startTrainingButton")
    message = tab.findChild(QLabel, "configMessage").text()
    assert not start.isEnabled()
    cfg = tab.panel.config()
    needed = fmt.nbytes(run_memory(cfg, tab.panel.estimated_vocab(cfg)).total)
    assert "Not enough memory" in message and f"needs ≈ {needed}" in message
    assert f"available (of {fmt.nbytes(available_memory('cpu')[1])})" in message
    # The label and the vocabulary say what happened: no preset is current, and 32,000 became the tokenizer's.
    preset = tab.findChild(QComboBox, "presetCombo")
    assert preset.currentIndex() == -1 and preset.placeholderText() == "Custom architecture (from the config builder)"
    assert "vocabulary 32,000 → 105 (char tokenizer)" in tab.findChild(QLabel, "paramCountLabel").text()
    window.grab().save("/tmp/i21_70b_refused.png")

    tab = _train_this(qtbot, window, "Tiny (char-level GPT)")
    assert start.isEnabled() and tab.findChild(QLabel, "configMessage").text() == ""

