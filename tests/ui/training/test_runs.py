"""The runs list and the runs' metrics are read on worker threads, never on the GUI thread."""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import Qt

from playground.core.files import write_text_atomic


@pytest.fixture
def past_run():
    """A finished run on disk as the trainer leaves one: config.json, status.json, metrics.jsonl."""
    from playground.core.training import runs

    run = runs.new_run_dir("listed-on-a-worker")
    write_text_atomic(run / "config.json", "{}\n")
    rows = [{"step": s, "max_steps": 3, "tokens": 8 * s, "loss": 4.0 - s, "lr": 1e-3, "grad_norm": 1.0,
             "tokens_per_s": 100.0, "elapsed": 0.1 * s, "val_loss": None} for s in (1, 2, 3)]
    write_text_atomic(run / "metrics.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    runs.write_status(run, "finished", "Finished 3 steps.", step=3, loss=1.0)
    return run


def spy_threads(monkeypatch, module, name: str) -> list[threading.Thread]:
    """Record the thread each call of module.name runs on."""
    seen: list[threading.Thread] = []
    original = getattr(module, name)

    def spy(*args, **kwargs):
        seen.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


def test_the_runs_list_fills_through_a_worker(qtbot, monkeypatch, past_run):
    from playground.core.training import runs
    from playground.ui.training.runs import RunsPanel

    listed_on = spy_threads(monkeypatch, runs, "list_runs")
    panel = RunsPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.runs_listed, timeout=10_000):
        panel.refresh(select=past_run)
        assert panel.refreshing  # the list arrives later, from the worker
    assert listed_on and all(t is not threading.main_thread() for t in listed_on)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert f"✓ {past_run.name} · 3 steps · loss 1.000" in texts
    assert panel.current_run() == past_run and panel.chat_button.isEnabled() is False  # no model folder
    panel.shutdown()


def test_a_selection_asked_for_while_listing_is_applied_when_the_list_arrives(qtbot, past_run):
    from playground.ui.training.runs import RunsPanel

    panel = RunsPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.runs_listed, timeout=10_000):
        panel.refresh()
        panel.refresh()  # a second refresh while the first lists: one more listing, one fill
        panel.select_runs([past_run])
    assert panel.selected_runs() == [past_run] and not panel.refreshing
    items = [panel.list.item(i) for i in range(panel.list.count())]
    assert sum(1 for item in items if item.data(Qt.UserRole) == str(past_run)) == 1
    panel.shutdown()


def test_selected_runs_metrics_are_read_on_a_worker(qtbot, monkeypatch, past_run):
    from playground.core.training import runs
    from playground.ui.training.tab import TrainingTab

    read_on = spy_threads(monkeypatch, runs.MetricsCache, "rows")
    tab = TrainingTab()
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: not tab.runs.refreshing, timeout=10_000)
    with qtbot.waitSignal(tab.metrics_reader.read_delivered, timeout=10_000):
        tab.runs.select_runs([past_run])
    assert tab.loss_points() == [3.0, 2.0, 1.0]
    assert read_on and all(t is not threading.main_thread() for t in read_on)
    tab.shutdown()


def test_a_resumed_run_shows_its_earlier_curve_read_off_the_gui_thread(qtbot, monkeypatch):
    from playground.core.training import runs
    from playground.core.training.trainer import train
    from playground.ui.training.tab import TrainingTab
    from tests.ui.training.test_tab import STEP_TIMEOUT, tiny

    first = train(tiny(max_steps=4, eval_every=0, sample_every=0, name="resumed-history"), on_metrics=lambda m: None)
    earlier = [row["loss"] for row in runs.read_metrics(first.run_dir)]
    read_on = spy_threads(monkeypatch, runs, "read_metrics")
    tab = TrainingTab()
    qtbot.addWidget(tab)
    tab.show()
    tab.panel.steps_spin.setValue(100_000)
    tab._on_runs_resume_requested(first.run_dir)  # what the Resume button does
    qtbot.waitUntil(lambda: len(tab.loss_points()) >= 6, timeout=STEP_TIMEOUT)
    assert tab.loss_points()[:4] == earlier  # the earlier steps first, then the new ones
    with qtbot.waitSignal(tab.training_finished, timeout=STEP_TIMEOUT):
        tab._on_stop_button_clicked()
    assert read_on and all(t is not threading.main_thread() for t in read_on)
    qtbot.waitUntil(lambda: not tab.is_training, timeout=10_000)
    tab.shutdown()


def test_a_damaged_run_shows_as_damaged_and_the_window_still_opens(qtbot, past_run):
    """A zero-length state.json (a power cut mid-write) and a status.json that is a list: the app opens,
    the damaged runs are listed with the reason, the good one as before."""
    from playground.core.training import runs
    from playground.ui.shell.main_window import MainWindow

    cut = runs.new_run_dir("power-cut")
    write_text_atomic(cut / "config.json", "{}\n")
    (cut / "checkpoints" / "step-00000005").mkdir(parents=True)
    (cut / "checkpoints" / "step-00000005" / "state.json").write_text("")
    listed = runs.new_run_dir("status-is-a-list")
    write_text_atomic(listed / "config.json", "{}\n")
    write_text_atomic(listed / "status.json", "[]")

    win = MainWindow(autoload=False)
    qtbot.addWidget(win)
    panel = win.training_tab.runs
    qtbot.waitUntil(lambda: panel.list.count() >= 3 and not panel.refreshing, timeout=10_000)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert f"✓ {past_run.name} · 3 steps · loss 1.000" in texts
    assert "⚠ power-cut · damaged: The checkpoint step-00000005 is damaged (state.json: it is empty)." in texts
    assert any(t.startswith("⚠ status-is-a-list · damaged: status.json is damaged") for t in texts)
    win.shutdown()
