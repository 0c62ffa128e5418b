"""File → Serve current model: the dock starts a real server, logs requests, and stops cleanly."""

import httpx
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QLineEdit, QMessageBox, QPushButton, QTableWidget

from tests.server.conftest import server_threads


def _serve(window, qtbot):
    window.findChild(QAction, "serveAction").trigger()
    panel = window.findChild(QDockWidget, "serverPanel")
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(panel.is_running, timeout=60_000)
    return panel


def test_serve_current_model_shows_the_url_logs_requests_and_stops(loaded_window, qtbot):
    panel = _serve(loaded_window, qtbot)
    url = panel.findChild(QLineEdit, "serverUrlField").text()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1") and url == panel.url()

    models = httpx.get(f"{url}/models").json()
    assert models["data"][0]["id"] == "smollm2-135m-instruct"
    reply = httpx.post(url.removesuffix("/v1") + "/chat", timeout=300,
                       json={"message": "What is the capital of France?", "temperature": 0, "max_tokens": 12})
    assert "Paris" in reply.json()["reply"]
    bad = httpx.post(f"{url}/chat/completions", content=b"{", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400

    log = panel.findChild(QTableWidget, "serverRequestLog")
    qtbot.waitUntil(lambda: log.rowCount() == 3, timeout=10_000)
    rows = [(log.item(r, 1).text(), log.item(r, 2).text()) for r in range(3)]
    assert rows == [("GET /v1/models", "200"), ("POST /chat", "200"), ("POST /v1/chat/completions", "400")]
    assert log.item(1, 3).text().endswith("→ 7")  # "The capital of France is Paris." is 7 tokens

    stop = panel.findChild(QPushButton, "serverStopButton")
    qtbot.mouseClick(stop, Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=30_000)
    assert panel.findChild(QLineEdit, "serverUrlField").text() == ""
    assert panel.findChild(QPushButton, "serverStartButton").isEnabled() and not stop.isEnabled()
    assert server_threads() == []
    panel.grab().save("/tmp/server_panel.png")


def test_the_server_follows_the_app_when_the_model_changes(loaded_window, qtbot, builtin_session):
    from playground.core.models.loading import ModelSession
    from playground.core.types import ModelSource

    panel = _serve(loaded_window, qtbot)
    renamed = ModelSession(builtin_session.model, builtin_session.tokenizer,
                           ModelSource("folder", "My Model", "/nowhere/my-model"), lock=builtin_session.lock)
    loaded_window.controller.adopt(renamed)
    assert httpx.get(f"{panel.url()}/models").json()["data"][0]["id"] == "my-model"
    assert "my-model" in panel.findChild(QLabel, "serverStatusLabel").text()
    loaded_window.shutdown()
    assert server_threads() == []


def test_closing_the_window_stops_a_running_server(loaded_window, qtbot):
    _serve(loaded_window, qtbot)
    assert server_threads()
    loaded_window.shutdown()
    assert server_threads() == []


def test_serving_with_no_model_explains_what_to_do(window, qtbot):
    window.findChild(QAction, "serveAction").trigger()
    box = window.findChild(QMessageBox, "errorDialog")
    assert box is not None and "Load a model first" in box.text()
    assert window.findChild(QDockWidget, "serverPanel") is None


def test_the_dock_leaves_the_training_plots_room_and_goes_away_on_stop(loaded_window, qtbot):
    tab = loaded_window.tab("trainingTab")
    loaded_window.show_tab("trainingTab")
    panel = _serve(loaded_window, qtbot)
    qtbot.wait(100)  # the dock's first layout

    def plot_areas() -> dict[str, float]:  # the curves' own height, inside title and axes
        return {n: p.getPlotItem().getViewBox().sceneBoundingRect().height() for n, p in tab.plots.plot_widgets.items()}

    shown = plot_areas()
    assert panel.height() <= 0.25 * loaded_window.height()  # a modest dock, not ~40% of the window
    assert shown["loss"] >= 70 and min(shown.values()) >= 50, shown  # room for ticks that do not overlap
    loaded_window.grab().save("/tmp/server_dock_training.png")

    qtbot.mouseClick(panel.findChild(QPushButton, "serverStopButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_running() and not panel.isVisible(), timeout=30_000)  # Stop hides it
    qtbot.waitUntil(lambda: plot_areas()["loss"] > shown["loss"], timeout=5_000)  # its room goes back to the tabs
    assert server_threads() == []
