"""Runs the local OpenAI-compatible server for the GUI. Starting and stopping happen on a QThread
(importing FastAPI and joining uvicorn take a moment); the request log arrives as a Qt signal."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from playground.workers.base import Worker, WorkerThread


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    url: str = ""  # e.g. http://127.0.0.1:43121 (the OpenAI base URL is url + "/v1")
    model_id: str = ""


class _StartWorker(Worker):
    def __init__(self, session, host: str, port: int, on_request) -> None:
        super().__init__()
        self.session, self.host, self.port, self.on_request = session, host, port, on_request
        self.started_server = None  # kept here too, so a shutdown racing the start can stop it

    @Slot()
    def run(self) -> None:
        try:
            from playground.server.runner import LocalServer

            server = LocalServer(self.session, host=self.host, port=self.port, on_request=self.on_request)
            server.start()
        except BaseException as exc:  # noqa: BLE001 - shown to the user
            self.fail(exc)
        else:
            self.started_server = server
            self.finished.emit(server)


class _StopWorker(Worker):
    def __init__(self, server) -> None:
        super().__init__()
        self.server = server

    @Slot()
    def run(self) -> None:
        try:
            self.server.stop()
        except BaseException as exc:  # noqa: BLE001
            self.fail(exc)
        else:
            self.finished.emit(None)


class ServerController(QObject):
    """At most one server. `status_changed(ServerStatus)` after every start/stop;
    `request_logged(RequestLog)` for each HTTP request (emitted from the server thread, queued)."""

    status_changed = Signal(object)  # ServerStatus
    request_logged = Signal(object)  # playground.server.app.RequestLog
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = None  # playground.server.runner.LocalServer while running
        self._job: WorkerThread | None = None
        self._closed = False

    @property
    def busy(self) -> bool:
        return self._job is not None

    def status(self) -> ServerStatus:
        if self.server is None:
            return ServerStatus(False)
        return ServerStatus(True, self.server.url, self.server.model_id)

    def start(self, session, host: str = "127.0.0.1", port: int = 0) -> bool:
        if self.busy or self.server is not None or self._closed:
            return False
        worker = _StartWorker(session, host, port, self.request_logged.emit)
        worker.finished.connect(self._on_start_finished)
        self._run(worker)
        return True

    def stop(self) -> bool:
        if self.busy or self.server is None:
            return False
        worker = _StopWorker(self.server)
        worker.finished.connect(self._on_stop_finished)
        self._run(worker)
        return True

    def set_session(self, session) -> None:
        """The app's model changed: serve the new one from the next request on."""
        if self.server is not None and session is not None:
            self.server.set_session(session)
            self.status_changed.emit(self.status())

    def shutdown(self) -> None:
        """Stop everything now (window closing): waits for the threads."""
        self._closed = True
        job, self._job = self._job, None
        if job is not None:
            job.shutdown()
            self.server = self.server or getattr(job.worker, "started_server", None)
        if self.server is not None:
            self.server.stop()
            self.server = None

    # ------------------------------------------------------------------ plumbing
    def _run(self, worker: Worker) -> None:
        worker.failed.connect(self._on_worker_failed)
        self._job = WorkerThread(worker, self)
        self._job.done.connect(self._on_job_done)
        self._job.start()

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

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        self.failed.emit(message)

    @Slot()
    def _on_job_done(self) -> None:
        self._job = None
