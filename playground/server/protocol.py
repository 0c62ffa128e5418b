"""The OpenAI-compatible wire format: request models (validated by pydantic) and response shapes."""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


MAX_MESSAGES = 1000  # a conversation longer than any context the app can load
MAX_TOP_LOGPROBS = 20  # OpenAI's limit for chat; the legacy completions API stopped at 5
MAX_STOPS, MAX_STOP_CHARS = 4, 1000  # OpenAI's four stop strings; each far longer than any real one
_Stop = Annotated[str, Field(max_length=MAX_STOP_CHARS)]


class _Lenient(BaseModel):
    """OpenAI clients send fields we do not use (user, logit_bias, ...): ignore them, don't fail."""

    model_config = ConfigDict(extra="ignore")


class ContentPart(_Lenient):
    type: str
    text: str | None = None


class ChatMessage(_Lenient):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type in ("text", "input_text"))
        return self.content or ""


class StreamOptions(_Lenient):
    include_usage: bool = False


class SamplingFields(_Lenient):
    """Sampling knobs shared by every endpoint. Omitted ones take the app's defaults."""

    model: str | None = None
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    top_k: int | None = Field(None, ge=0)  # an extension (llama.cpp, vLLM have it too)
    repetition_penalty: float | None = Field(None, gt=0.0, le=10.0)  # an extension
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    seed: int | None = Field(None, ge=-(2**63), le=2**63 - 1)  # what torch's generator takes
    stop: _Stop | list[_Stop] | None = Field(None, max_length=MAX_STOPS)
    n: int = Field(1, ge=1, le=1, description="only one choice per request")
    stream: bool = False
    stream_options: StreamOptions | None = None

    def stop_strings(self) -> tuple[str, ...]:
        if self.stop is None:
            return ()
        return (self.stop,) if isinstance(self.stop, str) else tuple(self.stop)

    def requested_tokens(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens


class ChatCompletionRequest(SamplingFields):
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    logprobs: bool | None = None
    top_logprobs: int | None = Field(None, ge=0, le=MAX_TOP_LOGPROBS)

    def top_logprobs_asked(self) -> int | None:
        """None: no logprobs; else how many top tokens each token comes with."""
        if self.top_logprobs is not None and not self.logprobs:
            raise ValueError("top_logprobs needs logprobs: true.")
        return (self.top_logprobs or 0) if self.logprobs else None


class CompletionRequest(SamplingFields):
    prompt: str | list[str] | list[int] = Field(min_length=1)
    logprobs: int | None = Field(None, ge=0, le=MAX_TOP_LOGPROBS)  # the top-token count (OpenAI: up to 5)

    def top_logprobs_asked(self) -> int | None:
        return self.logprobs


class SimpleChatRequest(SamplingFields):
    """`POST /chat`: {"message": "...", "history": [...], "system": "..."} → {"reply": "..."}."""

    message: str = Field(min_length=1)
    history: list[ChatMessage] = Field([], max_length=MAX_MESSAGES)
    system: str | None = None


# ---------------------------------------------------------------- responses
def error_body(message: str, kind: str = "invalid_request_error", code: str | None = None,
               param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:24]}"


def usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens}


def chat_completion(rid: str, model: str, text: str, finish_reason: str, prompt_tokens: int,
                    completion_tokens: int, logprobs: dict | None = None) -> dict[str, Any]:
    return {"id": rid, "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": finish_reason, "logprobs": logprobs}],
            "usage": usage(prompt_tokens, completion_tokens)}


def chat_chunk(rid: str, model: str, delta: dict, finish_reason: str | None = None,
               logprobs: dict | None = None) -> dict[str, Any]:
    return {"id": rid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": logprobs}]}


def completion(rid: str, model: str, text: str, finish_reason: str | None, prompt_tokens: int | None = None,
               completion_tokens: int | None = None, logprobs: dict | None = None) -> dict[str, Any]:
    body = {"id": rid, "object": "text_completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "text": text, "finish_reason": finish_reason, "logprobs": logprobs}]}
    if prompt_tokens is not None:
        body["usage"] = usage(prompt_tokens, completion_tokens or 0)
    return body


def _entry(text: str, logprob: float) -> dict[str, Any]:
    return {"token": text, "logprob": logprob, "bytes": list(text.encode("utf-8"))}


def chat_logprobs(tokens) -> dict[str, Any]:
    """`choices[].logprobs` of a chat reply; `tokens` are worker.ReplyTokens. Extensions: `raw_logprob` and
    `raw_top_logprobs`, the same in the model's plain softmax (before temperature/top-k/top-p)."""
    content = []
    for token in tokens:
        lp = token.logprobs
        content.append({**_entry(token.text, lp.logprob),
                        "top_logprobs": [_entry(text, value) for _, text, value in lp.top],
                        "raw_logprob": lp.raw_logprob,
                        "raw_top_logprobs": [_entry(text, value) for _, text, value in lp.raw_top]})
    return {"content": content, "refusal": None}


def completion_logprobs(tokens, offset: int = 0) -> dict[str, Any]:
    """The legacy `choices[].logprobs` of /v1/completions; `offset`: where this text starts in the reply.
    Extensions: `raw_token_logprobs` and `raw_top_logprobs` (the model's plain softmax)."""
    offsets, at = [], offset
    for token in tokens:
        offsets.append(at)
        at += len(token.text)
    return {"tokens": [t.text for t in tokens], "token_logprobs": [t.logprobs.logprob for t in tokens],
            "top_logprobs": [_by_text(t.logprobs.top) for t in tokens],
            "text_offset": offsets,
            "raw_token_logprobs": [t.logprobs.raw_logprob for t in tokens],
            "raw_top_logprobs": [_by_text(t.logprobs.raw_top) for t in tokens]}


def _by_text(top) -> dict[str, float]:
    """{text: logprob}, most likely first; two ids with the same text keep the likelier."""
    out: dict[str, float] = {}
    for _, text, value in top:
        out.setdefault(text, value)
    return out


def usage_chunk(rid: str, model: str, obj: str, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {"id": rid, "object": obj, "created": int(time.time()), "model": model, "choices": [],
            "usage": usage(prompt_tokens, completion_tokens)}


def model_card(model_id: str, created: int) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": created, "owned_by": "llm-playground"}
