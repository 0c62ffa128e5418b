"""The FastAPI app: OpenAI-compatible routes over one `ModelWorker`. Bad input never crashes it:
every error becomes a JSON body in OpenAI's shape with a 4xx/5xx status."""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import AsyncIterator, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from playground.core.errors import SHUTTING_DOWN
from playground.server.guard import LOOPBACK_NAMES, Guard
from playground.server import protocol as p
from playground.server.worker import Failed, Finished, Job, ModelWorker, Piece, ServerBusy

DEFAULT_MAX_TOKENS = 512
_ENCODER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playground-http-encoder")


@dataclass(frozen=True)
class RequestLog:
    """One finished HTTP request, for the terminal or the GUI's request log."""

    at: float  # time.time() when it arrived
    method: str
    path: str
    status: int
    seconds: float
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def line(self) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(self.at))
        tokens = f"  {self.prompt_tokens}→{self.completion_tokens} tokens" if self.completion_tokens else ""
        return f"{stamp}  {self.method} {self.path}  {self.status}  {self.seconds:.2f} s{tokens}"


def printable(text: str, limit: int = 200) -> str:
    """A decoded URL path made safe for a terminal or a log view: control characters (`%0a` would forge a
    log line, `%1b[31m` colour the terminal) are shown escaped, and it is cut at `limit` characters."""
    text = text if len(text) <= limit else text[:limit] + "…"
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param


def model_id(source) -> str:
    """A short, stable id for the served model (core.models.identity.stable_id): `smollm2-135m-instruct`
    for the built-in model, a run's or folder's directory name, a Hub repo id."""
    from playground.core.models.identity import stable_id

    return stable_id(source)


