"""Basics › Digits, driven through its widgets: the classic MLP, its mistakes, the pad, the comparison."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from playground.core.basics.mlp import OPTIMIZERS
from playground.ui.basics.tab import BasicsTab

TIMEOUT = 120_000


@pytest.fixture
def page(qtbot):
    tab = BasicsTab()
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    page = tab.show_page("Digits")
    yield page
    tab.shutdown()


def test_the_seed_shaped_mlp_learns_the_digits_and_shows_its_mistakes(qtbot, page):
    s = page.settings()
    assert (s.mlp.hidden_layers, s.mlp.neurons, s.mlp.activation, s.mlp.dropout, s.optimizer) == (
        1, 128, "relu", 0.2, "adam")
    page.controls.epochs.setValue(15)
    with qtbot.waitSignal(page.run_finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(page.train_button, Qt.LeftButton)
    result = finished.args[0]
    assert result.last.epoch == 15 and result.last.test_accuracy >= 0.93
    assert page.history[""]["epoch"] == list(range(16))
    confusion = result.evaluation.confusion
    assert confusion.sum() == 359 and np.trace(confusion) / 359 == pytest.approx(result.last.test_accuracy)
    shown = page.confusion.data().values
    assert shown.shape == (10, 10) and np.allclose(shown.sum(1), 1.0)
    wrong = 359 - int(np.trace(confusion))
    assert page.gallery.count() == min(wrong, 24) > 0
    first = result.evaluation.mistakes[0]
    assert page.gallery.item(0).text() == f"{first.true} → {first.predicted}" and first.true != first.predicted
    qtbot.waitUntil(lambda: page.train_button.text() == "Train", timeout=10_000)

    # Draw a "1": a vertical stroke down the middle of the pad.
    pad = page.pad
    with qtbot.waitSignal(page.probabilities_shown, timeout=TIMEOUT) as shown_probs:
        qtbot.mousePress(pad, Qt.LeftButton, pos=QPoint(pad.width() // 2, pad.height() // 10))
        for y in range(pad.height() // 10, pad.height() * 9 // 10, 4):
            qtbot.mouseMove(pad, QPoint(pad.width() // 2, y))
        qtbot.mouseRelease(pad, Qt.LeftButton, pos=QPoint(pad.width() // 2, pad.height() * 9 // 10))
    probs = shown_probs.args[0]
    assert probs.shape == (10,) and probs.sum() == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(page.bars.values(), probs) and pad.pixels().reshape(8, 8)[:, 3:5].sum() > 4
    assert int(np.argmax(probs)) == 1  # a vertical bar is a one
    qtbot.mouseClick(pad, Qt.RightButton)
    assert pad.pixels().sum() == 0


def test_compare_optimizers_overlays_one_curve_per_optimizer_from_the_same_start(qtbot, page):
    page.controls.neurons.setValue(32)
    page.controls.epochs.setValue(3)
    with qtbot.waitSignal(page.run_finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(page.compare_button, Qt.LeftButton)
    results = finished.args[0]
    assert list(results) == list(OPTIMIZERS) and set(page.history) == set(OPTIMIZERS)
    starts = {page.history[name]["test_loss"][0] for name in OPTIMIZERS}
    assert len(starts) == 1  # the same initial weights
    ends = {name: page.history[name]["test_accuracy"][-1] for name in OPTIMIZERS}
    assert ends["adam"] > ends["sgd"]  # lr 1e-3: plain SGD barely moves in 3 epochs
    assert len(page._curves) == 2 * len(OPTIMIZERS) and "Best:" in page.message.text()
    qtbot.waitUntil(lambda: not page.is_running, timeout=10_000)


def test_a_learning_rate_of_zero_is_refused_naming_the_control(qtbot, page):
    page.controls.lr.setValue(0.0)
    qtbot.mouseClick(page.train_button, Qt.LeftButton)
    assert "Learning rate" in page.message.text() and not page.is_running
    page.controls.lr.setValue(0.001)
    page.controls.epochs.setValue(0)
    qtbot.mouseClick(page.compare_button, Qt.LeftButton)
    assert "Epochs" in page.message.text() and not page.is_running
