"""*Open GGUF file…*: the real action and model list, a real tiny GGUF converted in the worker."""

from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMessageBox

from playground.core.models import sources
from tests.gguf_fixtures import garbage_file, truncated_copy, write_tiny_gguf


def test_a_gguf_opens_from_the_file_dialog_and_stays_listed(qtbot, tmp_path, monkeypatch, window, builtin_session):
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    tiny = write_tiny_gguf(tmp_path / "tiny-llama.gguf")
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (asked.append(args[1:]) or (str(tiny.path), "GGUF models (*.gguf)")))
    selector = window.findChild(QComboBox, "modelSelector")
    progress = []
    window.controller.load_progressed.connect(lambda p: progress.append(p.message))
    with qtbot.waitSignal(window.controller.model_changed, timeout=120_000):
        selector.activated.emit(selector.findText("Open GGUF file…"))  # the list's entry opens the dialog
    qtbot.waitUntil(lambda: not window.controller.busy)
    assert asked and "GGUF" in asked[0][0]
    assert window.findChild(QLabel, "statusModel").text() == "tiny-llama.gguf"
    assert progress and not window.controller.session.from_cache  # converted in the worker, with progress
    assert (sources.gguf_cache_folder(tiny.path) / "model.safetensors").is_file()
    assert window.controller.session.model.config.vocab_size == len(tiny.tokens)
    assert selector.currentText() == "tiny-llama.gguf"
    window.controller.adopt(builtin_session)  # another model: the GGUF is still offered, from the cache
    qtbot.waitUntil(lambda: selector.currentText() == sources.BUILTIN_NAME and not window.model_selector.scanning()
                    and selector.findText("tiny-llama.gguf") >= 0, timeout=30_000)
    assert selector.itemData(selector.findText("tiny-llama.gguf")) == sources.gguf_source(tiny.path).key


def test_a_truncated_or_garbage_gguf_is_refused_naming_it_and_the_model_stays(qtbot, tmp_path, monkeypatch,
                                                                               loaded_window):
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    window = loaded_window
    old = window.controller.session
    cut = truncated_copy(write_tiny_gguf(tmp_path / "whole.gguf").path, tmp_path / "cut-short.gguf")
    junk = garbage_file(tmp_path / "not-a-model.gguf")
    for bad, said in ((cut, "cut-short.gguf is truncated"), (junk, "not-a-model.gguf is not a GGUF file")):
        with qtbot.waitSignal(window.controller.load_failed, timeout=60_000):
            assert window.open_model(bad)  # what the dialog calls with the chosen path
        qtbot.waitUntil(lambda: not window.controller.busy)
        shown = [box.text() for box in window.findChildren(QMessageBox, "errorDialog") if box.isVisible()]
        assert len(shown) == 1 and said in shown[0]
        assert window.controller.session is old
        assert window.findChild(QLabel, "statusModel").text() == sources.BUILTIN_NAME
    assert not (tmp_path / "cache" / "models").exists() or not list((tmp_path / "cache" / "models").iterdir())
