"""What every request passes before a route sees it: the Host and Origin checks that stop DNS rebinding
(a web page whose name resolves to 127.0.0.1 must not drive the model), the optional API key, and the
body size cap. Plain ASGI, so it also covers streamed responses and the error pages."""

from __future__ import annotations

import hmac
import json
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_BODY_BYTES = 4 * 1024 * 1024  # a long conversation is ~100 KB; 4 MB is far past any real request


def host_name(value: str) -> str:
    """`Host` header → its name without the port: `localhost:8000` → `localhost`, `[::1]:80` → `::1`."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def allowed_hosts_for(bind_host: str) -> frozenset[str] | None:
    """The Host names a server bound to `bind_host` answers: loopback names, plus the bound address when
    the user chose one. None (any Host) when it listens on every interface: the user opened it up."""
    if bind_host in ("0.0.0.0", "::", ""):
        return None
    return LOOPBACK_NAMES | {host_name(bind_host)}


class Guard:
    """ASGI middleware. `allowed_hosts` None = any Host; `api_key` None = no key asked."""

    def __init__(self, app, *, allowed_hosts: frozenset[str] | None = LOOPBACK_NAMES,
                 api_key: str | None = None, max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.allowed_hosts, self.api_key, self.max_body = app, allowed_hosts, api_key, max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        refusal = self._refusal(headers)
        if refusal is not None:
            await _reply(send, *refusal)
            return
        body = await self._read_body(headers, receive)
        if body is None:
            await _reply(send, 413, f"The request body is larger than {self.max_body // (1024 * 1024)} MB.",
                         "request_too_large")
            return
        await self.app(scope, _replay(body, receive), send)

    def _refusal(self, headers: dict[str, str]) -> tuple[int, str, str] | None:
        host = host_name(headers.get("host", ""))
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return (421, f"This server answers only requests addressed to this machine "
                    f"({', '.join(sorted(self.allowed_hosts))}), not '{host or '(no Host)'}'.", "host_not_allowed")
        origin = headers.get("origin")
        if origin is not None and not self._origin_ok(origin, headers.get("host", "")):
            return (403, f"Requests from web pages at '{origin[:100]}' are not allowed.", "origin_not_allowed")
        if self.api_key is not None:
            sent = headers.get("authorization", "")
            if not hmac.compare_digest(sent.encode(), f"Bearer {self.api_key}".encode()):
                return (401, "Missing or wrong API key: send 'Authorization: Bearer KEY' (the key given to "
                        "--api-key).", "invalid_api_key")
        return None

    def _origin_ok(self, origin: str, host_header: str) -> bool:
        try:
            parts = urlsplit(origin)
            name = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme not in ("http", "https"):
            return False  # "null" (a sandboxed frame, a file:// page) and anything odd
        return name in LOOPBACK_NAMES or parts.netloc.lower() == host_header.strip().lower()

    async def _read_body(self, headers: dict[str, str], receive) -> bytes | None:
        """The whole body, or None once it passes the cap (checked on Content-Length first)."""
        try:
            if int(headers.get("content-length", "0")) > self.max_body:
                return None
        except ValueError:
            pass  # the server rejects a malformed Content-Length itself
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes, receive):
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # afterwards: http.disconnect, as the routes expect

    return replayed


async def _reply(send, status: int, message: str, code: str) -> None:
    from playground.server.protocol import error_body

    kind = "authentication_error" if status == 401 else "invalid_request_error"
    payload = json.dumps(error_body(message, kind, code)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
