"""Run the app with uvicorn: in the calling thread (`playground serve`) or in a background thread
(the GUI, tests). `stop()` cancels the running generation, shuts uvicorn down and joins every thread."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from typing import Callable

from playground.core.errors import PlaygroundError
from playground.server.app import RequestLog, create_app, model_id
from playground.server.guard import allowed_hosts_for
from playground.server.worker import ModelWorker


class ServerError(PlaygroundError):
    pass


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind now, so a busy port is a clear error and port 0 gives a free port we can report."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise ServerError(f"Cannot listen on host '{host}': {exc}. Use an IP address such as 127.0.0.1.") from exc
    except OverflowError as exc:
        raise ServerError(f"Port {port} is out of range: use 0 (any free port) to 65535.") from exc
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ServerError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. "
                          "Pick another port with --port.") from exc
    return sock


class LocalServer:
    """The OpenAI-compatible server for one model session."""

    def __init__(self, session, *, host: str = "127.0.0.1", port: int = 0,
                 on_request: Callable[[RequestLog], None] | None = None, max_tokens_cap: int = 2048,
                 engine=None, api_key: str | None = None) -> None:
        """`engine`: what answers (an engine.Engine for `session`, e.g. `selection.open_engine(...).engine`);
        None = PyTorch (exact). It answers only requests addressed to this machine (or to `host`, when
        that is not every interface), and with `api_key` only those that send it as a bearer token."""
        import uvicorn

        self.host = host
        self.engine_name = getattr(engine, "name", "Exact (PyTorch)")
        self.worker = ModelWorker(session, engine=engine)
        try:
            self._socket = bind_socket(host, port)
        except ServerError:
            self.worker.stop()
            raise
        self.port = int(self._socket.getsockname()[1])
        app = create_app(self.worker, on_request=on_request, max_tokens_cap=max_tokens_cap,
                         allowed_hosts=allowed_hosts_for(host), api_key=api_key or None)
        config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False, lifespan="off",
                                ws="none", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def model_id(self) -> str:
        return model_id(self.worker.session.source)

    def set_session(self, session) -> None:
        self.worker.set_session(session)

    def start(self, timeout: float = 30.0) -> "LocalServer":
        """Serve from a background thread; returns once it accepts connections."""
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name="playground-http-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerError("The server did not start; see the terminal for uvicorn's reason.")
            time.sleep(0.02)
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until Ctrl+C (uvicorn handles the signal), then clean up."""
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self.stop()

    def stop(self, timeout: float = 10.0) -> None:
        self.worker.stop(timeout)  # first: a running generation ends, so open streams can finish
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(timeout)
            self._thread = None
        self._socket.close()

    def __enter__(self) -> "LocalServer":
        return self.start() if self._thread is None else self

    def __exit__(self, *exc) -> None:
        self.stop()
