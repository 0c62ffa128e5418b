"""`playground chat` / `models` / argument errors, run as a user runs them: a subprocess."""

import io
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from playground.core.generation.sampling import GREEDY

QUESTION = "What is the capital of France?"


def run_cli(*args, stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "playground", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_chat_streams_the_greedy_answer_to_stdout():
    done = run_cli("chat", "--temperature", "0", "--max-tokens", "12", QUESTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "The capital of France is Paris."  # stdout holds the reply only


def test_chat_logprobs_prints_each_tokens_on_stderr_and_keeps_stdout_the_reply(builtin_session):
    import math
    import re

    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.stream import encode_chat, eos_ids, generate_stream

    done = run_cli("chat", "--temperature", "0", "--max-tokens", "12", "--logprobs", "3", QUESTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "The capital of France is Paris."
    s, steps = builtin_session, []
    generate_stream(TorchEngine(s.model), s.tokenizer, encode_chat(s.tokenizer, [{"role": "user", "content": QUESTION}]),
                    replace(GREEDY, max_new_tokens=12), stop_ids=eos_ids(s.model, s.tokenizer), on_token=steps.append)
    rows = [re.match(r"\s*(\d+) ('.*?')\s+(-?\d+\.\d+) \(.*\)  top: (.*)$", line)
            for line in done.stderr.splitlines() if re.match(r"\s+\d+ '", line)]
    assert len(rows) == len(steps) and all(rows)
    for row, step in zip(rows, steps):
        assert int(row[1]) == step.index + 1 and row[2] == repr(step.text)
        assert abs(float(row[3]) - math.log(step.raw_prob)) < 1e-4  # greedy: the chat's raw softmax
        tops = row[4].split(", ")
        assert len(tops) == 3 and tops[0] == f"{step.text!r} {row[3]}"  # the pick ranks first


@pytest.mark.parametrize("args, says", [
    (["chat", "--temperature", "-1", "hi"], "temperature"),
    (["chat", "--top-p", "0", "hi"], "top-p"),
    (["chat", "--max-tokens", "many", "hi"], "max-tokens"),
    (["serve", "--port", "70000"], "port"),
    (["teleport"], "invalid choice"),
    (["chat", "--model", "/no/such/folder", "hi"], "No model called"),
    (["chat", "--model", "no-such-run", "hi"], "playground models"),
    (["chat", "--temperature", "nan", "hi"], "--temperature/-t: nan is not a finite number"),
    (["chat", "--repetition-penalty", "nan", "hi"], "repetition-penalty"),
    (["chat", "--top-p", "nan", "hi"], "--top-p: nan is not a finite number"),
    (["chat", "--temperature", "inf", "hi"], "not a finite number"),
    (["chat", "--seed", "9" * 5000, "hi"], "is not a whole number"),
    (["chat", "--logprobs", "21", "hi"], "--logprobs: 21 is out of range"),
    (["chat", "--seed", str(2**70), "hi"], "seed"),
])
def test_bad_arguments_exit_non_zero_with_a_one_line_reason(args, says):
    done = run_cli(*args, timeout=120)
    assert done.returncode != 0 and done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert says in last and "Traceback" not in done.stderr


def test_a_folder_that_is_not_a_model_is_a_one_line_error(tmp_path):
    (tmp_path / "config.json").write_text("{not json")
    done = run_cli("chat", "--model", str(tmp_path), "hi", timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("playground chat: error: config.json")


@pytest.mark.parametrize("command", ["chat", "serve", "models"])
def test_every_command_has_help(command):
    done = run_cli(command, "--help", timeout=120)
    assert done.returncode == 0 and f"usage: playground {command}" in done.stdout


def test_models_lists_the_builtin():
    done = run_cli("models", timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("builtin")


def test_the_conversation_keeps_history_and_reset_forgets_it(builtin_session, monkeypatch, capsys):
    """The REPL in-process (stdin is a pipe): each line is a turn; the prompt carries earlier turns."""
    from playground.cli import chat

    prompts, real = [], chat._prompt_ids

    def recording(session, messages, room):
        prompts.append([m["content"] for m in messages])
        return real(session, messages, room)

    monkeypatch.setattr(chat, "_prompt_ids", recording)
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{QUESTION}\nAnd of Italy?\n/reset\nHi\n/exit\nnever\n"))
    assert chat._repl(builtin_session, [], replace(GREEDY, max_new_tokens=8), False) == 0
    first_reply = capsys.readouterr().out.splitlines()[0]
    assert "Paris" in first_reply
    assert prompts == [[QUESTION], [QUESTION, first_reply, "And of Italy?"], ["Hi"]]


def test_a_long_conversation_drops_the_oldest_turns_but_keeps_the_system_prompt(builtin_session):
    from playground.cli.chat import _prompt_ids

    system = {"role": "system", "content": "Be brief."}
    turns = [{"role": r, "content": "word " * 1500} for r in ("user", "assistant") * 4]
    ids = _prompt_ids(builtin_session, [system, *turns, {"role": "user", "content": "Last?"}], 256)
    text = builtin_session.tokenizer.decode(ids)
    assert len(ids) <= builtin_session.context_length - 256
    assert "Be brief." in text and "Last?" in text and text.count("word") < 1500 * 8


def test_chat_on_the_fast_engine(onnx_models):
    """--engine int4 uses the ONNX model built for this session (PLAYGROUND_ONNX_DIR), --stats names it."""
    done = run_cli("chat", "--engine", "int4", "--temperature", "0", "--max-tokens", "12", "--stats", QUESTION)
    assert done.returncode == 0, done.stderr
    assert "Paris" in done.stdout and "Fast (ONNX int4)" in done.stderr and "unavailable" not in done.stderr


def test_chat_on_the_gguf_engine(gguf_models):
    """--engine gguf-exact runs the built-in GGUF's own blocks (prepared for this session), --stats names it."""
    done = run_cli("chat", "--engine", "gguf-exact", "--temperature", "0", "--max-tokens", "12", "--stats", QUESTION)
    assert done.returncode == 0, done.stderr
    assert "Paris" in done.stdout and "Exact (GGUF Q4_1)" in done.stderr and "unavailable" not in done.stderr


def test_piped_chat_exits_1_when_a_turn_failed(builtin_session, monkeypatch, capsys):
    """A script piping turns must notice one that failed (here: longer than the context), even though
    the conversation went on."""
    from playground.cli import chat

    too_long = "word " * (builtin_session.context_length + 100)
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{too_long}\nHi\n"))
    assert chat._repl(builtin_session, [], replace(GREEDY, max_new_tokens=4), False) == 1
    captured = capsys.readouterr()
    assert "error: The prompt is" in captured.err and captured.out.strip()  # "Hi" was still answered
