import subprocess
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QMessageBox, QTabWidget

from playground.core.models import sources


def test_tabs_and_toolbar_exist(window):
    tabs = window.findChild(QTabWidget, "mainTabs")
    assert [tabs.tabText(i) for i in range(tabs.count())][:3] == ["Chat", "Training", "Architecture"]
    for name in ("chatTab", "trainingTab", "architectureTab"):
        assert window.tab(name) is not None
    selector = window.findChild(QComboBox, "modelSelector")
    names = [selector.itemText(i) for i in range(selector.count())]
    assert sources.BUILTIN_NAME in names and names[-2:] == ["Open model folder…", "Open GGUF file…"]
    assert window.findChild(QComboBox, "deviceSelector").currentText() == "cpu"
    assert window.findChild(QComboBox, "dtypeSelector").currentText() == "float32"


def test_the_model_list_is_scanned_off_the_gui_thread(qtbot, window, monkeypatch):
    import threading

    from playground.core.types import ModelSource

    scanned_on = []

    def slow_cache_scan():
        scanned_on.append(threading.current_thread())
        return [ModelSource("hf-cache", "org/cached-model", "/nowhere/cached", detail="/nowhere/cached")]

    monkeypatch.setattr(sources, "hf_cache_sources", slow_cache_scan)
    selector = window.findChild(QComboBox, "modelSelector")
    window.refresh_sources()  # while the window's first scan may still run: it scans again after
    assert selector.findText(sources.BUILTIN_NAME) >= 0  # what is known shows at once
    qtbot.waitUntil(lambda: selector.findText("org/cached-model") >= 0, timeout=30_000)
    assert scanned_on and threading.main_thread() not in scanned_on
    names = [selector.itemText(i) for i in range(selector.count())]
    assert names[0] == sources.BUILTIN_NAME and names[-2:] == ["Open model folder…", "Open GGUF file…"]
    qtbot.waitUntil(lambda: not window.model_selector.scanning(), timeout=30_000)


def test_loading_through_the_ui_updates_the_status_bar(qtbot, window):
    selector = window.findChild(QComboBox, "modelSelector")
    index = selector.findText(sources.BUILTIN_NAME)
    with qtbot.waitSignal(window.controller.model_changed, timeout=120_000):
        selector.activated.emit(index)
    qtbot.waitUntil(lambda: not window.controller.busy)
    assert window.findChild(QLabel, "statusModel").text() == sources.BUILTIN_NAME
    assert window.findChild(QLabel, "statusParams").text() == "134.5M parameters"
    assert window.findChild(QLabel, "statusDevice").text() == "cpu"
    assert window.findChild(QLabel, "statusDtype").text() == "float32"
    assert "used" in window.findChild(QLabel, "statusMemory").text()
    assert QSettings().value("model/last") == sources.builtin_source().key


def test_changing_dtype_casts_the_model_in_a_worker(qtbot, window):
    with qtbot.waitSignal(window.controller.model_changed, timeout=120_000):
        window.load_source(sources.builtin_source())
    qtbot.waitUntil(lambda: not window.controller.busy)
    dtype = window.findChild(QComboBox, "dtypeSelector")
    dtype.setCurrentText("bfloat16")
    with qtbot.waitSignal(window.controller.model_changed, timeout=60_000):
        dtype.activated.emit(dtype.currentIndex())
    qtbot.waitUntil(lambda: not window.controller.busy)
    assert str(window.controller.session.dtype) == "torch.bfloat16"
    assert window.findChild(QLabel, "statusDtype").text() == "bfloat16"
    assert window.findChild(QLabel, "statusExactness").text() == "faster, not exact"


def test_zoom_scales_fonts_and_is_remembered(qtbot, window):
    before = QApplication.font().pointSizeF()
    window.zoom_actions["in"].trigger()
    window.zoom_actions["in"].trigger()
    assert QApplication.font().pointSizeF() > before * 1.15
    assert float(QSettings().value("view/zoom")) > 1.15
    window.zoom_actions["reset"].trigger()
    assert QApplication.font().pointSizeF() == before


