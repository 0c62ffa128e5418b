"""The Training tab, driven through its real widgets with tiny models."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QPushButton, QSpinBox, QTextEdit

from playground.core.training.config import TrainConfig

STEP_TIMEOUT = 120_000


def tiny(**overrides) -> TrainConfig:
    base = TrainConfig.from_dict({
        "model": {"n_layer": 2, "n_head": 2, "n_embd": 32, "context_length": 32},
        "max_steps": 100_000, "batch_size": 8, "eval_every": 5, "eval_batches": 1, "sample_every": 5,
        "sample_tokens": 20, "checkpoint_every": 0,
        "optim": {"optimizer": "adamw", "lr": 3e-3, "schedule": "constant"}})
    return base.replace(**overrides)


@pytest.fixture
def tab(qtbot):
    from playground.ui.training.tab import TrainingTab

    widget = TrainingTab()
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.show()
    yield widget
    widget.shutdown()


def button(tab, name: str) -> QPushButton:
    return tab.findChild(QPushButton, name)


def click(qtbot, tab, name: str) -> None:
    qtbot.mouseClick(button(tab, name), Qt.LeftButton)


def test_start_plots_points_then_stop(qtbot, tab):
    tab.set_config(tiny())
    click(qtbot, tab, "startTrainingButton")
    assert not button(tab, "startTrainingButton").isEnabled() and button(tab, "stopTrainingButton").isEnabled()
    qtbot.waitUntil(lambda: len(tab.loss_points()) >= 6, timeout=STEP_TIMEOUT)
    qtbot.waitUntil(lambda: tab.plots.curve_point_counts()["train (raw)"] >= 6, timeout=5000)  # drawn
    assert tab.plots.curve_point_counts()["validation"] >= 1
    qtbot.waitUntil(lambda: "step 5" in tab.findChild(QTextEdit, "sampleView").toPlainText(), timeout=STEP_TIMEOUT)
    with qtbot.waitSignal(tab.training_finished, timeout=STEP_TIMEOUT) as finished:
        click(qtbot, tab, "stopTrainingButton")
    result = finished.args[0]
    assert result.status == "stopped" and 6 <= result.step < 100_000
    assert (result.model_dir / "model.safetensors").exists()
    qtbot.waitUntil(lambda: button(tab, "startTrainingButton").isEnabled(), timeout=10_000)
    runs = tab.findChild(QListWidget, "runsList")
    qtbot.waitUntil(lambda: not tab.runs.refreshing, timeout=10_000)  # the list is read on a worker
    assert runs.count() >= 1 and result.run_dir.name in runs.selectedItems()[0].text()
    assert "Step" in tab.progress.format()


def test_pause_holds_the_loop_and_resume_continues(qtbot, tab):
    tab.set_config(tiny())
    click(qtbot, tab, "startTrainingButton")
    qtbot.waitUntil(lambda: len(tab.loss_points()) >= 3, timeout=STEP_TIMEOUT)
    click(qtbot, tab, "pauseTrainingButton")
    assert button(tab, "pauseTrainingButton").text() == "Resume"

    def settled() -> bool:  # the step in flight (and its eval/sample) has finished
        before = len(tab.loss_points())
        qtbot.wait(1000)
        return len(tab.loss_points()) == before

    qtbot.waitUntil(settled, timeout=STEP_TIMEOUT)
    held = len(tab.loss_points())
    qtbot.wait(1500)
    assert len(tab.loss_points()) == held
    assert "paused" in tab.progress.format()
    click(qtbot, tab, "pauseTrainingButton")
    qtbot.waitUntil(lambda: len(tab.loss_points()) > held + 2, timeout=STEP_TIMEOUT)
    with qtbot.waitSignal(tab.training_finished, timeout=STEP_TIMEOUT):
        click(qtbot, tab, "stopTrainingButton")


def test_invalid_config_shows_a_message_and_disables_start(qtbot, tab):
    heads = tab.findChild(QSpinBox, "headsSpin")
    heads.setValue(3)
    message = tab.findChild(QLabel, "configMessage")
    assert "model.n_head: 3 does not divide n_embd 128" in message.text()
    assert not button(tab, "startTrainingButton").isEnabled()
    heads.setValue(4)
    assert message.text() == "" and button(tab, "startTrainingButton").isEnabled()
    family = tab.findChild(QComboBox, "familyCombo")
    family.setCurrentIndex(family.findData("llama"))
    tab.findChild(QSpinBox, "kvHeadsSpin").setValue(3)
    assert "n_kv_head" in message.text() and not button(tab, "startTrainingButton").isEnabled()


def test_presets_fill_the_form_and_count_parameters(qtbot, tab):
    combo = tab.findChild(QComboBox, "presetCombo")
    assert combo.count() >= 8
    tab.apply_preset("task-reverse")
    assert tab.panel.config().data.source == "synthetic" and tab.panel.config().data.task == "reverse"
    tab.apply_preset("char-gpt")
    label = tab.findChild(QLabel, "paramCountLabel").text()
    before = label
    tab.findChild(QSpinBox, "layersSpin").setValue(8)
    assert tab.findChild(QLabel, "paramCountLabel").text() != before and "parameters" in before
    optimizer = tab.findChild(QComboBox, "optimizerCombo")
    assert [optimizer.itemText(i) for i in range(optimizer.count())] == [
        "SGD", "SGD + Momentum", "AdaGrad", "RMSprop", "Adam", "AdamW"]


def test_architecture_config_fills_the_builder(qtbot, tab):
    config = {"model_type": "llama", "hidden_size": 96, "num_hidden_layers": 3, "num_attention_heads": 6,
              "num_key_value_heads": 2, "intermediate_size": 256, "max_position_embeddings": 48}
    with qtbot.waitSignal(tab.navigate_requested) as nav:
        tab.set_model_config(config)
    assert nav.args == ["trainingTab"]
    m = tab.panel.config().model
    assert (m.family, m.n_layer, m.n_head, m.n_kv_head, m.n_embd, m.n_inner, m.context_length) == (
        "llama", 3, 6, 2, 96, 256, 48)
    assert button(tab, "startTrainingButton").isEnabled()


def test_two_selected_runs_overlay_two_curves(qtbot, tab, tmp_path):
    from playground.core.training.trainer import train

    small = tiny(max_steps=4, eval_every=0, sample_every=0)
    a = train(small.replace(name="overlay-a"), on_metrics=lambda m: None)
    b = train(small.replace(name="overlay-b", seed=3), on_metrics=lambda m: None)
    with qtbot.waitSignal(tab.runs.runs_listed, timeout=10_000):  # listed on a worker thread
        tab.runs.refresh()
    tab.runs.select_runs([a.run_dir, b.run_dir])
    qtbot.waitUntil(lambda: not tab.metrics_reader.busy, timeout=10_000)  # and their metrics read on one
    counts = tab.plots.curve_point_counts()
    assert counts[a.run_dir.name] == 4 and counts[b.run_dir.name] == 4
    with qtbot.waitSignal(tab.metrics_reader.read_delivered, timeout=10_000):
        tab.runs.select_runs([a.run_dir])  # one run: its own curves come back
    assert tab.plots.curve_point_counts()["train (raw)"] == 4 and a.run_dir.name not in tab.plots.curve_point_counts()
    out = tmp_path / "m.csv"
    tab.plots.export_csv(out)
    assert out.read_text().splitlines()[0].startswith("step,tokens,loss") and len(out.read_text().splitlines()) == 5
    png = tmp_path / "plots.png"
    tab.plots.export_png(png)
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_optimizer_race_overlays_each_optimizer(qtbot, tab):
    tab.apply_preset("race")
    tab.set_config(tiny(max_steps=3, eval_every=0, sample_every=0))
    with qtbot.waitSignals([tab.training_finished] * 4, timeout=4 * STEP_TIMEOUT):
        click(qtbot, tab, "startTrainingButton")
    qtbot.waitUntil(lambda: not tab.is_training and len(tab.runs.selected_runs()) == 4, timeout=10_000)
    names = [p.name for p in tab.runs.selected_runs()]
    # (a run named like an earlier one gets "-2", "-3": the Learn panel's race demo may have run first)
    assert {re.sub(r"-\d+$", "", n).rsplit("-", 1)[-1] for n in names} == {"sgd", "momentum", "rmsprop", "adam"}
    qtbot.waitUntil(lambda: not tab.metrics_reader.busy, timeout=10_000)  # their metrics, read on a worker
    assert sum(1 for k, v in tab.plots.curve_point_counts().items() if k.startswith("race-") and v == 3) == 4


def test_hand_off_to_chat_loads_the_trained_model_and_generates(qtbot, window):
    from playground.core.generation.stream import generate_stream
    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.sampling import SamplingSettings

    tab = window.tab("trainingTab")
    tab.set_config(tiny(max_steps=3, eval_every=0, sample_every=0, name="handoff"))
    with qtbot.waitSignal(tab.training_finished, timeout=STEP_TIMEOUT):
        click(qtbot, tab, "startTrainingButton")
    qtbot.waitUntil(lambda: not tab.is_training and not tab.runs.refreshing, timeout=10_000)
    assert tab.runs.current_run().name.startswith("handoff")
    with qtbot.waitSignal(window.controller.model_changed, timeout=STEP_TIMEOUT):
        click(qtbot, tab, "chatWithModelButton")
    assert window.tabs.currentWidget() is window.tab("chatTab")
    session = window.controller.session
    assert session.source.kind == "run" and session.source.name.startswith("run: handoff")
    selector = window.findChild(QComboBox, "modelSelector")
    assert any(selector.itemText(i).startswith("run: handoff") for i in range(selector.count()))
    ids = session.tokenizer("The ", add_special_tokens=False)["input_ids"]
    out = generate_stream(TorchEngine(session.model), session.tokenizer, ids,
                          SamplingSettings(temperature=1.0, max_new_tokens=12, seed=1))
    assert len(out.token_ids) == 12 and out.text


def test_bad_data_is_reported_in_words(qtbot, tab, tmp_path):
    binary = tmp_path / "weights.txt"
    binary.write_bytes(b"\x00\x01\x02" * 1000)
    source = tab.findChild(QComboBox, "dataSourceCombo")
    source.setCurrentIndex(source.findData("file"))
    assert "data.path" in tab.findChild(QLabel, "configMessage").text()
    assert not button(tab, "startTrainingButton").isEnabled()
    tab.panel.path_edit.setText(str(binary))
    click(qtbot, tab, "startTrainingButton")
    qtbot.waitUntil(lambda: not tab.is_training, timeout=STEP_TIMEOUT)
    assert "looks like a binary file" in tab.status.text()
    assert button(tab, "startTrainingButton").isEnabled()


def test_lora_mode_fine_tunes_the_current_model(qtbot, loaded_window):
    tab = loaded_window.tab("trainingTab")
    mode = tab.findChild(QComboBox, "modeCombo")
    mode.setCurrentIndex(mode.findData("lora"))
    cfg = tab.panel.config()
    assert cfg.finetune.mode == "lora" and cfg.finetune.base_model == "builtin" and cfg.data.tokenizer == "model"
    assert "SmolLM2" in tab.findChild(QLabel, "baseModelLabel").text()
    assert tab.panel.model_box.isHidden() and not tab.panel.lora_box.isHidden()
    tab.apply_preset("lora-smollm2")
    assert tab.findChild(QLabel, "configMessage").text() == ""
    assert button(tab, "startTrainingButton").isEnabled()


def test_zoom_reaches_the_settings_column_and_the_plot_labels(qtbot, window):
    tab = window.tab("trainingTab")
    window.show_tab("trainingTab")
    title = tab.plots.loss_plot.getPlotItem().titleLabel
    before_size, before_width = float(title.opts["size"].rstrip("pt")), tab.config_scroll.minimumWidth()
    window.set_zoom(1.6)
    qtbot.waitUntil(lambda: float(title.opts["size"].rstrip("pt")) > before_size * 1.4)
    assert tab.config_scroll.minimumWidth() > before_width
    # The legend lists curves with points; a run's entries, added after the zoom, take its size too.
    tab.plots.load_rows([{"step": 1, "tokens": 64, "loss": 3.0, "lr": 1e-3, "grad_norm": 1.0, "tokens_per_s": 99.0,
                          "val_loss": 2.9}])
    legend_sizes = {text.opts["size"] for _sample, text in tab.plots.legend.items}
    assert len(tab.plots.legend.items) == 3 and legend_sizes == {title.opts["size"]}  # the legend follows too


def test_stop_replaces_the_eta(qtbot, tab):
    tab.set_config(tiny(eval_every=0, sample_every=0))
    click(qtbot, tab, "startTrainingButton")
    qtbot.waitUntil(lambda: bool(re.search(r"ETA \d", tab.progress.format())), timeout=STEP_TIMEOUT)  # a rate, so an ETA
    with qtbot.waitSignal(tab.training_finished, timeout=STEP_TIMEOUT):
        click(qtbot, tab, "stopTrainingButton")
    qtbot.waitUntil(lambda: not tab.is_training, timeout=10_000)
    qtbot.wait(300)  # the progress timer's last ticks
    text = tab.progress.format()
    assert "ETA" not in text and text.startswith("Step ") and text.endswith("· stopped")
    tab.progress.grab().save("/tmp/i21_progress_stopped.png")


def _points(plot_widget) -> dict[str, int]:
    """Points each curve of one plot draws (unnamed curves numbered)."""
    out = {}
    for i, item in enumerate(plot_widget.getPlotItem().listDataItems()):
        xs, _ys = item.getOriginalDataset()
        out[item.name() or f"#{i}"] = 0 if xs is None else len(xs)
    return out


def test_optimizer_race_shows_exactly_its_runs(qtbot, tab):
    from playground.core.training.trainer import train

    other = train(tiny(max_steps=12, eval_every=0, sample_every=0, name="unrelated"), on_metrics=lambda m: None)
    with qtbot.waitSignal(tab.runs.runs_listed, timeout=10_000):
        tab.runs.refresh()
    with qtbot.waitSignal(tab.metrics_reader.read_delivered, timeout=10_000):
        tab.runs.select_runs([other.run_dir])  # still selected when the race starts
    snapshots = []  # the loss plot's curves after each metrics read the tab draws
    tab.metrics_reader.read_delivered.connect(lambda: snapshots.append(tab.plots.curve_point_counts()))

    tab.apply_preset("race")
    tab.set_config(tiny(max_steps=3, eval_every=0, sample_every=0))
    with qtbot.waitSignals([tab.training_finished] * 4, timeout=4 * STEP_TIMEOUT):
        click(qtbot, tab, "startTrainingButton")
    qtbot.waitUntil(lambda: not tab.is_training and len(tab.runs.selected_runs()) == 4, timeout=10_000)
    qtbot.waitUntil(lambda: not tab.metrics_reader.busy and len(snapshots) >= 4, timeout=10_000)
    assert all(other.run_dir.name not in s for s in snapshots)
    first = snapshots[0]  # drawn while the second optimizer trains: the finished SGD run is there
    assert [v for k, v in first.items() if k.startswith("race-sgd")] == [3]

    race = sorted(p.name for p in tab.runs.selected_runs())
    plots = tab.plots
    assert sorted(k for k, v in plots.curve_point_counts().items() if v) == race  # one curve per optimizer
    assert sorted(text.text for _sample, text in plots.legend.items) == race  # no empty train/validation entries
    for name in ("lr", "grad", "speed"):  # the other plots draw the race too
        assert sorted(_points(plots.plot_widgets[name]).values()) == [0, 3, 3, 3, 3]  # (+ its own empty curve)
    assert plots.loss_plot.getPlotItem().getViewBox().viewRange()[0][1] < 6  # fitted to 3 steps, not 12
    combo = tab.findChild(QComboBox, "presetCombo")
    assert combo.width() > combo.fontMetrics().horizontalAdvance(combo.currentText()) + 20  # the name fits
    tab.grab().save("/tmp/i21_race.png")
