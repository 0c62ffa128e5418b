"""Bad HTTP requests, generated (Hypothesis): a valid chat request with its fields damaged, or any JSON
at all, never gets a 5xx and never stops the server; the answer to a bad one is OpenAI's error shape."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.test_bad_inputs import JSON_VALUES, _damaged

CHAT = {"model": "smollm2-135m-instruct", "messages": [{"role": "system", "content": "Be brief."},
                                                       {"role": "user", "content": "Hi"}],
        "temperature": 0.7, "top_p": 0.9, "top_k": 40, "max_tokens": 2, "seed": 1, "stop": ["\n"],
        "stream": False, "repetition_penalty": 1.1}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def tiny_server(builtin_session):
    """The real server, each reply capped at 2 tokens so generated requests stay quick."""
    from playground.server.runner import LocalServer

    with LocalServer(builtin_session, port=0, max_tokens_cap=2) as srv:
        with httpx.Client(base_url=srv.url, timeout=120) as client:
            yield client


def _check(reply: httpx.Response) -> None:
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        assert reply.json()["error"]["message"]


def _post(client, path: str, body) -> httpx.Response:
    try:
        content = json.dumps(body)
    except (ValueError, OverflowError):
        content = "{"
    return client.post(path, content=content, headers={"Content-Type": "application/json"})


@FUZZ
@given(_damaged(CHAT))
def test_a_damaged_chat_request_is_answered_or_refused_never_a_500(tiny_server, body):
    _check(_post(tiny_server, "/v1/chat/completions", body))


@FUZZ
@given(JSON_VALUES, st.sampled_from(["/v1/chat/completions", "/v1/completions", "/chat"]))
def test_any_json_body_on_any_route_is_never_a_500(tiny_server, body, path):
    _check(_post(tiny_server, path, body))


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b"[]", b"null", b'{"messages": "x"}',
                                 b'{"messages": [{"role": "user", "content": "hi"}], "seed": 1e400}',
                                 b'{"messages": [{"role": "user", "content": "hi"}], "max_tokens": ' + b"9" * 5000 + b"}",
                                 b"[" * 100_000 + b"]" * 100_000])
def test_crafted_bodies_are_400s(tiny_server, raw):
    reply = tiny_server.post("/v1/chat/completions", content=raw, headers={"Content-Type": "application/json"})
    assert 400 <= reply.status_code < 500 and reply.json()["error"]["message"]
    assert tiny_server.get("/health").json()["status"] == "ok"
