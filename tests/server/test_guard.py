"""What every request passes first: loopback Host names only (DNS rebinding), same-machine Origins only,
the optional API key, the body cap, and field limits that keep one request from stalling the worker."""

import time

import httpx
import pytest

from playground.server.guard import allowed_hosts_for, host_name


@pytest.mark.parametrize("header, name", [("localhost:8000", "localhost"), ("127.0.0.1", "127.0.0.1"),
                                          ("[::1]:80", "::1"), ("Evil.Example:80", "evil.example"), ("", "")])
def test_host_name_drops_the_port(header, name):
    assert host_name(header) == name


def test_the_hosts_answered_follow_the_bound_address():
    assert allowed_hosts_for("127.0.0.1") == {"127.0.0.1", "localhost", "::1"}
    assert "192.168.1.5" in allowed_hosts_for("192.168.1.5")
    assert allowed_hosts_for("0.0.0.0") is None  # every interface: the user opened it to the network


def test_a_foreign_host_is_refused_and_loopback_names_are_answered(server):
    url = f"{server.url}/v1/models"
    port = server.port
    refused = httpx.get(url, headers={"Host": "evil.example"})
    assert refused.status_code == 421 and refused.json()["error"]["code"] == "host_not_allowed"
    posted = httpx.post(f"{server.url}/v1/chat/completions", headers={"Host": f"evil.example:{port}"},
                        json={"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1})
    assert posted.status_code == 421  # the model never ran for it
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "localhost"):
        assert httpx.get(url, headers={"Host": host}).status_code == 200, host


def test_web_pages_of_other_sites_are_refused(server):
    url = f"{server.url}/v1/models"
    for origin in ("https://evil.example", "null", "file://", "http://127.0.0.1.evil.example"):
        reply = httpx.get(url, headers={"Origin": origin})
        assert reply.status_code == 403 and reply.json()["error"]["code"] == "origin_not_allowed", origin
    for origin in (f"http://localhost:{server.port}", f"http://127.0.0.1:{server.port}", "http://[::1]:3000"):
        assert httpx.get(url, headers={"Origin": origin}).status_code == 200, origin


def test_oversized_bodies_get_413_with_or_without_a_length(server):
    url = f"{server.url}/v1/chat/completions"
    big = b'{"messages": [{"role": "user", "content": "' + b"x" * (5 * 1024 * 1024) + b'"}]}'
    assert httpx.post(url, content=big, headers={"Content-Type": "application/json"}).status_code == 413

    def chunks():  # no Content-Length: the cap is counted as it arrives
        yield big[:1024]
        for i in range(1024, len(big), 65536):
            yield big[i:i + 65536]

    reply = httpx.post(url, content=chunks(), headers={"Content-Type": "application/json"})
    assert reply.status_code == 413 and reply.json()["error"]["code"] == "request_too_large"
    assert httpx.get(f"{server.url}/health").json()["status"] == "ok"


@pytest.mark.parametrize("fields, param", [
    ({"seed": 2**70}, "seed"), ({"seed": -(2**64)}, "seed"),
    ({"stop": ["a", "b", "c", "d", "e"]}, "stop"), ({"stop": "x" * 1001}, "stop"),
    ({"messages": [{"role": "user", "content": "hi"}] * 1001}, "messages"),
])
def test_out_of_range_fields_are_400s_not_500s(server, fields, param):
    body = {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1} | fields
    reply = httpx.post(f"{server.url}/v1/chat/completions", json=body, timeout=60)
    assert reply.status_code == 400 and param in reply.json()["error"]["message"]


def test_the_request_log_shows_control_characters_escaped(server):
    server.logs.clear()
    httpx.get(f"{server.url}/v1/models%0a12:00:00  GET /forged  200%1b[31m")
    deadline = time.monotonic() + 10
    while not server.logs and time.monotonic() < deadline:  # logged once the response is sent
        time.sleep(0.01)
    line = server.logs[-1].line()
    assert "\n" not in line and "\x1b" not in line and "\\n12:00:00" in line and "\\x1b[31m" in line


def test_there_are_no_docs_pages_that_would_load_scripts_from_a_cdn(server):
    assert httpx.get(f"{server.url}/docs").status_code == 404


def test_with_an_api_key_only_requests_that_send_it_are_answered(builtin_session):
    from openai import AuthenticationError, OpenAI

    from playground.server.runner import LocalServer

    with LocalServer(builtin_session, port=0, api_key="s3cret") as srv:
        assert httpx.get(f"{srv.url}/v1/models").status_code == 401
        assert httpx.get(f"{srv.url}/v1/models", headers={"Authorization": "Bearer wrong"}).status_code == 401
        with OpenAI(base_url=f"{srv.url}/v1", api_key="s3cret", max_retries=0) as client:
            assert client.models.list().data[0].id == "smollm2-135m-instruct"
        with OpenAI(base_url=f"{srv.url}/v1", api_key="nope", max_retries=0) as client:
            with pytest.raises(AuthenticationError):
                client.models.list()
