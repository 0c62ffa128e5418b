"""Basics › Decision boundary, driven through its widgets with real (tiny) training runs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QPointF, Qt

from playground.ui.basics.tab import BasicsTab

TIMEOUT = 120_000  # the first run's worker imports torch and transformers


@pytest.fixture
def page(qtbot):
    tab = BasicsTab()
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    page = tab.show_page("Decision boundary")
    yield page
    tab.shutdown()


def _train(qtbot, page, epochs: int):
    page.controls.epochs.setValue(epochs)
    with qtbot.waitSignal(page.run_finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(page.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.is_running, timeout=10_000)
    return finished.args[0]


@pytest.mark.parametrize("name", ["circles", "xor", "blobs"])
def test_a_two_layer_mlp_learns_each_toy_set(qtbot, page, name):
    page.dataset.setCurrentIndex(page.dataset.findData(name))
    assert page.controls.layers.value() == 2
    result = _train(qtbot, page, 60)
    assert result.last.epoch == 60 and result.last.test_accuracy >= 0.95
    assert page.epochs[-1] == 60 and len(page.test_losses) == 61  # every epoch plotted, from the untrained one
    image = page.boundary_image.image
    assert image is not None and image.shape == (80, 80)
    assert image.min() < 0.1 and image.max() > 0.9  # both classes on the map
    assert page.thumbnails.count() == 16 and "Epoch 60" in page.status.text()
    assert page.play_button.text() == "Play"


def test_the_plot_shows_the_points_before_training_and_a_click_adds_one(qtbot, page):
    n = len(page.train_scatter.data)
    page.click_class.setCurrentIndex(1)
    plot = page.plot
    widget_pos = plot.mapFromScene(plot.getPlotItem().vb.mapViewToScene(QPointF(0.1, -0.1)))
    qtbot.mouseClick(plot.viewport(), Qt.LeftButton, pos=widget_pos)
    assert len(page.points) == 1 and page.points[0][2] == 1
    assert abs(page.points[0][0] - 0.1) < 0.05 and abs(page.points[0][1] + 0.1) < 0.05
    assert len(page.train_scatter.data) == n + 1


def test_step_trains_one_epoch_and_play_pauses(qtbot, page):
    qtbot.mouseClick(page.step_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.epochs[-1:] == [1], timeout=TIMEOUT)
    qtbot.mouseClick(page.step_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.epochs[-1:] == [2], timeout=10_000)
    assert page.epochs == [0, 1, 2] and page.play_button.text() == "Play"
    assert page.boundary_image.image is not None
    qtbot.mouseClick(page.play_button, Qt.LeftButton)
    assert page.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: len(page.epochs) > 5, timeout=10_000)
    qtbot.mouseClick(page.play_button, Qt.LeftButton)
    assert page.play_button.text() == "Play"
    qtbot.mouseClick(page.reset_button, Qt.LeftButton)
    assert page.epochs == [] and page.boundary_image.image is None and not page.is_running


def test_reset_does_not_wait_for_the_run_and_play_starts_a_fresh_one(qtbot, page):
    page.controls.batch.setValue(1)  # 200 batches an epoch: a reset lands inside one
    qtbot.mouseClick(page.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(page.epochs) >= 2, timeout=TIMEOUT)
    old = page._worker()
    qtbot.mouseClick(page.reset_button, Qt.LeftButton)
    assert not page.is_running and page.epochs == [] and page.play_button.text() == "Play"
    assert old.should_stop.is_set()
    qtbot.mouseClick(page.play_button, Qt.LeftButton)
    assert page.is_running and page._worker() is not old
    qtbot.waitUntil(lambda: len(page.epochs) >= 2, timeout=TIMEOUT)
    assert page.epochs[:2] == [0, 1]  # the old run's late reports never reached the page
    assert page.last_snapshot is not None and page.last_snapshot.epoch <= page.epochs[-1] + 1


def test_snapshots_are_drawn_from_inside_long_epochs(qtbot, page):
    page.n_points.setValue(4000)
    page.controls.batch.setValue(1)  # 2,000 batches an epoch: seconds long
    qtbot.mouseClick(page.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.last_snapshot is not None and 0 < page.last_snapshot.epoch < 1, timeout=TIMEOUT)
    assert page.epochs == [0] and page.thumbnails.count() == 16
    assert page.boundary_image.image.shape == (80, 80)
    page.reset()


def test_two_spirals_ask_for_a_bigger_network_and_the_preset_learns_them(qtbot, page):
    page.dataset.setCurrentIndex(page.dataset.findData("spirals"))
    assert "Spirals preset" in page.message.text()
    qtbot.mouseClick(page.findChild(QObject, "basicsSpiralsPresetButton"), Qt.LeftButton)
    assert (page.controls.layers.value(), page.controls.neurons.value(), page.noise.value()) == (2, 32, 0.05)
    assert page.dataset.currentData() == "spirals" and "2 hidden layers of 32" in page.message.text()
    result = _train(qtbot, page, 150)
    assert result.last.test_accuracy >= 0.88 and result.last.train_accuracy >= 0.9
    assert page.thumbnails.count() == 32


def test_l2_shrinks_the_weight_norm(qtbot, page):
    norms = []
    for l2 in (0.0, 0.003):
        page.controls.l2.setValue(l2)
        norms.append(_train(qtbot, page, 30).last.weight_norm)
    assert norms[1] < 0.7 * norms[0]


def test_dropout_closes_the_gap_in_the_overfitting_preset(qtbot, page):
    qtbot.mouseClick(page.findChild(QObject, "basicsOverfitPresetButton"), Qt.LeftButton)
    assert len(page._data.y_train) == 30 and page.controls.neurons.value() == 32
    gaps = []
    for dropout in (0.0, 0.5):
        page.controls.dropout.setValue(dropout)
        last = _train(qtbot, page, 200).last
        gaps.append(last.test_loss - last.train_loss)
    assert gaps[0] > 1.0 and gaps[1] < 0.5 * gaps[0]


@pytest.mark.parametrize("control, value, words", [("neurons", 0, "Neurons per layer"),
                                                    ("lr", 0.0, "Learning rate")])
def test_impossible_settings_are_refused_naming_the_control(qtbot, page, control, value, words):
    qtbot.mouseClick(page.step_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.epochs[-1:] == [1], timeout=TIMEOUT)
    getattr(page.controls, control).setValue(value)
    assert words in page.message.text()
    assert page.epochs == [0, 1] and page.is_running  # the run so far stays
    qtbot.mouseClick(page.play_button, Qt.LeftButton)  # resumes the run with its own (good) settings
    qtbot.waitUntil(lambda: len(page.epochs) > 3, timeout=10_000)
    page.reset()
    qtbot.mouseClick(page.play_button, Qt.LeftButton)
    assert words in page.message.text() and not page.is_running and page.epochs == []


def test_the_main_window_has_the_basics_tab(qtbot, window):
    tab = window.tab("basicsTab")
    assert isinstance(tab, BasicsTab) and window.tabs.tabText(window.tabs.indexOf(tab)) == "Basics"
    window.show_tab("basicsTab")
    assert window.findChild(QObject, "decisionBoundaryPlot") is not None
    assert [tab.pages.tabText(i) for i in range(tab.pages.count())] == [
        "Decision boundary", "Digits", "Optimizer paths"]
    tab.pages.setCurrentIndex(2)  # built when first shown
    assert window.findChild(QObject, "optimizerPathPlot") is not None
