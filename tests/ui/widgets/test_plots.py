"""The Training tab's live plots follow the data without moving their axes at every step (a moved axis
is what made each redraw expensive), stop following when the user zooms, and fit a finished run."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from playground.ui.widgets.plots import HEADROOM, TrainingPlots, followed_range
from tests.ui.training.test_tab import STEP_TIMEOUT, click, tab, tiny  # noqa: F401 - `tab` is a fixture


def metrics(step: int) -> SimpleNamespace:
    """A plausible step: loss falling with noise, a warm-up learning rate, a wobbling throughput."""
    return SimpleNamespace(step=step, tokens=step * 256, loss=3.0 * math.exp(-step / 80) + 1.0 + 0.2 * math.sin(step),
                           lr=1e-3 * min(1.0, step / 50), grad_norm=1.0 + 0.5 * math.cos(step / 3),
                           tokens_per_s=9000 + 500 * math.sin(step / 7), val_loss=None)


@pytest.fixture
def plots(qtbot):
    widget = TrainingPlots()
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget._timer.stop()  # the test calls the timer's slot itself, once per step
    return widget


def in_view(plots, name: str) -> bool:
    item = plots.plot_widgets[name].getPlotItem()
    (x0, x1), (y0, y1) = item.getViewBox().viewRange()
    for curve in item.listDataItems():
        xs, ys = curve.getOriginalDataset()
        if xs is not None and len(xs) and not (x0 <= min(xs) and max(xs) <= x1 and y0 <= min(ys) and max(ys) <= y1):
            return False
    return True


def test_followed_range_keeps_the_view_while_the_data_fits_and_fills_half():
    assert followed_range((0.0, 10.0), 1.0, 9.0, grows=True) is None
    assert followed_range((0.0, 10.0), 1.0, 11.0, grows=True) == (1.0, 11.0 + 10.0 * HEADROOM)  # room ahead
    assert followed_range((0.0, 100.0), 1.0, 9.0, grows=True) == (1.0, 9.0 + 8.0 * HEADROOM)  # too small
    low, high = followed_range((2.0, 4.0), 1.5, 3.5, grows=False)  # loss went below the view: both sides
    assert low == pytest.approx(1.5 - HEADROOM) and high == pytest.approx(3.5 + HEADROOM)
    low, high = followed_range((0.0, 1.0), 1e-3, 1e-3, grows=False)  # a flat line gets a visible band
    assert low < 1e-3 < high and high - low == pytest.approx(5e-5)


def test_plots_keep_every_point_in_view_but_rarely_move_their_axes(qtbot, plots):
    box = plots.plot_widgets["loss"].getPlotItem().getViewBox()
    moves = []
    box.sigRangeChanged.connect(lambda *_: moves.append(1))
    drawn_loss = 0
    for step in range(1, 301):
        plots.add(metrics(step))
        plots._on_timer_timeout()
        if "loss" not in plots._dirty:  # the loss plot was redrawn on this tick
            drawn_loss += 1
            assert in_view(plots, "loss"), f"step {step}: a loss point is outside the view"
    plots._flush()
    assert all(in_view(plots, name) for name in plots.plot_widgets)
    # pyqtgraph's auto-range moved the view at every redraw; following moves it a few dozen times
    assert drawn_loss >= 100 and len(moves) < drawn_loss / 4


def test_zooming_a_plot_stops_following_until_its_auto_button(qtbot, plots):
    for step in range(1, 41):
        plots.add(metrics(step))
    plots._flush()
    widget = plots.plot_widgets["loss"]
    box = widget.getPlotItem().getViewBox()
    center = widget.viewport().rect().center()
    wheel = QWheelEvent(QPointF(center), QPointF(widget.viewport().mapToGlobal(center)), QPoint(0, 0),
                        QPoint(0, 120), Qt.NoButton, Qt.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget.viewport(), wheel)  # the user zooms in on the loss curve
    zoomed = box.viewRange()
    assert zoomed[0][1] - zoomed[0][0] < 40
    for step in range(41, 121):
        plots.add(metrics(step))
    plots._flush()
    assert box.viewRange() == zoomed  # the user's view stays put while training goes on
    assert in_view(plots, "lr")  # the other plots still follow
    auto = widget.getPlotItem().autoBtn
    auto.clicked.emit(auto)  # what its mouse click emits: back to following
    assert in_view(plots, "loss") and box.viewRange()[0][1] >= 120


def test_a_finished_run_is_fitted_to_its_data(qtbot, tab):
    tab.set_config(tiny(max_steps=12, eval_every=0, sample_every=0))
    with qtbot.waitSignal(tab.training_finished, timeout=STEP_TIMEOUT):
        click(qtbot, tab, "startTrainingButton")
    plots = tab.plots
    qtbot.waitUntil(lambda: not plots._dirty, timeout=5000)  # fitted one plot per timer tick
    for name in plots.plot_widgets:
        (x0, x1), _ = plots.plot_widgets[name].getPlotItem().getViewBox().viewRange()
        assert in_view(plots, name)
        assert x1 - 12 < 0.1 * (x1 - x0)  # no room left for steps that will not come
    qtbot.waitUntil(lambda: not tab.is_training, timeout=STEP_TIMEOUT)
