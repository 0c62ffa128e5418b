"""The Learn panel: every lesson's Show me sets up its demo, in both languages; bad lessons are named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QListWidget, QPushButton

from playground.core import lessons as core_lessons

LANGUAGES = ("en", "zh_CN")


def _panel(qtbot, window, language):
    window.learn_panel.set_language(language)
    qtbot.keyClick(window, Qt.Key_F1)  # the panel opens with F1
    panel = window.findChild(QDockWidget, "learnPanel")
    assert panel.isVisible()
    return panel


def _show_me(qtbot, panel, key: str) -> str:
    assert panel.select_lesson(key)
    qtbot.mouseClick(panel.findChild(QPushButton, "showMeButton"), Qt.LeftButton)
    return panel.findChild(QLabel, "learnStatus").text()


def _stop_training(qtbot, window) -> None:
    tab = window.training_tab
    tab._queue = []  # a series stops after the current run
    qtbot.mouseClick(tab.stop_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_training, timeout=120_000)


@pytest.mark.parametrize("language", LANGUAGES)
def test_f1_lists_the_lessons_in_the_chosen_language(qtbot, window, language):
    panel = _panel(qtbot, window, language)
    titles = [panel.findChild(QListWidget, "lessonList").item(i).text() for i in range(panel.list.count())]
    assert titles == [lesson.title for lesson in core_lessons.load_lessons(language).items]
    assert len(titles) >= 9 and panel.problems == []
    assert QSettings().value("learn/language") == language
    panel.select_lesson("08-compute")
    assert "6·N·D" in panel.findChild(QLabel, "lessonFormula").text()
    assert ("训练" if language == "zh_CN" else "Training") in panel.text.toPlainText()
    qtbot.keyClick(window, Qt.Key_F1)
    assert not panel.isVisible()


def test_the_language_defaults_to_the_system_locale_and_falls_back_to_english(window, monkeypatch):
    from PySide6.QtCore import QLocale

    from playground.ui.shell import learn_panel

    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("zh_CN")))
    assert learn_panel.lesson_language() == "zh_CN"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("fr_FR")))
    assert learn_panel.lesson_language() == "en"
    QSettings().setValue("learn/language", "zh_CN")
    assert learn_panel.lesson_language() == "zh_CN"
    with pytest.raises(ValueError, match="no lessons in 'xx'"):
        window.learn_panel.set_language("xx")


@pytest.mark.parametrize("language", LANGUAGES)
def test_parameters_compares_gpt2_small_with_llama_3_8b(qtbot, window, language):
    panel = _panel(qtbot, window, language)
    _show_me(qtbot, panel, "01-parameters")
    assert window.tabs.currentWidget() is window.architecture_tab
    builder = window.architecture_tab.builder
    assert window.architecture_tab.pages.currentWidget() is builder
    assert builder.preset_combo.currentText() == "Llama-3-8B"
    compare = builder.findChild(QLabel, "builderCompareLabel")
    assert compare.isVisible()
    text = compare.text()
    assert "GPT-2 small (124M)" in text and "Llama-3-8B" in text
    assert "124.4M" in text and "8.0B" in text  # both parameter counts, and their memory beside them
    assert "15.0 GiB" in text and "29.9 GiB" in text and "MiB" in text  # bf16 and fp32 weights


@pytest.mark.parametrize("language", LANGUAGES)
def test_compute_shows_six_n_d_with_the_measured_flops(qtbot, window, language):
    panel = _panel(qtbot, window, language)
    with qtbot.waitSignal(window.architecture_tab.flops_measured, timeout=60_000) as measured:
        _show_me(qtbot, panel, "08-compute")
    builder = window.architecture_tab.builder
    assert window.architecture_tab.pages.currentWidget() is builder
    assert builder.preset_combo.currentText() == "GPT-2 small (124M)"
    assert measured.args[0] > 0
    assert abs(builder.stats.flops() - measured.args[0]) / measured.args[0] < 0.01
    assert "6·N·D / FLOP/s" in builder.stats.text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_pretraining_vs_finetuning_picks_the_scratch_preset_and_explains_the_runs(qtbot, window, language):
    panel = _panel(qtbot, window, language)
    status = _show_me(qtbot, panel, "02-pretraining-finetuning")
    assert window.tabs.currentWidget() is window.training_tab
    assert window.training_tab.panel.preset_combo.currentData() == "char-gpt"
    assert "lora-smollm2" in status  # no runs yet: what to start to compare


def test_pretraining_vs_finetuning_overlays_the_newest_runs_of_each_kind(qtbot, window, data_dir):
    from playground.core.training.presets import preset_config

    runs = data_dir / "runs"
    made = {}
    for name, key in (("scratch-run", "char-gpt"), ("lora-run", "lora-smollm2")):
        folder = runs / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(preset_config(key).to_json(), encoding="utf-8")
        made[key] = folder
    tab = window.training_tab
    tab.runs.refresh()
    qtbot.waitUntil(lambda: not tab.runs.refreshing, timeout=30_000)
    try:
        panel = _panel(qtbot, window, "en")
        status = _show_me(qtbot, panel, "02-pretraining-finetuning")
        assert "overlaid" in status
        assert set(tab.runs.selected_runs()) == set(made.values())
    finally:
        import shutil

        for folder in made.values():
            shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_loop_names_each_stage_as_it_happens(qtbot, window, language):
    panel = _panel(qtbot, window, language)
    _show_me(qtbot, panel, "03-training-loop")
    tab = window.training_tab
    assert window.tabs.currentWidget() is tab and tab.is_training
    stages = panel.findChild(QLabel, "trainingStages")
    assert stages.isVisible() and stages.stage == "preprocess"
    seen = {stages.stage}
    tab.stage_changed.connect(lambda stage, _payload: seen.add(stage))
    qtbot.waitUntil(lambda: "step" in seen, timeout=120_000)
    assert {"preprocess", "init", "step"} <= seen
    assert stages.stage == "step" and "backprop" in stages.text()
    _stop_training(qtbot, window)


@pytest.mark.parametrize("language", LANGUAGES)
def test_optimizers_starts_the_race(qtbot, window, language):
    panel = _panel(qtbot, window, language)
    _show_me(qtbot, panel, "04-optimizers")
    tab = window.training_tab
    assert tab.panel.is_race and tab.is_training
    assert [c.optim.optimizer for c in [tab._cfg, *tab._queue]] == ["sgd", "momentum", "rmsprop", "adam"]
    _stop_training(qtbot, window)


@pytest.mark.parametrize("language", LANGUAGES)
def test_regularization_runs_without_then_with(qtbot, window, language):
    panel = _panel(qtbot, window, language)
    _show_me(qtbot, panel, "05-regularization")
    tab = window.training_tab
    assert tab.is_training
    first, second = tab._cfg, tab._queue[0]
    assert (first.model.dropout, first.optim.weight_decay) == (0.0, 0.0)
    assert (second.model.dropout, second.optim.weight_decay) == (0.2, 0.1)
    assert first.data == second.data and first.model.n_layer == second.model.n_layer
    _stop_training(qtbot, window)


@pytest.mark.parametrize("language", LANGUAGES)
def test_attention_runs_the_built_in_model(qtbot, loaded_window, language):
    window = loaded_window
    panel = _panel(qtbot, window, language)
    with qtbot.waitSignal(window.architecture_tab.attention_captured, timeout=120_000) as captured:
        _show_me(qtbot, panel, "06-attention")
    assert window.tabs.currentWidget() is window.architecture_tab
    assert window.architecture_tab.attention_text() == "The cat sat on the mat because it was tired."
    assert captured.args[0].num_tokens >= 10


def test_a_demo_that_needs_the_model_waits_for_it(qtbot, window, builtin_session):
    panel = _panel(qtbot, window, "en")
    window._load_initial_model = lambda: None  # the test hands the model over itself
    status = _show_me(qtbot, panel, "06-attention")
    assert "Loading the model" in status
    with qtbot.waitSignal(window.architecture_tab.attention_captured, timeout=120_000):
        window.controller.adopt(builtin_session)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sampling_charts_a_seeded_reply_with_the_temperature_focused(qtbot, loaded_window, language):
    window = loaded_window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    panel = _panel(qtbot, window, language)
    chat = window.chat_tab
    with qtbot.waitSignal(chat.reply_finished, timeout=120_000):
        _show_me(qtbot, panel, "07-sampling")
    assert window.tabs.currentWidget() is chat
    assert chat.sampling.temperature.value() == 1.0 and chat.sampling.seed.value() == 1234
    qtbot.waitUntil(lambda: bool(chat.chart.values()), timeout=60_000)
    assert any(sampled for *_rest, sampled in chat.chart.values())
    first = chat.messages[-1].content
    assert first
    qtbot.waitUntil(lambda: chat.sampling.temperature.hasFocus(), timeout=5_000)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compression_runs_a_cheap_technique_in_the_optimize_tab(qtbot, loaded_window, language):
    window = loaded_window
    panel = _panel(qtbot, window, language)
    tab = window.optimize_tab
    _show_me(qtbot, panel, "09-compression")
    assert window.tabs.currentWidget() is tab
    assert tab.techniques.checked() == ["bfloat16"] and tab.busy
    with qtbot.waitSignal(tab.job_finished, timeout=120_000):
        qtbot.mouseClick(tab.cancel_button, Qt.LeftButton)


def test_a_bad_teacher_lesson_is_named_and_skipped(qtbot, window):
    folder = Path(os.environ["PLAYGROUND_DATA_DIR"]) / "lessons" / "en"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, md, demo in (("90-unknown", "# Unknown\n\nText.", '{"action": "no_such_demo"}'),
                           ("91-broken", "# Broken\n\nText.", '{"action": '),
                           ("92-mine", "# My own lesson\n\nText.", '{"action": "attention", "order": 95}')):
        for suffix, text in ((".md", md), (".json", demo)):
            files.append(folder / f"{name}{suffix}")
            files[-1].write_text(text, encoding="utf-8")
    try:
        panel = window.learn_panel
        panel.reload()
        keys = [lesson.key for lesson in panel.lessons]
        assert "92-mine" in keys and "90-unknown" not in keys and "91-broken" not in keys
        status = panel.findChild(QLabel, "learnStatus").text()
        assert "90-unknown.json" in status and "no_such_demo" in status and "91-broken.md" in status
    finally:
        for path in files:
            path.unlink()


def test_a_demo_with_bad_arguments_says_so_and_changes_nothing(qtbot, window):
    from playground.core.lessons import Demo

    panel = window.learn_panel
    current = window.tabs.currentWidget()
    assert not panel.run(Demo("config_compare", {"presets": ["GPT-5"]}), "mine.json")
    status = panel.findChild(QLabel, "learnStatus").text()
    assert status.startswith("mine.json: unknown config builder preset") and "GPT-5" in status
    assert not panel.run(Demo("nothing_like_this"), "talk.json")
    assert "talk.json: unknown demo action 'nothing_like_this'" in panel.status.text()
    assert window.tabs.currentWidget() is current
