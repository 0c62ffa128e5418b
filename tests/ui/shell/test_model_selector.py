"""The model list is scanned on a worker thread and fills in when the scan returns."""

import threading

from playground.core.models import sources
from playground.ui.shell.model_selector import ModelSelector
from playground.workers.model_controller import ModelController


def _selector(qtbot):
    controller = ModelController()
    selector = ModelSelector(controller)
    qtbot.addWidget(selector)
    return selector, controller


def test_the_scan_runs_off_the_gui_thread_and_lists_the_builtin_model(qtbot, monkeypatch):
    threads = []
    original = sources.list_sources

    def spying():
        threads.append(threading.current_thread())
        return original()

    monkeypatch.setattr(sources, "list_sources", spying)
    selector, controller = _selector(qtbot)
    selector.refresh()
    qtbot.waitUntil(lambda: not selector.scanning(), timeout=30_000)
    assert threads and threading.main_thread() not in threads
    assert selector.itemText(0) == sources.builtin_source().name
    selector.shutdown(); controller.shutdown()


def test_an_unreadable_runs_folder_is_said_in_words(qtbot, monkeypatch):
    def broken():
        raise PermissionError("runs folder is not readable")

    monkeypatch.setattr(sources, "run_sources", broken)
    selector, controller = _selector(qtbot)
    with qtbot.waitSignal(selector.scan_failed, timeout=30_000) as blocker:
        selector.refresh()
    assert "not readable" in blocker.args[0] and "Failure(" not in blocker.args[0]
    selector.shutdown(); controller.shutdown()
