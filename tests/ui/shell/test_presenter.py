"""Presenter mode (F5) round-trips fonts, palette, visibility and geometry; scenes step with PageDown/PageUp."""

from __future__ import annotations

import json

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from playground.ui.shell import theme


def _state(window):
    buttons = {name: not window.findChild(QPushButton, name).isHidden()
               for name in ("compareButton", "exportConfigButton", "exportGridButton", "sendButton")}
    return (QApplication.font().pointSizeF(), QApplication.palette().color(QPalette.Window).name(),
            window.geometry(), window.isFullScreen(), window.zoom, buttons)


def test_f5_enlarges_hides_goes_full_screen_and_f5_restores_exactly(qtbot, window):
    window.setGeometry(QRect(40, 60, 1100, 700))
    window.set_zoom(1.2)
    qtbot.waitUntil(lambda: window.geometry().width() == 1100)
    before = _state(window)
    base_size = before[0]
    qtbot.keyClick(window, Qt.Key_F5)
    presenter = window.presenter
    assert presenter.active and window.findChild(type(presenter.action), "presenterMode").isChecked()
    assert QApplication.font().pointSizeF() >= 1.5 * base_size - 1e-6
    assert QApplication.palette().color(QPalette.Window).name() == "#000000"  # high contrast
    assert QApplication.palette().color(QPalette.WindowText).name() == "#ffffff"
    assert window.isFullScreen()
    assert window.findChild(QPushButton, "compareButton").isHidden()
    assert window.findChild(QPushButton, "exportConfigButton").isHidden()
    assert not window.findChild(QPushButton, "sendButton").isHidden()  # what a demo needs stays
    qtbot.keyClick(window, Qt.Key_F5)
    assert not presenter.active
    qtbot.waitUntil(lambda: window.geometry() == before[2], timeout=5_000)
    assert _state(window) == before
    assert window.findChild(QLabel, "sceneOverlay").isHidden()


def test_presenter_mode_restores_the_dark_theme_and_thickens_plot_lines(qtbot, window):
    window.dark_action.setChecked(True)
    dark = QApplication.palette().color(QPalette.Window).name()
    window.show_tab("trainingTab")
    plots = window.training_tab.plots
    qtbot.waitUntil(lambda: getattr(plots, "loss_plot", None) is not None, timeout=10_000)
    plots.ensure_plots()
    width = plots.smooth_curve.opts["pen"].widthF()
    window.presenter.set_active(True)
    assert plots.smooth_curve.opts["pen"].widthF() >= 2 * width
    window.presenter.set_active(False)
    assert plots.smooth_curve.opts["pen"].widthF() == width
    assert theme.is_dark() and QApplication.palette().color(QPalette.Window).name() == dark
    assert window.dark_action.isChecked()


def _point_size(html_label) -> float:
    import re

    return float(re.findall(r"font-size:\s*([\d.]+)pt", html_label)[-1])  # the label's span, not the body


def test_presenter_mode_enlarges_plot_titles_legends_and_the_distribution_axis_and_nothing_scrolls(qtbot, window):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QScrollArea

    window.resize(1600, 1000)
    window.show_tab("basicsTab")
    basics = window.tab("basicsTab")
    basics.pages.setCurrentIndex(1)  # Digits: its plots are built when first shown
    qtbot.waitUntil(lambda: window.findChild(QWidget, "digitsAccuracyPlot") is not None, timeout=10_000)
    plot = window.findChild(QWidget, "digitsAccuracyPlot").getPlotItem()
    axis = window.chat_tab.chart.plot.getAxis("bottom")
    before = (_point_size(plot.titleLabel.item.toHtml()), _point_size(axis.label.toHtml()))
    window.presenter.set_active(True)
    window.showNormal()
    window.resize(1600, 1000)  # a 1600-wide projector
    window.show_tab("chatTab")
    qtbot.wait(200)
    after = (_point_size(plot.titleLabel.item.toHtml()), _point_size(axis.label.toHtml()))
    assert all(a >= 1.5 * b - 1e-6 for a, b in zip(after, before)), (before, after)
    side = window.chat_tab.findChild(QScrollArea)
    assert not side.verticalScrollBar().isVisible()  # the whole side column fits, "Why this token?" too
    assert float(QSettings().value("view/zoom", 1.0)) == 1.0  # presenter zoom is not kept for the next start
    window.presenter.set_active(False)


