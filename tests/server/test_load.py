"""The server under load: 1,000 mixed requests (valid, streaming, malformed, oversized, foreign Host) from
8 concurrent clients on 127.0.0.1. Every valid request is answered or told 503, every bad one gets a 4xx,
memory stays flat after warm-up, and it still serves at the end."""

from __future__ import annotations

import random
import threading

import httpx
import psutil
import pytest

VALID = {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1, "temperature": 0}
KINDS = ["valid", "valid", "stream", "malformed", "bad-field", "foreign-host", "oversized"]


@pytest.fixture(scope="module")
def loaded_server(builtin_session):
    from playground.server.runner import LocalServer

    with LocalServer(builtin_session, port=0, max_tokens_cap=2) as srv:
        yield srv


def _request(client: httpx.Client, kind: str) -> tuple[str, int]:
    path = "/v1/chat/completions"
    if kind == "valid":
        return kind, client.post(path, json=VALID).status_code
    if kind == "stream":
        with client.stream("POST", path, json=VALID | {"stream": True}) as reply:
            body = b"".join(reply.iter_bytes())
            ok = reply.status_code != 200 or body.rstrip().endswith(b"data: [DONE]")
            return kind, reply.status_code if ok else 599
    if kind == "malformed":
        return kind, client.post(path, content=b'{"messages": [', headers={"Content-Type": "application/json"}).status_code
    if kind == "bad-field":
        return kind, client.post(path, json=VALID | {"temperature": "hot"}).status_code
    if kind == "foreign-host":
        return kind, client.post(path, json=VALID, headers={"Host": "rebound.example"}).status_code
    return kind, client.post(path, content=b"x" * (4 * 1024 * 1024 + 1),
                             headers={"Content-Type": "application/json"}).status_code


def _client_run(url: str, kinds: list[str], out: list) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        for kind in kinds:
            out.append(_request(client, kind))


def _burst(url: str, n: int, rng: random.Random) -> list[tuple[str, int]]:
    results: list[tuple[str, int]] = []
    plans = [[rng.choice(KINDS) for _ in range(n // 8)] for _ in range(8)]
    threads = [threading.Thread(target=_client_run, args=(url, plan, results)) for plan in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not any(t.is_alive() for t in threads)
    return results


def test_a_thousand_mixed_requests_from_eight_clients(loaded_server):
    rng = random.Random(2026)
    process = psutil.Process()
    warm = _burst(loaded_server.url, 200, rng)
    rss_warm = process.memory_info().rss
    results = warm + _burst(loaded_server.url, 800, rng)
    rss_end = process.memory_info().rss
    assert len(results) == 1000
    for kind, status in results:
        if kind in ("valid", "stream"):
            assert status in (200, 503), (kind, status)
        else:
            assert 400 <= status < 500, (kind, status)
    answered = sum(1 for kind, status in results if kind in ("valid", "stream") and status == 200)
    busy = sum(1 for _kind, status in results if status == 503)
    print(f"\nload: {answered} answered, {busy} told 503, {sum(s >= 400 and s != 503 for _k, s in results)} "
          f"refused (4xx); RSS {rss_warm / 2**20:.0f} -> {rss_end / 2**20:.0f} MiB after warm-up")
    assert answered > 0
    assert rss_end < rss_warm * 1.10, f"RSS grew {rss_end / rss_warm - 1:.1%} after warm-up"
    with httpx.Client(base_url=loaded_server.url, timeout=120) as client:
        assert client.post("/v1/chat/completions", json=VALID).status_code == 200
        assert client.get("/health").json()["status"] == "ok"
