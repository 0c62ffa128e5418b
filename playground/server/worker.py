"""One model worker thread: requests queue up and run one at a time (the generation core is not
re-entrant), each streaming its text back through a plain callback. No asyncio, no Qt here."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from playground.core.errors import CANCELLED, INTERNAL, SHUTTING_DOWN, PlaygroundError, ShuttingDown, failure_of


@dataclass(frozen=True)
class ReplyToken:
    """One token of the reply as sent: `text` is what it put in the reply, cut where a stop string began."""

    text: str
    logprobs: object  # core.generation.stream.TokenLogprobs


@dataclass(frozen=True)
class Piece:
    """New reply text (already cut at any stop string) and, when logprobs were asked, the tokens whose text
    it completes (a token whose text is only partly out yet comes with a later piece)."""

    text: str
    tokens: tuple[ReplyToken, ...] = ()


@dataclass(frozen=True)
class Finished:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str  # "stop" | "length" (OpenAI's words)
    seconds: float
    tokens: tuple[ReplyToken, ...] = ()  # every token of `text`, in order, when logprobs were asked


@dataclass(frozen=True)
class Failed:
    message: str
    kind: str = INTERNAL  # a core.errors kind: the HTTP status is chosen by it, never by the message


Event = Piece | Finished | Failed


class ServerBusy(PlaygroundError):
    pass


class ServerClosing(ServerBusy, ShuttingDown):
    """Refused: the server is shutting down."""


class StopMatcher:
    """Cuts streamed text at the first stop string; holds back text that might start one.

    Each stop string has a Knuth-Morris-Pratt automaton whose state is how much of it the text now ends
    with, so every character costs O(number of stops), however long the stop strings are."""

    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = [s for s in stops if s]
        self._fail = [_prefix_function(s) for s in self.stops]
        self._state = [0] * len(self.stops)
        self.pending = ""
        self.matched = False

    def feed(self, piece: str) -> str:
        if self.matched:  # nothing after a stop string
            return ""
        if not self.stops:
            return piece
        start = len(self.pending)
        self.pending += piece
        for index in range(start, len(self.pending)):
            c, done = self.pending[index], 0
            for i, stop in enumerate(self.stops):
                state, fail = self._state[i], self._fail[i]
                while state and stop[state] != c:
                    state = fail[state - 1]
                state = state + 1 if stop[state] == c else 0
                if state == len(stop):
                    done = max(done, state)  # of those ending here, the one that began first
                    state = fail[state - 1]
                self._state[i] = state
            if done:
                self.matched = True
                out, self.pending = self.pending[:index + 1 - done], ""
                return out
        keep = max(self._state)  # the text ends with that much of some stop string
        out = self.pending[:len(self.pending) - keep]
        self.pending = self.pending[len(out):]
        return out

    def flush(self) -> str:
        out, self.pending = self.pending, ""
        return out


class TokenAligner:
    """Pairs the text a StopMatcher lets out with the tokens that produced it, so the logprobs sent are
    those of the text sent: a token is reported once all its text is out; one cut by a stop string with
    the part before it (none if nothing of it is kept); those after the cut never."""

    def __init__(self) -> None:
        self._waiting: list[list] = []  # [text, logprobs, chars of its text already out], oldest first

    def add(self, text: str, logprobs) -> None:
        self._waiting.append([text, logprobs, 0])

    def emitted(self, text: str) -> tuple[ReplyToken, ...]:
        """`text` was let out (the next characters of the added tokens' texts): the tokens it completes."""
        left, done = len(text), []
        while self._waiting:
            token = self._waiting[0]
            missing = len(token[0]) - token[2]
            if missing > left:
                token[2] += left
                break
            left -= missing
            done.append(ReplyToken(token[0], token[1]))
            self._waiting.pop(0)
        return tuple(done)

    def cut(self) -> tuple[ReplyToken, ...]:
        """A stop string matched: the token it began in, with its text before the cut (if any)."""
        token = self._waiting[0] if self._waiting else None
        self._waiting = []
        return (ReplyToken(token[0][:token[2]], token[1]),) if token is not None and token[2] else ()


def _prefix_function(s: str) -> list[int]:
    """fail[i]: the length of the longest proper prefix of s[:i+1] that is also its suffix."""
    fail = [0] * len(s)
    k = 0
    for i in range(1, len(s)):
        while k and s[i] != s[k]:
            k = fail[k - 1]
        if s[i] == s[k]:
            k += 1
        fail[i] = k
    return fail


@dataclass
class Job:
    session: object  # the ModelSession the prompt was encoded with
    prompt_ids: Sequence[int]
    settings: object  # SamplingSettings
    emit: Callable[[Event], None]  # called from the worker thread
    stops: Sequence[str] = ()
    top_logprobs: int | None = None  # None: no logprobs; else each token's, with this many top tokens
    halt: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """The client went away: stop generating (safe from any thread)."""
        self.halt.set()


class ModelWorker:
    """Owns the thread that runs every generation. `submit` from any thread; `stop` joins it."""

    def __init__(self, session, *, max_queue: int = 32, engine=None) -> None:
        self._session = session
        # `engine` (an engine.Engine, e.g. the fast ONNX one) answers for `session` only; None = PyTorch
        self._engine = (session, engine) if engine is not None else None
        self._session_lock = threading.Lock()
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._max_queue = max_queue
        self._current: Job | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="playground-model-worker", daemon=True)
        self._thread.start()

    @property
    def session(self):
        with self._session_lock:
            return self._session

    def set_session(self, session) -> None:
        """Serve another model from the next request on (requests already queued keep theirs)."""
        with self._session_lock:
            self._session = session

    @property
    def pending(self) -> int:
        return self._queue.qsize() + (1 if self._current is not None else 0)

    def submit(self, job: Job) -> Job:
        if self._stopping:
            raise ServerClosing()
        if self._queue.qsize() >= self._max_queue:
            raise ServerBusy(f"{self._max_queue} requests are already waiting; try again in a moment.")
        self._queue.put(job)
        return job

    def stop(self, timeout: float = 30.0) -> None:
        """Cancel the running and queued jobs, then join the thread."""
        self._stopping = True
        current = self._current
        if current is not None:
            current.cancel()
        self._queue.put(None)
        self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    # ------------------------------------------------------------------ the worker thread
    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                break
            if self._stopping or job.halt.is_set():
                _safe_emit(job, _shutting_down() if self._stopping else Failed("Cancelled.", CANCELLED))
                continue
            self._current = job
            try:
                engine = self._engine[1] if self._engine and self._engine[0] is job.session else None
                _safe_emit(job, _generate(job, engine))
            except Exception as exc:  # noqa: BLE001 - reported to the client, the worker keeps serving
                _safe_emit(job, Failed(f"Generation failed: {type(exc).__name__}: {exc}", failure_of(exc).kind))
            finally:
                self._current = None
        while not self._queue.empty():  # tell anyone still waiting
            job = self._queue.get_nowait()
            if job is not None:
                _safe_emit(job, _shutting_down())


