"""File → Serve current model: a dock with the server's URL, how to call it, and a live request log."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.ui.i18n import translate
from playground.workers.server import ServerController, ServerStatus

MAX_LOG_ROWS = 500
LOG_COLUMNS = (QT_TRANSLATE_NOOP("ServerPanel", "Time"), QT_TRANSLATE_NOOP("ServerPanel", "Request"),
               QT_TRANSLATE_NOOP("ServerPanel", "Status"), QT_TRANSLATE_NOOP("ServerPanel", "Tokens in → out"),
               QT_TRANSLATE_NOOP("ServerPanel", "Seconds"))


class ServerPanel(QDockWidget):
    """Serves the app's current model on 127.0.0.1 (a free port). Stop ends it; closing the window too."""

    def __init__(self, model_controller, parent: QWidget | None = None, *,
                 show_error: Callable[[str, str], object] | None = None) -> None:
        super().__init__(translate("ServerPanel", "Local server (OpenAI-compatible)"), parent)
        self.setObjectName("serverPanel")
        self.model_controller = model_controller
        self._show_error = show_error  # (title, message): the window's error dialog; None: the status says it
        self._hide_when_stopped = False  # Stop was pressed: the dock goes away once the server has stopped
        self.server = ServerController(self)
        self.server.status_changed.connect(self._on_server_status_changed)
        self.server.request_logged.connect(self._on_server_request_logged)
        self.server.failed.connect(self._on_server_failed)
        model_controller.model_changed.connect(self._on_model_controller_model_changed)
        self._build()
        self._show_status(ServerStatus(False), translate("ServerPanel", "Stopped."))

    def _build(self) -> None:
        body = QWidget(self)
        layout = QVBoxLayout(body)
        top = QHBoxLayout()
        self.status_label = QLabel(objectName="serverStatusLabel")
        self.url_field = QLineEdit(objectName="serverUrlField", readOnly=True)
        self.url_field.setToolTip(translate("ServerPanel", "The OpenAI base URL: give it to any OpenAI client (any API key works)."))
        self.url_field.setMinimumWidth(260)
        self.copy_button = QPushButton(translate("ServerPanel", "Copy URL"), objectName="serverCopyButton")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.start_button = QPushButton(translate("ServerPanel", "Start server"), objectName="serverStartButton")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(translate("ServerPanel", "Stop server"), objectName="serverStopButton")
        self.stop_button.clicked.connect(self.stop)
        for widget in (self.status_label, self.url_field, self.copy_button, self.start_button, self.stop_button):
            top.addWidget(widget, 1 if widget is self.url_field else 0)
        layout.addLayout(top)
        self.example_label = QLabel(objectName="serverExampleLabel")
        self.example_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.example_label.setWordWrap(True)
        layout.addWidget(self.example_label)
        self.log_table = QTableWidget(0, len(LOG_COLUMNS), objectName="serverRequestLog")
        self.log_table.setHorizontalHeaderLabels([translate("ServerPanel", c) for c in LOG_COLUMNS])
        self.log_table.verticalHeader().hide()
        self.log_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.log_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        header = self.log_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        layout.addWidget(self.log_table, 1)
        self.setWidget(body)
        self._fit_to_font()

    def _fit_to_font(self) -> None:
        """The log may shrink to its header and two rows, so the dock never squeezes the tabs above it."""
        self.log_table.setMinimumHeight(3 * self.fontMetrics().lineSpacing() + 16)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fit_to_font()

    # ------------------------------------------------------------------ actions
    @Slot()
    def start(self) -> bool:
        session = self.model_controller.session
        if session is None:
            self._show_status(ServerStatus(False), translate("ServerPanel", "Load a model first."))
            return False
        if self.server.start(session):
            self._show_status(ServerStatus(False), translate("ServerPanel", "Starting…"), busy=True)
            return True
        return False

    @Slot()
    def stop(self) -> bool:
        if self.server.stop():
            self._hide_when_stopped = True
            self._show_status(self.server.status(), translate("ServerPanel", "Stopping…"), busy=True)
            return True
        return False

    def compact_height(self) -> int:
        """A modest height to open at: the status row, the example and a few log rows (File → Serve)."""
        line = self.fontMetrics().lineSpacing()
        return self.widget().layout().contentsMargins().top() * 2 + 10 * line + 24  # + the title bar

    def is_running(self) -> bool:
        return self.server.server is not None

    def url(self) -> str:
        status = self.server.status()
        return f"{status.url}/v1" if status.running else ""

    def shutdown(self) -> None:
        self.server.shutdown()

    # ------------------------------------------------------------------ handlers
    @Slot(object)
    def _on_server_status_changed(self, status: ServerStatus) -> None:
        self._show_status(status, translate("ServerPanel", "Serving {model_id}").format(model_id=status.model_id) if status.running
                          else translate("ServerPanel", "Stopped."))
        if not status.running and self._hide_when_stopped:
            self._hide_when_stopped = False
            self.hide()  # its room goes back to the tabs; File → Serve current model brings it back

    @Slot(object)
    def _on_server_request_logged(self, entry) -> None:
        table = self.log_table
        if table.rowCount() >= MAX_LOG_ROWS:
            table.removeRow(0)
        row = table.rowCount()
        table.insertRow(row)
        tokens = f"{entry.prompt_tokens} → {entry.completion_tokens}" if entry.prompt_tokens else ""
        cells = (time.strftime("%H:%M:%S", time.localtime(entry.at)), f"{entry.method} {entry.path}",
                 str(entry.status), tokens, f"{entry.seconds:.2f}")
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == 2 and entry.status >= 400:
                item.setForeground(Qt.red)
            table.setItem(row, column, item)
        table.scrollToBottom()

    @Slot(object)
    def _on_server_failed(self, failure) -> None:  # core.errors.Failure
        self._show_status(self.server.status(), translate("ServerPanel", "Could not serve: {message}").format(message=failure.message))
        if self._show_error is not None:
            self._show_error(translate("ServerPanel", "Could not start the server"), failure.message)

    @Slot(object)
    def _on_model_controller_model_changed(self, _info) -> None:
        self.server.set_session(self.model_controller.session)

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.url_field.text())

    def _show_status(self, status: ServerStatus, text: str, busy: bool = False) -> None:
        self.status_label.setText(text)
        self.url_field.setText(f"{status.url}/v1" if status.running else "")
        self.copy_button.setEnabled(status.running)
        self.start_button.setEnabled(not status.running and not busy)
        self.stop_button.setEnabled(status.running and not busy)
        if status.running:
            self.example_label.setText(
                f"curl {status.url}/chat -H 'Content-Type: application/json' -d '{{\"message\": \"Hi!\"}}'\n"
                f"Python: OpenAI(base_url=\"{status.url}/v1\", api_key=\"none\").chat.completions.create("
                f"model=\"{status.model_id}\", messages=[...])")
        else:
            self.example_label.setText(translate("ServerPanel", "Serves the current model to any OpenAI client on this machine "
                                       "(127.0.0.1 only). Requests run one at a time."))
