"""The Optimize tab, driven through its widgets on the real built-in model."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDoubleSpinBox, QFileDialog, QLabel, QListWidget, QPushButton, QSpinBox, QTabWidget,
                               QTableWidget, QWidget)


def tab_of(window):
    tab = window.tab("optimizeTab")
    window.tabs.setCurrentWidget(tab)
    return tab


def tick(tab, *keys):
    techniques = tab.findChild(QListWidget, "techniqueList")
    for i in range(techniques.count()):
        item = techniques.item(i)
        item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in keys else Qt.Unchecked)


def quick_measure(tab):
    tab.findChild(QSpinBox, "pplTokensSpin").setValue(32)
    tab.findChild(QSpinBox, "evalTokensSpin").setValue(6)


def run_and_wait(qtbot, tab, timeout=180_000):
    with qtbot.waitSignal(tab.job_finished, timeout=timeout) as blocker:
        qtbot.mouseClick(tab.findChild(QPushButton, "runOptimizeButton"), Qt.LeftButton)
    return blocker.args[0]


def test_the_optimize_tab_is_the_fourth_tab(window, builtin_session):
    tabs = window.findChild(QTabWidget, "mainTabs")
    assert tabs.tabText(3) == "Optimize" and window.tab("optimizeTab") is not None
    message = window.tab("optimizeTab").findChild(QLabel, "optimizeMessage")
    run_button = window.tab("optimizeTab").findChild(QPushButton, "runOptimizeButton")
    assert "Load a model first" in message.text()
    assert not run_button.isEnabled()
    window.controller.adopt(builtin_session)  # the model arrives: the stale hint goes, the button wakes
    assert message.text() == "" and run_button.isEnabled()


def test_report_fills_exports_saves_and_loads_into_chat(qtbot, loaded_window, monkeypatch, tmp_path):
    window = loaded_window
    original_model = window.controller.session.model
    tab = tab_of(window)
    tick(tab, "bfloat16", "int4-weight")
    quick_measure(tab)
    assert run_and_wait(qtbot, tab) is True
    table = tab.findChild(QTableWidget, "optimizeReport")
    assert table.rowCount() == 3
    assert [table.item(r, 0).text() for r in range(3)] == ["original", "bfloat16", "int4-g64"]
    assert table.item(1, 3).text().endswith("(-50%)")  # bfloat16 halves the memory
    assert "(-" in table.item(2, 3).text() and "(-" in table.item(2, 4).text()  # int4 shrinks memory and disk
    assert all(table.item(r, 7).text() for r in range(3))  # every model answered
    assert "Paris" in table.item(0, 7).text()
    assert window.controller.session.model is original_model  # never modified in place
    assert next(original_model.parameters()).dtype.is_floating_point

    # export through the buttons (the file dialog answered by the test)
    for fmt in ("md", "csv"):
        target = tmp_path / f"report.{fmt}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        qtbot.mouseClick(tab.findChild(QPushButton, "exportReportMarkdownButton" if fmt == "md" else "exportReportCsvButton"),
                         Qt.LeftButton)
    assert "| int4-g64 |" in (tmp_path / "report.md").read_text(encoding="utf-8")
    rows = list(csv.DictReader((tmp_path / "report.csv").open(encoding="utf-8")))
    assert [r["method"] for r in rows] == ["original", "bfloat16", "int4-weight"]
    assert int(rows[2]["memory_bytes"]) < int(rows[0]["memory_bytes"]) // 2

    # "Load into Chat" saves the int4 variant, then makes it the current model
    table.selectRow(2)
    with qtbot.waitSignal(window.controller.model_changed, timeout=120_000):
        qtbot.mouseClick(tab.findChild(QPushButton, "loadVariantButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.busy and not tab.busy, timeout=30_000)
    session = window.controller.session
    folder = session.source.path
    assert "variants" in folder and (tmp_path.parent / "x").parent  # a folder under data_dir()/variants
    assert (Path(folder) / "quantization.json").exists() and (Path(folder) / "quantized.safetensors").exists()
    from playground.core.optimize.compression.quantize import WeightOnlyLinear

    assert any(isinstance(m, WeightOnlyLinear) for m in session.model.modules())
    assert window.tabs.currentWidget() is window.tab("chatTab")
    assert window.findChild(QLabel, "statusParams").text() == "134.5M parameters"  # int4 weights counted


def test_invalid_choices_show_an_inline_message(qtbot, loaded_window):
    tab = tab_of(loaded_window)
    run = tab.findChild(QPushButton, "runOptimizeButton")
    message = tab.findChild(QLabel, "optimizeMessage")
    tick(tab, "magnitude")
    tab.findChild(QDoubleSpinBox, "sparsitySpin").setValue(1.0)
    assert "between 0 and 0.99" in message.text() and not run.isEnabled()
    tab.findChild(QDoubleSpinBox, "sparsitySpin").setValue(0.5)
    assert run.isEnabled() and message.text() == ""
    tick(tab, "heads")
    heads = tab.findChild(QSpinBox, "pruneHeadsSpin")
    heads.setValue(9)
    assert "at most 6" in message.text() and not run.isEnabled()
    heads.setValue(2)
    assert "multiple of 3" in message.text() and not run.isEnabled()
    heads.setValue(3)
    assert run.isEnabled()
    tick(tab)
    assert "Tick at least one" in message.text() and not run.isEnabled()


def test_cancel_keeps_the_rows_measured_so_far(qtbot, loaded_window):
    tab = tab_of(loaded_window)
    tick(tab, "bfloat16", "int8-weight", "int4-weight", "magnitude")
    quick_measure(tab)
    with qtbot.waitSignal(tab.job_finished, timeout=180_000) as blocker:
        qtbot.mouseClick(tab.findChild(QPushButton, "runOptimizeButton"), Qt.LeftButton)
        qtbot.waitUntil(lambda: len(tab.results()) >= 1, timeout=120_000)
        qtbot.mouseClick(tab.findChild(QPushButton, "cancelOptimizeButton"), Qt.LeftButton)
    assert blocker.args == [False]
    assert "Cancelled" in tab.findChild(QLabel, "optimizeMessage").text()
    assert 1 <= len(tab.results()) < 5
    assert tab.findChild(QPushButton, "runOptimizeButton").isEnabled()


def test_distillation_plots_its_loss_and_the_student_saves_and_reloads(qtbot, loaded_window, tmp_path):
    import torch

    from playground.core.optimize.compression import load_variant
    from playground.core.optimize.evaluation import builtin_corpus

    tab = tab_of(loaded_window)
    tab.findChild(QTabWidget, "optimizeModes").setCurrentIndex(1)
    values = {"studentLayersSpin": 2, "studentHeadsSpin": 3, "studentKvHeadsSpin": 1, "studentWidthSpin": 32,
              "studentContextSpin": 64, "distillStepsSpin": 10, "distillBatchSpin": 2, "distillSeqLenSpin": 16}
    for name, value in values.items():
        tab.findChild(QSpinBox, name).setValue(value)
    start = tab.findChild(QPushButton, "startDistillButton")
    assert "n_head" in tab.findChild(QLabel, "optimizeMessage").text() and not start.isEnabled()  # 3 ∤ 32
    tab.findChild(QSpinBox, "studentHeadsSpin").setValue(2)
    assert start.isEnabled()
    text = tmp_path / "text.txt"
    text.write_text(builtin_corpus()[:6000], encoding="utf-8")
    tab.distill.set_text_file(str(text))
    tab.findChild(QDoubleSpinBox, "distillLrSpin").setValue(1e-2)
    quick_measure(tab)
    with qtbot.waitSignal(tab.job_finished, timeout=300_000) as blocker:
        qtbot.mouseClick(start, Qt.LeftButton)
    assert blocker.args == [True], tab.findChild(QLabel, "optimizeMessage").text()
    losses = tab.distill_losses()
    assert len(losses) == 10 and sum(losses[-3:]) < sum(losses[:3])
    note = tab.results()[1].metrics.note  # "... held-out KL 8.1 → 6.2"
    first_kl, last_kl = (float(v) for v in note.rsplit("KL ", 1)[1].split(" → "))
    assert last_kl < first_kl
    plots = tab.findChild(QWidget, "distillPlots")
    qtbot.waitUntil(lambda: plots.curve_point_counts().get("train (raw)") == 10, timeout=5_000)
    table = tab.findChild(QTableWidget, "optimizeReport")
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["original", "student-llama-2x32"]
    assert "(-" in table.item(1, 1).text()  # far fewer parameters than the teacher

    table.selectRow(1)
    with qtbot.waitSignal(tab.job_finished, timeout=120_000):
        qtbot.mouseClick(tab.findChild(QPushButton, "saveVariantButton"), Qt.LeftButton)
    student = tab.results()[1]
    folder = tab._saved[id(student)]
    assert "variants" in folder and (Path(folder) / "model.safetensors").exists()
    loaded, _tokenizer = load_variant(folder)
    ids = torch.tensor([[1, 2, 3, 4, 5]])
    with torch.no_grad():
        assert torch.equal(loaded(input_ids=ids).logits, student.model(input_ids=ids).logits)


def test_onnx_int4_row_is_measured_and_loads_its_fast_engine_into_chat(qtbot, loaded_window, onnx_models):
    """The fast engine's int4 model (built for this session) as a report row: its perplexity is within 1.6x
    of the original's (measured 1.41x on 512 tokens, +41%), it answers "Paris", and "Load into Chat"
    selects "Fast (ONNX int4)" in the Chat tab (turning the fast engine on); "Save" is disabled for it."""
    from PySide6.QtWidgets import QComboBox

    window = loaded_window
    tab = tab_of(window)
    tick(tab, "onnx-int4")
    tab.findChild(QSpinBox, "pplTokensSpin").setValue(128)
    tab.findChild(QSpinBox, "evalTokensSpin").setValue(8)
    assert run_and_wait(qtbot, tab) is True, tab.findChild(QLabel, "optimizeMessage").text()
    table = tab.findChild(QTableWidget, "optimizeReport")
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["original", "onnx-int4"]
    original, fast = (r.metrics for r in tab.results())
    assert fast.params_total == original.params_total  # the export keeps every weight
    assert fast.disk_bytes < original.disk_bytes / 4  # 4-bit weights (measured: 90 MB against 538 MB)
    assert original.perplexity < fast.perplexity < 1.6 * original.perplexity
    assert "Paris" in table.item(1, 7).text() and fast.tokens_per_s > 0
    assert tab.results()[1].onnx_folder == onnx_models["int4"]

    table.selectRow(1)
    save, load = tab.findChild(QPushButton, "saveVariantButton"), tab.findChild(QPushButton, "loadVariantButton")
    assert not save.isEnabled() and "no model folder to save" in save.toolTip()
    assert load.isEnabled()
    chat = window.tab("chatTab")
    assert not chat.fast_engine_action.isChecked()  # the test suite's default
    qtbot.mouseClick(load, Qt.LeftButton)
    assert window.tabs.currentWidget() is chat
    assert chat.findChild(QComboBox, "engineCombo").currentText() == "Fast (ONNX int4)"
    assert chat.fast_engine_action.isChecked()
    assert "Fast (ONNX int4)" in tab.findChild(QLabel, "optimizeMessage").text()
    qtbot.waitUntil(lambda: chat.engines.building is None, timeout=60_000)  # loads the same, already built model
    assert chat.findChild(QLabel, "engineStatusLabel").text() == "ready"


def test_onnx_variants_explain_why_they_cannot_run(qtbot, loaded_window, monkeypatch):
    from playground.core.engines import onnx_build

    monkeypatch.setattr(onnx_build, "onnx_available", lambda: False)
    tab = tab_of(loaded_window)
    tick(tab, "bfloat16", "onnx-int8")
    message = tab.findChild(QLabel, "optimizeMessage").text()
    assert message.startswith("ONNX int8 (experimental): The fast engine cannot build this model")
    assert "pip install onnxruntime onnxruntime-genai" in message
    assert not tab.findChild(QPushButton, "runOptimizeButton").isEnabled()


def test_compress_and_measure_stays_in_view_when_zoomed(qtbot, window):
    tab = tab_of(window)
    run_button = tab.findChild(QPushButton, "runOptimizeButton")
    qtbot.waitUntil(run_button.isVisible, timeout=5_000)
    before = run_button.height()
    window.set_zoom(1.33)
    qtbot.waitUntil(lambda: run_button.height() > before, timeout=5_000)  # the zoomed font reached it
    qtbot.wait(300)  # and the layouts around it settled
    shown = run_button.visibleRegion().boundingRect()  # what no scroll area or window edge hides
    assert shown.size() == run_button.size(), (shown, run_button.size())
    corner = run_button.mapTo(window, run_button.rect().bottomRight())
    assert window.rect().contains(corner)
    window.grab().save("/tmp/optimize_zoom_133.png")
    tab.findChild(QTabWidget, "optimizeModes").setCurrentIndex(1)  # Distill has its own Start button
    assert not run_button.isVisible()


def test_magnitude_pruning_defaults_to_a_usable_sparsity_and_warns_where_the_model_breaks(qtbot, loaded_window):
    """0.5 took the built-in model's perplexity from 15.8 to 352 ("You can . . . .P.P.") with no warning."""
    tab = tab_of(loaded_window)
    loaded_window.dark_action.setChecked(True)
    spin = tab.findChild(QDoubleSpinBox, "sparsitySpin")
    warning = tab.findChild(QLabel, "sparsityWarning")
    tick(tab, "magnitude")
    assert spin.value() == 0.2
    assert not warning.isVisible()
    spin.setValue(0.5)
    assert warning.isVisible() and "352" in warning.text() and "gibberish" in warning.text()
    assert "0.2 keeps it usable" in warning.text()
    qtbot.wait(50)  # the palette change reaches the widgets through the event loop
    tab.grab().save("/tmp/sparsity_warning.png")
    tick(tab, "bfloat16")  # the warning is about magnitude pruning only
    assert not warning.isVisible()
    tick(tab, "magnitude")
    spin.setValue(0.3)
    assert not warning.isVisible()
    loaded_window.dark_action.setChecked(False)