def _shutting_down() -> Failed:
    return Failed(str(ServerClosing()), SHUTTING_DOWN)


def _safe_emit(job: Job, event: Event) -> None:
    try:
        job.emit(event)
    except Exception:  # noqa: BLE001 - a closed client must not kill the worker
        job.halt.set()


def _generate(job: Job, engine=None) -> Finished:
    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.stream import eos_ids, generate_stream

    session = job.session
    matcher, aligner = StopMatcher(job.stops), TokenAligner()
    parts: list[str] = []
    reported: list[ReplyToken] = []

    def send(text: str, tokens: tuple[ReplyToken, ...] = ()) -> None:
        parts.append(text)
        reported.extend(tokens)
        if text or tokens:
            _safe_emit(job, Piece(text, tokens))

    def on_token(step) -> None:
        if matcher.matched:
            return
        if step.logprobs is not None:
            aligner.add(step.text, step.logprobs)
        text = matcher.feed(step.text)
        if matcher.matched:
            job.halt.set()
        send(text, aligner.emitted(text) + (aligner.cut() if matcher.matched else ()))

    started = time.perf_counter()
    with session.lock:
        result = generate_stream(engine or TorchEngine(session.model), session.tokenizer, job.prompt_ids, job.settings,
                                 stop_ids=eos_ids(session.model, session.tokenizer), on_token=on_token,
                                 should_stop=job.halt, context_length=session.context_length,
                                 top_logprobs=job.top_logprobs)
    if not matcher.matched:
        tail = matcher.flush()
        send(tail, aligner.emitted(tail))
    reason = "length" if result.stop_reason in ("length", "context") and not matcher.matched else "stop"
    return Finished("".join(parts), len(job.prompt_ids), len(result.token_ids), reason,
                    time.perf_counter() - started, tuple(reported))
