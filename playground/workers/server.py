"""Runs the local OpenAI-compatible server for the GUI. Starting and stopping happen on a QThread
(importing FastAPI and joining uvicorn take a moment); the request log arrives as a Qt signal."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from playground.core.errors import Failure
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    url: str = ""  # e.g. http://127.0.0.1:43121 (the OpenAI base URL is url + "/v1")
    model_id: str = ""


def start_server(session, host: str, port: int, on_request):
    """Bind, import FastAPI and start uvicorn -> the running LocalServer (run with `FunctionWorker`)."""
    from playground.server.runner import LocalServer

    server = LocalServer(session, host=host, port=port, on_request=on_request)
    server.start()
    return server


def stop_server(server) -> None:
    server.stop()


JOB = "server"  # one start or stop at a time


class ServerController(QObject):
    """At most one server. `status_changed(ServerStatus)` after every start/stop;
    `request_logged(RequestLog)` for each HTTP request (emitted from the server thread, queued)."""

    status_changed = Signal(object)  # ServerStatus
    request_logged = Signal(object)  # playground.server.app.RequestLog
    failed = Signal(object)  # core.errors.Failure

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = None  # playground.server.runner.LocalServer while running
        self._jobs = Jobs(self)
        self._closed = False

    @property
    def busy(self) -> bool:
        return self._jobs.running(JOB)

    def status(self) -> ServerStatus:
        if self.server is None:
            return ServerStatus(False)
        return ServerStatus(True, self.server.url, self.server.model_id)

    def start(self, session, host: str = "127.0.0.1", port: int = 0) -> bool:
        if self.busy or self.server is not None or self._closed:
            return False
        worker = FunctionWorker(start_server, session, host, port, self.request_logged.emit)
        self._jobs.start(JOB, worker, self._on_start_finished, self._on_job_failed, replace=False)
        return True

    def stop(self) -> bool:
        if self.busy or self.server is None:
            return False
        self._jobs.start(JOB, FunctionWorker(stop_server, self.server), self._on_stop_finished, self._on_job_failed,
                         replace=False)
        return True

    def set_session(self, session) -> None:
        """The app's model changed: serve the new one from the next request on."""
        if self.server is not None and session is not None:
            self.server.set_session(session)
            self.status_changed.emit(self.status())

    def shutdown(self) -> None:
        """Stop everything now (window closing): waits for the threads."""
        self._closed = True
        worker = self._jobs.worker(JOB)
        self._jobs.shutdown()
        if worker is not None and worker.fn is start_server:  # it may have started after all
            self.server = self.server or worker.result
        if self.server is not None:
            self.server.stop()
            self.server = None

    # ------------------------------------------------------------------ plumbing
    @Slot(object)
    def _on_start_finished(self, server) -> None:
        if self._closed:  # arrived after shutdown() already stopped it
            return
        self.server = server
        self.status_changed.emit(self.status())

    @Slot(object)
    def _on_stop_finished(self, _none) -> None:
        if self._closed:
            return
        self.server = None
        self.status_changed.emit(self.status())

    @Slot(object)
    def _on_job_failed(self, failure: Failure) -> None:
        self.failed.emit(failure)
