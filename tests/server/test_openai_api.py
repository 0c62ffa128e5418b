"""The real `openai` client against the real server (uvicorn on a free local port, built-in model)."""

import threading
import time

import httpx
import openai
import pytest

from tests.server.conftest import QUESTION, server_threads


def test_models_lists_the_served_model(client, server):
    ids = [m.id for m in client.models.list().data]
    assert ids == [server.model_id] == ["smollm2-135m-instruct"]
    assert client.models.retrieve(server.model_id).id == server.model_id


def test_non_streaming_greedy_chat_equals_the_core(client, server, core_greedy):
    reply = client.chat.completions.create(model=server.model_id, temperature=0, max_tokens=12,
                                           messages=[{"role": "user", "content": QUESTION}])
    assert reply.choices[0].message.content == core_greedy.text
    assert "Paris" in reply.choices[0].message.content
    assert reply.choices[0].finish_reason == "stop"  # the model ended with EOS before 12 tokens
    assert reply.usage.prompt_tokens == core_greedy.prompt_tokens
    assert reply.usage.completion_tokens == len(core_greedy.token_ids)
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


def test_streaming_greedy_chat_equals_the_core(client, server, core_greedy):
    stream = client.chat.completions.create(model=server.model_id, temperature=0, max_tokens=12, stream=True,
                                            stream_options={"include_usage": True},
                                            messages=[{"role": "user", "content": QUESTION}])
    chunks = list(stream)
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(pieces) >= 5  # streamed token by token, not in one lump
    assert "".join(pieces) == core_greedy.text
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == len(core_greedy.token_ids)


def test_text_completion_stops_at_a_stop_string(client, server):
    out = client.completions.create(model=server.model_id, prompt="The capital of France is", temperature=0,
                                    max_tokens=8, stop=["."])
    assert out.choices[0].text.strip() == "Paris"
    assert out.choices[0].finish_reason == "stop"


def test_simple_chat_endpoint(server):
    r = httpx.post(f"{server.url}/chat", json={"message": QUESTION, "temperature": 0, "max_tokens": 12},
                   timeout=300)
    assert r.status_code == 200 and "Paris" in r.json()["reply"]


@pytest.mark.parametrize("body, content_type, fragment", [
    (b'{"messages": [', "application/json", "not valid JSON"),
    (b'{"model": "smollm2-135m-instruct"}', "application/json", "messages"),
    (b'{"messages": []}', "application/json", "messages"),
    (b'{"messages": [{"role": "wizard", "content": "hi"}]}', "application/json", "role"),
    (b'{"messages": [{"role": "user", "content": "hi"}], "temperature": 9}', "application/json", "temperature"),
    (b'{"messages": [{"role": "user", "content": "hi"}], "n": 3}', "application/json", "n"),
    (b'{"messages": [{"role": "user", "content": "hi"}], "max_tokens": -5}', "application/json", "max_tokens"),
    (b"[1, 2, 3]", "application/json", "Invalid request"),
    (b"hello", "text/plain", "Invalid request"),
])
def test_malformed_requests_get_400_json_errors(server, body, content_type, fragment):
    r = httpx.post(f"{server.url}/v1/chat/completions", content=body, headers={"Content-Type": content_type})
    assert r.status_code == 400
    error = r.json()["error"]
    assert fragment in error["message"] and error["type"] == "invalid_request_error"


def test_unknown_model_is_404_and_the_prompt_over_the_context_is_400(client, server, builtin_session):
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    too_long = [1] * (builtin_session.context_length + 1)
    with pytest.raises(openai.BadRequestError, match="context"):
        client.completions.create(model=server.model_id, prompt=too_long, max_tokens=1)
    with pytest.raises(openai.BadRequestError, match="Token ids"):
        client.completions.create(model=server.model_id, prompt=[10**9], max_tokens=1)
    assert httpx.get(f"{server.url}/nowhere").json()["error"]["type"] == "not_found_error"
    # ...and the server keeps serving
    r = httpx.post(f"{server.url}/chat", json={"message": "Say yes.", "max_tokens": 2}, timeout=300)
    assert r.status_code == 200 and r.json()["usage"]["completion_tokens"] <= 2


def test_max_tokens_is_capped(builtin_session):
    from playground.server.runner import LocalServer

    with LocalServer(builtin_session, max_tokens_cap=3) as small:
        r = httpx.post(f"{small.url}/v1/completions", timeout=300,
                       json={"prompt": "Once upon a time", "max_tokens": 500, "temperature": 0})
    assert r.status_code == 200
    assert r.json()["usage"]["completion_tokens"] == 3 and r.json()["choices"][0]["finish_reason"] == "length"


def test_concurrent_requests_queue_on_one_worker_and_all_succeed(server, core_greedy):
    replies, errors = [], []

    def ask() -> None:
        try:
            r = httpx.post(f"{server.url}/chat", json={"message": QUESTION, "temperature": 0, "max_tokens": 12},
                           timeout=300)
            replies.append(r.json()["reply"])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and replies == [core_greedy.text] * 3


def test_a_client_leaving_mid_stream_frees_the_worker(server):
    with httpx.stream("POST", f"{server.url}/v1/completions", timeout=300,
                      json={"prompt": "Write a long story.", "max_tokens": 400, "stream": True}) as r:
        for line in r.iter_lines():
            if line.startswith("data: {"):
                break  # got the first token: hang up
    deadline = time.monotonic() + 120
    while server.worker.pending and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.worker.pending == 0  # cancelled long before 400 tokens
    assert httpx.get(f"{server.url}/health").json()["status"] == "ok"


def test_the_request_log_records_status_and_tokens(server):
    time.sleep(0.5)  # an entry is logged just after its response is sent: let earlier ones land
    before = len(server.logs)
    httpx.post(f"{server.url}/v1/chat/completions", content=b"{", headers={"Content-Type": "application/json"})
    httpx.post(f"{server.url}/chat", json={"message": "Hi", "max_tokens": 2}, timeout=300)
    deadline = time.monotonic() + 10
    while len(server.logs) < before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    new = server.logs[before:]
    assert [(e.method, e.path, e.status) for e in new] == [("POST", "/v1/chat/completions", 400),
                                                            ("POST", "/chat", 200)]
    assert new[1].prompt_tokens > 0 and 1 <= new[1].completion_tokens <= 2
    assert "POST /chat  200" in new[1].line()


def test_a_busy_port_is_a_clear_error_and_nothing_is_left_running(server, builtin_session):
    from playground.server.runner import LocalServer, ServerError

    with pytest.raises(ServerError, match="Pick another port"):
        LocalServer(builtin_session, port=server.port)
    assert server_threads().count("playground-model-worker") == 1  # only the module server's


def test_a_client_giving_up_on_a_non_streaming_request_frees_the_worker(server):
    counting = ", ".join(str(i) for i in range(1, 30)) + ","  # greedy keeps counting: no early EOS
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{server.url}/v1/completions", timeout=2,
                   json={"prompt": counting, "max_tokens": 400, "temperature": 0})
    deadline = time.monotonic() + 120
    while (server.worker.pending or not any(e.status == 499 for e in server.logs)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.worker.pending == 0
    gave_up = [e for e in server.logs if e.status == 499]
    assert [(e.path, e.completion_tokens) for e in gave_up] == [("/v1/completions", 0)]  # cut off, not finished