def test_zoom_scales_inside_the_window_and_actual_size_resets_it(qtbot, window):
    """Ctrl+= three times grew a 1490-px window to 1726 px (past a 1600-px screen) and Ctrl+0 kept it."""
    window.resize(1490, 900)
    qtbot.waitUntil(lambda: window.width() == 1490)
    ui = window.chat_tab.ui
    side_width = ui.side_scroll.minimumWidth()
    for _ in range(3):
        window.zoom_actions["in"].trigger()
    qtbot.waitUntil(lambda: ui.side_scroll.minimumWidth() > side_width)  # the bigger font reached the tab
    right_edge = lambda: ui.side_scroll.mapTo(window, ui.side_scroll.rect().bottomRight()).x()  # noqa: E731
    qtbot.waitUntil(lambda: right_edge() < window.width())  # the sampling panel and the chart are not cut off
    qtbot.waitUntil(lambda: ui.engine_combo.width() >= ui.engine_combo.sizeHint().width())  # nor the engine
    assert window.zoom > 1.3 and (window.width(), window.height()) == (1490, 900)
    assert ui.engine_status.font().pointSizeF() == QApplication.font().pointSizeF()  # the status follows
    window.grab().save("/tmp/zoomed.png")
    window.set_zoom(2.5)
    qtbot.waitUntil(lambda: ui.side_scroll.minimumWidth() > 1.8 * side_width)
    assert (window.width(), window.height()) == (1490, 900)
    window.zoom_actions["reset"].trigger()
    qtbot.waitUntil(lambda: ui.side_scroll.minimumWidth() == side_width)
    assert window.zoom == 1.0 and (window.width(), window.height()) == (1490, 900)


def test_a_saved_size_larger_than_the_screen_is_fitted_to_it(qtbot, window):
    from playground.ui.shell.main_window import MainWindow

    area = window.screen().availableGeometry()
    window.resize(area.width() + 300, area.height() + 200)
    qtbot.waitUntil(lambda: window.width() == area.width() + 300)
    window.close()  # saves the geometry
    again = MainWindow(autoload=False)
    qtbot.addWidget(again)
    try:
        assert again.width() <= area.width() and again.height() <= area.height()
    finally:
        again.shutdown()


def test_a_bad_folder_shows_an_error_and_keeps_the_old_model(qtbot, tmp_path, loaded_window):
    window = loaded_window
    old = window.controller.session
    with qtbot.waitSignal(window.controller.load_failed, timeout=30_000):
        window.open_model_folder(tmp_path)
    qtbot.waitUntil(lambda: not window.controller.busy)
    box = window.findChild(QMessageBox, "errorDialog")
    assert box is not None and box.isVisible() and "config.json" in box.text()
    assert window.controller.session is old
    assert window.findChild(QLabel, "statusModel").text() == sources.BUILTIN_NAME
    assert window.findChild(QComboBox, "modelSelector").currentText() == sources.BUILTIN_NAME


def test_the_window_appears_before_torch_is_imported():
    code = ("import sys; from playground.app import create_app; app = create_app();"
            "from playground.ui.shell.main_window import MainWindow; w = MainWindow(autoload=False); w.show();"
            "app.processEvents(); print('torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-2:] == ["False", "False"]


def test_smoke_mode_generates_through_the_worker_path():
    out = subprocess.run([sys.executable, "-m", "playground", "--smoke-test"], capture_output=True, text=True,
                         timeout=300, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "SMOKE OK" in out.stdout and "Paris" in out.stdout


def test_a_folder_opened_during_a_load_is_loaded_after_it(qtbot, tmp_path, loaded_window, builtin_session):
    from playground.core.models.builder import hf_config, model_from_hf_config
    from playground.core.models.spec import ModelSpec

    window = loaded_window
    tokenizer = builtin_session.tokenizer
    spec = ModelSpec(n_layer=1, n_head=2, n_embd=16, context_length=32)
    model_from_hf_config(hf_config(spec, len(tokenizer))).save_pretrained(tmp_path / "tiny")
    tokenizer.save_pretrained(tmp_path / "tiny")
    loaded = []
    window.controller.model_changed.connect(lambda info: loaded.append(info.name))
    assert window.load_source(sources.builtin_source())  # the start-up load, say
    assert window.controller.busy
    assert window.open_model_folder(tmp_path / "tiny")  # the folder dialog answered meanwhile
    assert "tiny" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: loaded == [sources.BUILTIN_NAME, "tiny"], timeout=120_000)
    qtbot.waitUntil(lambda: not window.controller.busy)
    assert window.findChild(QLabel, "statusModel").text() == "tiny"
    window.grab().save("/tmp/queued_folder.png")