class _RequestLogMiddleware:
    """Plain ASGI middleware: times every request (streams included) and reports it once finished."""

    def __init__(self, app, on_request: Callable[[RequestLog], None]) -> None:
        self.app, self.on_request = app, on_request

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        at, started, status = time.time(), time.perf_counter(), [500]
        state = scope.setdefault("state", {})  # the routes put token counts in request.state.usage

        async def tracking_send(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            tokens = state.get("usage", (0, 0))
            try:
                self.on_request(RequestLog(at, scope["method"], printable(scope["path"]), status[0],
                                           time.perf_counter() - started, *tokens))
            except Exception:  # noqa: BLE001 - a broken log view must not break the server
                pass


def create_app(worker: ModelWorker, *, on_request: Callable[[RequestLog], None] | None = None,
               max_tokens_cap: int = 2048, default_max_tokens: int = DEFAULT_MAX_TOKENS,
               allowed_hosts: frozenset[str] | None = LOOPBACK_NAMES, api_key: str | None = None) -> FastAPI:
    """`allowed_hosts`: the Host names answered (None = any); `api_key`: the bearer token asked (None = none)."""
    # No /docs: Swagger UI loads its scripts from a CDN, and this app never reaches the network.
    app = FastAPI(title="LLM Playground", docs_url=None, redoc_url=None)
    api = _Api(worker, max_tokens_cap, min(default_max_tokens, max_tokens_cap), int(time.time()))
    _install_error_handlers(app)
    app.add_middleware(Guard, allowed_hosts=allowed_hosts, api_key=api_key)  # inside the log: refusals are logged
    if on_request is not None:
        app.add_middleware(_RequestLogMiddleware, on_request=on_request)

    @app.get("/v1/models")
    async def list_models() -> dict:
        return {"object": "list", "data": [p.model_card(api.model_id(), api.created)]}

    @app.get("/v1/models/{name}")
    async def get_model(name: str) -> dict:
        api.check_model(name)
        return p.model_card(api.model_id(), api.created)

    @app.post("/v1/chat/completions")
    async def chat_completions(body: p.ChatCompletionRequest, request: Request):
        messages = [{"role": "system" if m.role == "developer" else m.role, "content": m.text()}
                    for m in body.messages]
        return await api.respond(request, body, messages=messages, chat=True)

    @app.post("/v1/completions")
    async def completions(body: p.CompletionRequest, request: Request):
        return await api.respond(request, body, raw_prompt=body.prompt, chat=False)

    @app.post("/chat")
    async def simple_chat(body: p.SimpleChatRequest, request: Request) -> dict:
        messages = ([{"role": "system", "content": body.system}] if body.system else [])
        messages += [{"role": m.role, "content": m.text()} for m in body.history]
        messages.append({"role": "user", "content": body.message})
        body = body.model_copy(update={"stream": False})
        result = await api.respond(request, body, messages=messages, chat=True, raw=True)
        return {"reply": result.text, "model": api.model_id(),
                "usage": p.usage(result.prompt_tokens, result.completion_tokens)}

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "model": api.model_id(), "queued": worker.pending}

    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(p.error_body(exc.message, _kind(exc.status), exc.code, exc.param), exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(p.error_body(_describe(exc.errors())), 400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(p.error_body(str(exc.detail), _kind(exc.status_code)), exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(p.error_body(f"Internal error: {type(exc).__name__}: {exc}", "server_error"), 500)


def _kind(status: int) -> str:
    return {404: "not_found_error", 503: "server_busy"}.get(status, "invalid_request_error"
                                                           if status < 500 else "server_error")


def _describe(errors) -> str:
    """pydantic's error list → one sentence a person can act on."""
    parts = []
    for err in list(errors)[:3]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x != "body")
        if err.get("type") == "json_invalid":
            return f"The request body is not valid JSON ({err.get('ctx', {}).get('error', 'parse error')})."
        parts.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts) + "."


class _Api:
    """What the routes share: the model check, prompt encoding and limits, and running a job."""

    def __init__(self, worker: ModelWorker, cap: int, default: int, created: int) -> None:
        self.worker, self.cap, self.default, self.created = worker, cap, default, created

    def model_id(self) -> str:
        return model_id(self.worker.session.source)

    def check_model(self, name: str | None) -> None:
        if name and name.lower() not in (self.model_id(), "default"):
            raise ApiError(404, f"The model '{name}' does not exist here. This server serves "
                           f"'{self.model_id()}' (GET /v1/models).", "model_not_found", "model")

    def encode(self, session, messages: list[dict] | None, raw_prompt) -> list[int]:
        from playground.core.generation.stream import encode_chat, encode_text

        try:
            if messages is not None and session.has_chat_template:
                return encode_chat(session.tokenizer, messages)
            if messages is not None:  # a model trained here may have no chat template: plain text
                return encode_text(session.tokenizer, "\n".join(m["content"] for m in messages) + "\n")
            if isinstance(raw_prompt, list) and raw_prompt and isinstance(raw_prompt[0], int):
                vocab = int(session.model.config.vocab_size)
                if any(not 0 <= t < vocab for t in raw_prompt):
                    raise ApiError(400, f"Token ids must be in 0..{vocab - 1}.", param="prompt")
                return list(raw_prompt)
            if isinstance(raw_prompt, list):
                if len(raw_prompt) != 1:
                    raise ApiError(400, "Send one prompt per request.", param="prompt")
                raw_prompt = raw_prompt[0]
            return encode_text(session.tokenizer, raw_prompt)
        except ApiError:
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. a chat template rejecting the role order
            raise ApiError(400, f"Could not build the prompt: {exc}", param="messages") from exc

    def settings(self, body: p.SamplingFields, session, n_prompt: int):
        from playground.core.generation.sampling import SamplingSettings

        room = session.context_length - n_prompt
        if n_prompt == 0:
            raise ApiError(400, "The prompt is empty.", param="prompt")
        if room <= 0:
            raise ApiError(400, f"The prompt is {n_prompt} tokens but the model's context is "
                           f"{session.context_length}. Shorten it.", "context_length_exceeded", "messages")
        base = SamplingSettings()
        return replace(
            base, max_new_tokens=min(body.requested_tokens() or self.default, self.cap, room),
            temperature=base.temperature if body.temperature is None else body.temperature,
            top_p=base.top_p if body.top_p is None else body.top_p,
            top_k=base.top_k if body.top_k is None else body.top_k,
            repetition_penalty=body.repetition_penalty or base.repetition_penalty, seed=body.seed)

    async def respond(self, request: Request, body: p.SamplingFields, *, chat: bool,
                      messages: list[dict] | None = None, raw_prompt=None, raw: bool = False):
        self.check_model(body.model)
        session = self.worker.session
        # Templating and tokenizing a long conversation takes a while: not on the event loop (it would
        # stall every route), and on one thread (a tokenizer is not safe to share between encoders).
        prompt_ids = await asyncio.get_running_loop().run_in_executor(
            _ENCODER, self.encode, session, messages, raw_prompt)
        settings = self.settings(body, session, len(prompt_ids))
        top = _top_logprobs(body)
        run = _Run(self.worker, Job(session, prompt_ids, settings, emit=None, stops=body.stop_strings(),
                                    top_logprobs=top))
        rid, name = p.new_id("chatcmpl" if chat else "cmpl"), self.model_id()
        request.state.usage = (len(prompt_ids), 0)
        if body.stream:
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            events = _sse_chat(run, rid, name, include_usage, request, top is not None) if chat else \
                _sse_completion(run, rid, name, include_usage, request, top is not None)
            return StreamingResponse(events, media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache"})
        result = await run.result(request)
        request.state.usage = (result.prompt_tokens, result.completion_tokens)
        if raw:
            return result
        if chat:
            return p.chat_completion(rid, name, result.text, result.finish_reason, result.prompt_tokens,
                                     result.completion_tokens, _maybe(p.chat_logprobs, top, result.tokens))
        return p.completion(rid, name, result.text, result.finish_reason, result.prompt_tokens,
                            result.completion_tokens, _maybe(p.completion_logprobs, top, result.tokens))


def _top_logprobs(body: p.SamplingFields) -> int | None:
    """How many top tokens the request's logprobs come with; None: it asked for none."""
    asked = getattr(body, "top_logprobs_asked", None)
    try:
        return asked() if asked is not None else None
    except ValueError as exc:
        raise ApiError(400, str(exc), param="top_logprobs") from None


def _maybe(make, top: int | None, tokens) -> dict | None:
    return None if top is None else make(tokens)


class _Run:
    """One job on the worker thread, seen from the event loop as an async stream of events."""

    def __init__(self, worker: ModelWorker, job: Job) -> None:
        loop = asyncio.get_running_loop()
        self.events: asyncio.Queue = asyncio.Queue()
        job.emit = lambda event: loop.call_soon_threadsafe(self.events.put_nowait, event)
        try:
            self.job = worker.submit(job)
        except ServerBusy as exc:
            raise ApiError(503, str(exc)) from exc

    async def stream(self) -> AsyncIterator[Piece | Finished | Failed]:
        try:
            while True:
                event = await self.events.get()
                yield event
                if not isinstance(event, Piece):
                    return
        finally:
            self.job.cancel()  # the client left mid-stream (or we are done): free the worker

    async def result(self, request: Request) -> Finished:
        """Wait for the whole reply; a client that hangs up meanwhile frees the worker."""
        try:
            checked = time.monotonic()
            while True:
                try:
                    event = await asyncio.wait_for(self.events.get(), timeout=0.5)
                except asyncio.TimeoutError:
                    event = None
                # Tokens may arrive faster than the timeout: look at the connection every 0.5 s regardless.
                if time.monotonic() - checked >= 0.5:
                    checked = time.monotonic()
                    if await request.is_disconnected():
                        raise ApiError(499, "The client closed the connection.") from None
                if isinstance(event, Finished):
                    return event
                if isinstance(event, Failed):
                    raise ApiError(503 if event.kind == SHUTTING_DOWN else 500, event.message)
        finally:
            self.job.cancel()


def _sse(obj) -> str:
    return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"


async def _sse_stream(run: _Run, request: Request, include_usage: bool, *, start, piece, finish, usage):
    """The event stream of both endpoints; `piece(Piece)`, `finish(reason)`, `usage(prompt, completion)`
    make their chunks."""
    if start is not None:
        yield _sse(start)
    async for event in run.stream():
        if isinstance(event, Piece):
            yield _sse(piece(event))
        elif isinstance(event, Finished):
            request.state.usage = (event.prompt_tokens, event.completion_tokens)
            yield _sse(finish(event.finish_reason))
            if include_usage:
                yield _sse(usage(event.prompt_tokens, event.completion_tokens))
        else:
            yield _sse(p.error_body(event.message, "server_error"))
    yield "data: [DONE]\n\n"


def _sse_chat(run: _Run, rid: str, name: str, include_usage: bool, request: Request, logprobs: bool):
    def piece(event: Piece) -> dict:
        return p.chat_chunk(rid, name, {"content": event.text},
                            logprobs=p.chat_logprobs(event.tokens) if logprobs else None)

    return _sse_stream(run, request, include_usage,
                       start=p.chat_chunk(rid, name, {"role": "assistant", "content": ""}),
                       piece=piece, finish=lambda reason: p.chat_chunk(rid, name, {}, reason),
                       usage=lambda pt, ct: p.usage_chunk(rid, name, "chat.completion.chunk", pt, ct))


def _sse_completion(run: _Run, rid: str, name: str, include_usage: bool, request: Request, logprobs: bool):
    reported = [0]  # characters of the tokens reported so far: where the next one starts (text_offset)

    def piece(event: Piece) -> dict:
        offset = reported[0]
        reported[0] += sum(len(t.text) for t in event.tokens)
        return p.completion(rid, name, event.text, None,
                            logprobs=p.completion_logprobs(event.tokens, offset) if logprobs else None)

    return _sse_stream(run, request, include_usage, start=None, piece=piece,
                       finish=lambda reason: p.completion(rid, name, "", reason),
                       usage=lambda pt, ct: p.usage_chunk(rid, name, "text_completion", pt, ct))
