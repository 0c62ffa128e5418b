"""The optimizer paths panel, driven like a user: real widgets, real torch optimizers on a worker."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QPushButton, QSpinBox, QTableWidget

from playground.core.basics.paths import OPTIMIZER_KEYS, OPTIMIZERS
from playground.core.basics.surfaces import SURFACES
from playground.ui.basics.paths import OptimizerPathsPanel

COMPUTE_TIMEOUT_MS = 60_000  # the first computation imports torch on the worker


@pytest.fixture
def panel(qtbot):
    panel = OptimizerPathsPanel()
    qtbot.addWidget(panel)
    panel.resize(1300, 760)
    with qtbot.waitSignal(panel.paths_computed, timeout=COMPUTE_TIMEOUT_MS):
        panel.show()
    yield panel
    panel.shutdown()


def child(panel, kind, name):
    widget = panel.findChild(kind, name)
    assert widget is not None, name
    return widget


def table_column(panel, col: int) -> list[str]:
    table = child(panel, QTableWidget, "pathResultsTable")
    return [table.item(row, col).text() for row in range(table.rowCount())]


def flush(qtbot, panel):
    """Let the throttled redraw run."""
    qtbot.waitUntil(lambda: not panel._redraw.isActive(), timeout=5_000)


def recompute(qtbot, panel, action):
    with qtbot.waitSignal(panel.paths_computed, timeout=COMPUTE_TIMEOUT_MS) as blocker:
        action()
    return blocker.args[0]


def test_steps_reveal_each_optimizers_path_from_the_same_start(qtbot, panel):
    assert panel.playing()  # new paths play on their own
    result = panel.result
    assert result.config.surface == "bowl" and [p.key for p in result.paths] == list(OPTIMIZER_KEYS)
    qtbot.mouseClick(child(panel, QPushButton, "pathResetButton"), Qt.LeftButton)
    assert not panel.playing() and panel.step == 0
    flush(qtbot, panel)
    for key in OPTIMIZER_KEYS:
        assert panel.plot.drawn_points(key) == [SURFACES["bowl"].start]
    for _ in range(3):
        qtbot.mouseClick(child(panel, QPushButton, "pathStepButton"), Qt.LeftButton)
    flush(qtbot, panel)
    assert panel.step == 3 and child(panel, QLabel, "pathStepLabel").text() == "step 3 / 100"
    for key in OPTIMIZER_KEYS:
        np.testing.assert_allclose(panel.plot.drawn_points(key), result.path(key).points[:4])
    assert table_column(panel, 0) == [f"{result.path(k).losses[3]:.3g}" for k in OPTIMIZER_KEYS]
    assert child(panel, QLabel, "pathResultsCaption").text() == "At step 3 of 100:"
    assert panel.plot.contour_segment_count() > 100
    assert panel.findChild(object, "optimizerPathPlot") is not None


def test_playing_to_the_end_shows_every_optimizer_at_the_bottom_of_the_bowl(qtbot, panel):
    child(panel, QComboBox, "pathSpeedCombo").setCurrentIndex(2)  # 100 steps/s
    qtbot.mouseClick(child(panel, QPushButton, "pathResetButton"), Qt.LeftButton)
    qtbot.mouseClick(child(panel, QPushButton, "pathPlayButton"), Qt.LeftButton)
    assert panel.playing() and child(panel, QPushButton, "pathPlayButton").text() == "Pause"
    qtbot.waitUntil(lambda: not panel.playing(), timeout=30_000)  # it stops by itself at the last step
    flush(qtbot, panel)
    assert panel.step == 100 and child(panel, QPushButton, "pathPlayButton").text() == "Play"
    assert child(panel, QLabel, "pathResultsCaption").text() == "After 100 steps:"
    distances = [float(text) for text in table_column(panel, 1)]
    assert distances == [float(f"{panel.result.path(k).distances[-1]:.3g}") for k in OPTIMIZER_KEYS]
    assert max(distances) < 0.1  # from 3.2 away
    qtbot.mouseClick(child(panel, QPushButton, "pathPlayButton"), Qt.LeftButton)  # at the end: replays
    assert panel.playing() and panel.step <= 4


def test_the_valley_brings_its_own_rates_and_momentum_and_adam_beat_sgd(qtbot, panel):
    combo = child(panel, QComboBox, "pathSurfaceCombo")
    result = recompute(qtbot, panel, lambda: combo.setCurrentIndex(combo.findData("valley")))
    valley = SURFACES["valley"]
    assert result.config.surface == "valley" and result.config.start == valley.start
    assert child(panel, QDoubleSpinBox, "pathLearningRateSpin").value() == valley.lr
    assert child(panel, QDoubleSpinBox, "pathStepSizeSpin").value() == valley.adaptive_lr
    assert child(panel, QSpinBox, "pathStepsSpin").value() == valley.steps
    assert "zig-zags" in child(panel, QLabel, "pathSurfaceDescription").text()
    panel.slider.setValue(panel.slider.maximum())  # the user drags to the last step (which pauses)
    assert not panel.playing()
    flush(qtbot, panel)
    distance = dict(zip(OPTIMIZER_KEYS, (float(t) for t in table_column(panel, 1))))
    assert distance["momentum"] < distance["sgd"] / 10 and distance["adam"] < distance["sgd"] / 10


def test_settings_recompute_the_paths_with_torch(qtbot, panel):
    before = panel.result
    spin = child(panel, QDoubleSpinBox, "pathLearningRateSpin")
    result = recompute(qtbot, panel, lambda: spin.setValue(0.02))
    assert result.config.lr == 0.02 and result is not before
    # A smaller η: SGD ends further away; the adaptive optimizers, on their own step size, do not change.
    assert result.path("sgd").distances[-1] > 10 * before.path("sgd").distances[-1]
    np.testing.assert_array_equal(result.path("adam").points, before.path("adam").points)
    beta1 = child(panel, QDoubleSpinBox, "pathBeta1Spin")
    result = recompute(qtbot, panel, lambda: beta1.setValue(0.5))
    assert result.config.beta1 == 0.5 and result.config.lr == 0.02
    assert not np.allclose(result.path("adam").points, before.path("adam").points)
    momentum = child(panel, QDoubleSpinBox, "pathMomentumSpin")
    result = recompute(qtbot, panel, lambda: momentum.setValue(0.0))  # β = 0: Momentum is SGD
    np.testing.assert_allclose(result.path("momentum").points, result.path("sgd").points)


@pytest.mark.parametrize(("name", "bad", "words"), [
    ("pathLearningRateSpin", 0.0, "Learning rate η (SGD, Momentum) must be above 0"),
    ("pathStepSizeSpin", 0.0, "Step size η (AdaGrad, RMSprop, Adam) must be above 0"),
    ("pathMomentumSpin", 1.0, "Momentum β must be at least 0 and below 1"),
    ("pathBeta1Spin", 1.0, "Adam β₁ must be at least 0 and below 1"),
    ("pathBeta2Spin", 1.0, "Adam β₂ must be at least 0 and below 1"),
    ("pathRhoSpin", 1.0, "RMSprop ρ must be at least 0 and below 1"),
])
def test_a_bad_setting_is_refused_naming_the_control_and_the_paths_stay(qtbot, panel, name, bad, words):
    spin = child(panel, QDoubleSpinBox, name)
    before, old = panel.result, spin.value()
    spin.setValue(bad)
    assert words in child(panel, QLabel, "pathMessage").text()
    assert spin.value() == old and not panel.computing() and panel.result is before
    recompute(qtbot, panel, lambda: child(panel, QSpinBox, "pathStepsSpin").setValue(50))  # a good one clears it
    assert child(panel, QLabel, "pathMessage").text() == ""


def test_clicking_the_plot_starts_every_path_there(qtbot, panel):
    plot = panel.plot
    where = plot.view_point_to_widget(1.5, -1.0)
    result = recompute(qtbot, panel, lambda: qtbot.mouseClick(plot.plot.viewport(), Qt.LeftButton, pos=where))
    x, y = result.config.start
    assert abs(x - 1.5) < 0.05 and abs(y + 1.0) < 0.05  # within a pixel or two
    assert child(panel, QLabel, "pathStartLabel").text().startswith(f"Start: ({x:.3g}, {y:.3g})")
    for key in OPTIMIZER_KEYS:
        np.testing.assert_array_equal(result.path(key).points[0], (x, y))
    # Outside the surface: refused, the start stays.
    panel.set_start(5.0, 0.0)
    assert "Start point (5, 0) is outside the surface" in child(panel, QLabel, "pathMessage").text()
    assert panel.result is result and not panel.computing()


def test_a_check_box_per_optimizer_shows_or_hides_its_path(qtbot, panel):
    panel.pause()
    flush(qtbot, panel)
    adam = child(panel, QCheckBox, "pathShow_adam")
    adam.setChecked(False)
    assert panel.plot.drawn_points("adam") == [] and panel.plot.drawn_points("sgd")
    qtbot.mouseClick(child(panel, QPushButton, "pathStepButton"), Qt.LeftButton)
    flush(qtbot, panel)
    assert panel.plot.drawn_points("adam") == []  # stays hidden as the animation moves on
    adam.setChecked(True)
    assert len(panel.plot.drawn_points("adam")) == panel.step + 1


def test_the_update_rules_are_beside_the_plot(panel):
    for spec in OPTIMIZERS:
        label = child(panel, QLabel, f"pathRule_{spec.key}")
        assert label.isVisible() and "<i>θ</i> ←" in label.text()
    adam = child(panel, QLabel, "pathRule_adam").text()
    assert "<i>m̂</i>" in adam and "<i>v̂</i>" in adam and "<i>β</i>₁" in adam


def test_dark_theme_and_zoom_keep_paths_readable(qtbot, panel):
    from PySide6.QtWidgets import QApplication

    from playground.ui.basics.paths_plot import PATH_COLORS, PATH_COLORS_DARK
    from playground.ui.shell import theme

    def momentum_color():
        return panel.plot._trails["momentum"].opts["pen"].color().name()

    assert momentum_color() == PATH_COLORS["momentum"]
    size = QApplication.font().pointSizeF()
    try:
        theme.apply_theme(True)
        theme.apply_zoom(1.5, panel)
        qtbot.waitUntil(lambda: momentum_color() == PATH_COLORS_DARK["momentum"], timeout=5_000)
        qtbot.waitUntil(lambda: panel.table.font().pointSizeF() > size * 1.4, timeout=5_000)
        # Zoomed, the side columns widen rather than cut their text, and the table shows every row.
        settings = child(panel, object, "pathSettingsScroll")
        qtbot.waitUntil(lambda: settings.width() >= settings.widget().minimumSizeHint().width(), timeout=5_000)
        table = panel.table
        assert table.height() >= sum(table.rowHeight(r) for r in range(table.rowCount()))
    finally:
        theme.apply_theme(False)
        theme.apply_zoom(1.0, panel)


def test_shutdown_while_computing_leaves_no_thread(qtbot, panel):
    child(panel, QDoubleSpinBox, "pathLearningRateSpin").setValue(0.05)
    assert panel.computing()
    panel.shutdown()
    assert not panel.playing()


def test_a_path_that_diverges_says_so_in_the_table(qtbot, panel):
    spin = child(panel, QDoubleSpinBox, "pathLearningRateSpin")
    result = recompute(qtbot, panel, lambda: spin.setValue(2.5))  # above 2/curvature: SGD flies off
    sgd = result.path("sgd")
    assert sgd.diverged
    panel.slider.setValue(panel.slider.maximum())
    flush(qtbot, panel)
    assert table_column(panel, 0)[0] == "diverged" and table_column(panel, 1)[0] == f"(step {len(sgd.points) - 1})"
    assert table_column(panel, 0)[4] != "diverged"  # Adam, on its own step size, is fine
    assert len(panel.plot.drawn_points("sgd")) == len(sgd.points)


def test_rules_read_as_formulas_with_italic_variables():
    from playground.ui.basics.paths_side import rule_html

    assert rule_html("θ ← θ − η·g\nv̂ < a") == "<i>θ</i> ← <i>θ</i> − <i>η</i>·<i>g</i><br><i>v̂</i> &lt; a"
