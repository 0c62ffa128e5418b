"""The soak (slow tier, `make slow`): chat, training and attention cycles through the GUI for
PLAYGROUND_SOAK_SECONDS (30 minutes by default). Threads and memory stay bounded: no cycle leaves a
thread behind, and the process grows less than 15% after the first cycles warmed every cache up."""

from __future__ import annotations

import ctypes
import gc
import os
import threading
import time

import psutil
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QPushButton

from tests.ui.training.test_tab import STEP_TIMEOUT, tiny

SOAK_SECONDS = float(os.environ.get("PLAYGROUND_SOAK_SECONDS", 1800))


def _rss(process: psutil.Process) -> int:
    """Resident memory once garbage is collected and glibc has handed freed pages back (its arenas keep
    them otherwise, which reads as growth but is reused)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
    return process.memory_info().rss


def _chat(qtbot, window) -> None:
    tab = window.chat_tab
    tab.findChild(QPlainTextEdit, "chatInput").setPlainText("Name a colour.")
    send = tab.findChild(QPushButton, "sendButton")
    qtbot.mouseClick(send, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.findChild(QPushButton, "stopButton").isEnabled(), timeout=30_000)
    qtbot.waitUntil(lambda: not tab.findChild(QPushButton, "stopButton").isEnabled(), timeout=120_000)
    qtbot.mouseClick(tab.findChild(QPushButton, "clearChatButton"), Qt.LeftButton)


def _train(qtbot, window, n: int) -> None:
    tab = window.training_tab
    tab.set_config(tiny(name=f"soak-{n}", max_steps=6, sample_every=3))
    with qtbot.waitSignal(tab.training_finished, timeout=STEP_TIMEOUT):
        qtbot.mouseClick(tab.findChild(QPushButton, "startTrainingButton"), Qt.LeftButton)


def _attention(qtbot, window) -> None:
    tab = window.tab("architectureTab")
    window.show_tab("architectureTab")
    tab.show_page("attention")
    tab.findChild(QPlainTextEdit, "attentionInput").setPlainText("The capital of France is")
    with qtbot.waitSignal(tab.attention_captured, timeout=180_000):
        qtbot.mouseClick(tab.findChild(QPushButton, "runAttentionButton"), Qt.LeftButton)
    window.show_tab("chatTab")


@pytest.mark.slow
def test_soak_chat_training_and_attention_cycles(qtbot, loaded_window):
    process, cycles = psutil.Process(), 0
    deadline = time.monotonic() + SOAK_SECONDS
    threads0 = rss_warm = None
    while cycles < 3 or time.monotonic() < deadline:
        _chat(qtbot, loaded_window)
        _train(qtbot, loaded_window, cycles)
        _attention(qtbot, loaded_window)
        qtbot.wait(200)  # finished workers' threads end
        cycles += 1
        if cycles == 2:  # warmed up: every lazy import and cache is made
            threads0, rss_warm = threading.active_count(), _rss(process)
        elif cycles > 2:
            assert threading.active_count() <= threads0 + 2, f"cycle {cycles}: threads grew"
    rss_end = _rss(process)
    print(f"\nsoak: {cycles} cycles in {SOAK_SECONDS:.0f} s; RSS {rss_warm / 2**20:.0f} -> {rss_end / 2**20:.0f} MiB, "
          f"threads {threads0} -> {threading.active_count()}")
    assert rss_end < rss_warm * 1.15, f"RSS grew {rss_end / rss_warm - 1:.1%} over the soak"
