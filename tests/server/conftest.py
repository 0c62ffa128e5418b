import threading
from dataclasses import replace

import pytest

from playground.core.generation.engine import TorchEngine
from playground.core.generation.stream import encode_chat, eos_ids, generate_stream
from playground.core.generation.sampling import GREEDY

QUESTION = "What is the capital of France?"
SERVER_THREADS = ("playground-http-server", "playground-model-worker")


def server_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name in SERVER_THREADS and t.is_alive()]


@pytest.fixture(scope="module")
def server(builtin_session):
    """The real server on a free local port, serving the shared built-in model."""
    from playground.server.runner import LocalServer

    logs = []
    srv = LocalServer(builtin_session, port=0, on_request=logs.append).start()
    srv.logs = logs
    yield srv
    srv.stop()
    assert server_threads() == [], "the server left threads running"


@pytest.fixture(scope="module")
def client(server):
    from openai import OpenAI

    with OpenAI(base_url=f"{server.url}/v1", api_key="not-needed", timeout=300, max_retries=0) as c:
        yield c


@pytest.fixture(scope="module")
def core_greedy(builtin_session):
    """What the app's own core answers greedily (the Chat tab's exact path)."""
    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": QUESTION}])
    return generate_stream(TorchEngine(s.model), s.tokenizer, prompt, replace(GREEDY, max_new_tokens=12),
                           stop_ids=eos_ids(s.model, s.tokenizer))
