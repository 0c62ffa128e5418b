"""`playground serve`: in a subprocess (serves, warns off loopback, Ctrl+C shuts it down cleanly) and in-process
on the fast engine (--engine)."""

import re
import signal
import subprocess
import sys
import time

import httpx

QUESTION = "What is the capital of France?"


def test_serve_warns_off_loopback_answers_and_stops_on_ctrl_c(tmp_path):
    err_path = tmp_path / "serve.err"
    with open(err_path, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "playground", "serve", "--host", "0.0.0.0", "--port", "0"],
                                stdout=subprocess.DEVNULL, stderr=err, text=True)
    try:
        deadline = time.monotonic() + 240
        while "Serving" not in err_path.read_text() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        log = err_path.read_text()
        assert "warning: listening on 0.0.0.0" in log
        url = re.search(r"at (http://127\.0\.0\.1:\d+)/v1", log).group(1)
        assert httpx.get(f"{url}/v1/models").json()["data"][0]["id"] == "smollm2-135m-instruct"
        reply = httpx.post(f"{url}/chat", json={"message": "What is the capital of France?", "temperature": 0},
                           timeout=300).json()["reply"]
        assert "Paris" in reply
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    log = err_path.read_text()
    assert "POST /chat  200" in log and log.rstrip().endswith("Server stopped.") and "Traceback" not in log


def test_serve_engine_int4_answers_on_the_fast_engine(onnx_models, builtin_session, monkeypatch, capsys):
    """`playground serve --engine int4`, run in-process on the shared model with the ONNX model built for
    this session: the openai client's greedy answer comes from the ONNX engine, the banner names it."""
    import argparse

    from openai import OpenAI

    from playground import cli
    from playground.cli import models
    from playground.core.engines.onnx_engine import OnnxEngine
    from playground.server.runner import LocalServer

    prefills, answers = [], []
    real_prefill = OnnxEngine.prefill
    monkeypatch.setattr(OnnxEngine, "prefill", lambda self, ids: prefills.append(len(ids)) or real_prefill(self, ids))
    monkeypatch.setattr(models, "load_session", lambda *a, **k: builtin_session)

    def serve_one_request(server) -> None:  # instead of serving until Ctrl+C
        with server:
            with OpenAI(base_url=f"{server.url}/v1", api_key="none", timeout=120, max_retries=0) as client:
                reply = client.chat.completions.create(model=server.model_id, temperature=0, max_tokens=12,
                                                       messages=[{"role": "user", "content": QUESTION}])
            answers.append(reply.choices[0].message.content)

    monkeypatch.setattr(LocalServer, "serve_forever", serve_one_request)
    parser = argparse.ArgumentParser()
    cli.add_subcommands(parser)
    assert cli.run(parser.parse_args(["serve", "--engine", "int4", "--port", "0", "--quiet"])) == 0
    err = capsys.readouterr().err
    assert "on Fast (ONNX int4)" in err and "unavailable" not in err
    assert "Paris" in answers[0] and len(prefills) == 1
