"""Closing the window while something long runs: it returns promptly, every worker thread has ended (the
suite's thread guard fails the test otherwise), and nothing is left half-written."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QPushButton

from playground.core.training import runs
from tests.ui.training.test_tab import STEP_TIMEOUT, tiny

CLOSE_BOUND_S = 5.0


def _close(window) -> float:
    started = time.perf_counter()
    window.close()
    return time.perf_counter() - started


def test_closing_during_a_model_load(qtbot, window):
    from playground.core.models import sources

    assert window.controller.load(sources.builtin_source())
    qtbot.waitUntil(lambda: window.controller.busy, timeout=5_000)
    assert _close(window) < CLOSE_BOUND_S


def test_closing_during_training_keeps_a_whole_checkpoint(qtbot, window):
    tab = window.training_tab
    tab.set_config(tiny(name="closed-mid-run"))
    qtbot.mouseClick(tab.findChild(QPushButton, "startTrainingButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(tab.loss_points()) >= 3, timeout=STEP_TIMEOUT)
    assert _close(window) < CLOSE_BOUND_S
    run = next(r.path for r in runs.list_runs() if r.name.startswith("closed-mid-run"))
    assert runs.read_status(run)["status"] == "stopped"
    latest = runs.latest_checkpoint(run)
    assert latest is not None and runs.read_checkpoint_state(latest)["step"] >= 3
    assert not list(run.glob("checkpoints/.step-*")) and not list(run.glob(".model.*"))


def test_closing_during_a_reply(qtbot, loaded_window):
    tab = loaded_window.chat_tab
    tab.findChild(QPlainTextEdit, "chatInput").setPlainText("Write a long story about a dragon.")
    qtbot.mouseClick(tab.findChild(QPushButton, "sendButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.findChild(QPushButton, "stopButton").isEnabled(), timeout=30_000)
    qtbot.wait(300)  # tokens are streaming
    assert _close(loaded_window) < CLOSE_BOUND_S