def test_the_chat_placeholder_wraps_instead_of_running_off_the_edge(qtbot, window):
    view = window.chat_tab.findChild(QWidget, "chatView")
    assert view.placeholderText().startswith("Ask the model something")
    assert view.toPlainText() == ""
    window.resize(900, 700)
    qtbot.wait(100)
    image = view.viewport().grab().toImage()
    ink_rows = [y for y in range(min(image.height(), 200)) if any(
        image.pixelColor(x, y).lightness() < 200 for x in range(0, image.width(), 2))]
    assert ink_rows and max(ink_rows) - min(ink_rows) > 2.5 * view.fontMetrics().height()  # three lines or more


def test_page_down_and_up_step_the_lesson_scenes(qtbot, window):
    window.presenter.set_active(True)
    try:
        overlay = window.findChild(QLabel, "sceneOverlay")
        n = len(window.learn_panel.lessons)
        qtbot.keyClick(window.chat_tab.input, Qt.Key_PageDown)  # wherever the focus is
        assert window.presenter.index == 0 and overlay.isVisible()
        assert overlay.text() == f"1 / {n} · Parameters and model size"
        assert window.architecture_tab.builder.preset_combo.currentText() == "Llama-3-8B"
        qtbot.keyClick(window, Qt.Key_PageDown)
        assert window.presenter.index == 1 and window.tabs.currentWidget() is window.training_tab
        assert overlay.text().startswith(f"2 / {n} · Pre-training")
        qtbot.keyClick(window, Qt.Key_PageUp)
        assert window.presenter.index == 0 and window.tabs.currentWidget() is window.architecture_tab
        qtbot.keyClick(window, Qt.Key_PageUp)  # nothing before the first scene
        assert window.presenter.index == 0
    finally:
        window.presenter.set_active(False)


def test_a_scenes_file_is_stepped_and_its_sampling_scene_has_a_fixed_seed(qtbot, window, tmp_path):
    path = tmp_path / "talk.json"
    path.write_text(json.dumps([
        {"title": "How big is big?", "action": "config_compare", "args": {"presets": ["GPT-2 small (124M)",
                                                                                     "Llama-2-70B"]}},
        {"title": "Temperature", "action": "sampling", "args": {"temperature": 0.5}},
        {"title": "oops"}]), encoding="utf-8")
    presenter = window.presenter
    window._load_initial_model = lambda: None  # no model: the sampling scene waits for one
    assert presenter.open_scenes(path)
    assert "talk.json: 2 scenes" in window.learn_panel.status.text()
    assert "talk.json, scene 3" in window.learn_panel.status.text()  # the bad entry, by file and position
    chat = window.chat_tab
    chat.sampling.seed.setValue(-1)  # random
    assert presenter.next_scene() and presenter.overlay.text() == "1 / 2 · How big is big?"
    assert window.architecture_tab.builder.preset_combo.currentText() == "Llama-2-70B"
    assert presenter.next_scene()
    assert window.tabs.currentWidget() is chat
    assert chat.sampling.temperature.value() == 0.5 and chat.sampling.seed.value() == 1234
    assert not presenter.next_scene() and presenter.index == 1  # the end


def test_a_broken_scenes_file_is_named(window, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    assert not window.presenter.open_scenes(path)
    assert "broken.json is not valid JSON" in window.learn_panel.status.text()


def test_check_boxes_on_a_page_first_opened_in_presenter_mode_get_the_high_contrast_frame(qtbot, window):
    """Basics ▸ Digits is built when first shown: its check boxes must not vanish on black either."""
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

    from playground.ui.shell.presenter import HIGH_CONTRAST_SHEET

    assert window.findChild(QCheckBox, "digitsBatchNormCheck") is None  # not built yet
    window.presenter.set_active(True)
    window.show_tab("basicsTab")
    window.findChild(QWidget, "basicsTab").show_page("Digits")
    box = window.findChild(QCheckBox, "digitsBatchNormCheck")
    qtbot.waitUntil(lambda: box.isVisible(), timeout=5_000)
    assert HIGH_CONTRAST_SHEET in box.styleSheet()
    option = QStyleOptionButton()
    option.initFrom(box)
    indicator = box.style().subElementRect(QStyle.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    frame = image.pixelColor(indicator.left(), indicator.center().y())
    assert frame.lightness() > 200, frame.name()  # the white frame is drawn, not black on black
    window.presenter.set_active(False)
    assert box.styleSheet() == ""
