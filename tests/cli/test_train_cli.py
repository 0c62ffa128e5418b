"""`playground train` as a user runs it (a subprocess), and `torchrun` with 2 CPU processes (gloo)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from playground.core.training import runs

TINY = {
    "model": {"n_layer": 2, "n_head": 2, "n_embd": 32, "context_length": 32},
    "max_steps": 12, "batch_size": 8, "eval_every": 6, "sample_every": 0, "checkpoint_every": 6,
    "optim": {"optimizer": "adamw", "lr": 3e-3, "schedule": "cosine", "warmup_steps": 2},
    "seed": 11,
}


def write_config(tmp_path, filename="tiny.json", **changes) -> str:
    path = tmp_path / filename
    path.write_text(json.dumps({**TINY, **changes}))
    return str(path)


def playground(*args, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "playground", *args], capture_output=True, text=True,
                          timeout=timeout)


def torchrun(*args, timeout=300) -> subprocess.CompletedProcess:
    # --standalone: a free local rendezvous port, so parallel runs never collide on 29500
    return subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                           "-m", "playground", "train", *args], capture_output=True, text=True, timeout=timeout)


def losses(run_dir) -> list[float]:
    return [row["loss"] for row in runs.read_metrics(run_dir)]


def test_train_writes_a_run_the_app_lists_and_can_load(tmp_path, data_dir):
    from playground.core.models import sources
    from playground.core.models.loading import load_model

    done = playground("train", write_config(tmp_path, name="cli-tiny"))
    assert done.returncode == 0, done.stderr
    assert "Finished 12 steps." in done.stderr and "loss " in done.stderr and "tok/s" in done.stderr
    run = next(r for r in runs.list_runs() if r.name == "cli-tiny")  # what the Training tab's run list shows
    assert run.status == "finished" and run.steps == 12 and run.has_model
    rows = runs.read_metrics(run.path)
    assert [r["step"] for r in rows] == list(range(1, 13))
    assert rows[-1]["loss"] < rows[0]["loss"] and rows[5]["val_loss"] is not None
    assert [c.name for c in runs.checkpoints(run.path)] == ["step-000006", "step-000012"]
    source = next(s for s in sources.run_sources() if s.name == "run: cli-tiny")  # the model selector's entry
    session = load_model(source)
    assert session.model.config.n_layer == 2
    assert "playground chat --model cli-tiny" in done.stderr
    chat = playground("chat", "--model", "cli-tiny", "--max-tokens", "5", "--seed", "1", "The ")
    assert chat.returncode == 0 and "Loaded run: cli-tiny" in chat.stderr and chat.stdout.strip()


def test_ctrl_c_stops_cleanly_keeps_the_checkpoint_and_resume_continues(tmp_path):
    out = tmp_path / "run"
    config = write_config(tmp_path, max_steps=100_000, eval_every=0, checkpoint_every=0)
    proc = subprocess.Popen([sys.executable, "-m", "playground", "train", config, "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while len(runs.read_metrics(out)) < 5 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Stopping after this step" in err
    status = runs.read_status(out)
    last = runs.latest_checkpoint(out)
    assert status["status"] == "stopped" and last is not None
    step = runs.read_checkpoint_state(last)["step"]
    assert step == status["step"] == runs.read_metrics(out)[-1]["step"] >= 5

    done = playground("train", config, "--out", str(out), "--resume", "--max-steps", str(step + 3))
    assert done.returncode == 0, done.stderr
    assert [r["step"] for r in runs.read_metrics(out)] == list(range(1, step + 4))
    assert runs.read_status(out)["status"] == "finished"


@pytest.mark.parametrize("content, says", [
    (None, "Could not read the config file"),
    ("{not json", "is not valid JSON"),
    (json.dumps({**TINY, "model": {"n_head": 3, "n_embd": 32}}), "model.n_head: 3 does not divide n_embd 32"),
    (json.dumps({**TINY, "optim": {"lr": "fast"}}), "optim.lr: expected a number"),
    (json.dumps({**TINY, "batch_sise": 8}), "batch_sise: unknown setting"),
])
def test_a_bad_config_exits_non_zero_naming_the_problem(tmp_path, content, says):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    done = playground("train", str(path), timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playground train: error:") and says in lines[0]


def test_an_existing_run_is_not_overwritten_without_resume(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "metrics.jsonl").write_text('{"step": 1, "loss": 3.0}\n')
    done = playground("train", write_config(tmp_path), "--out", str(out), timeout=120)
    assert done.returncode == 1 and "already holds a run" in done.stderr
    nothing = playground("train", write_config(tmp_path), "--out", str(tmp_path / "empty"), "--resume", timeout=120)
    assert nothing.returncode == 1 and "no checkpoint to resume from" in nothing.stderr


def _reference(tmp_path, cfg_dict, stop_at=None):
    """The single-process curve, in-process (the same core the CLI calls)."""
    from playground.core.training.config import TrainConfig
    from playground.core.training.trainer import train

    stop = threading.Event()
    out = []

    def on_metrics(m):
        out.append(m.loss)
        if m.step == stop_at:
            stop.set()

    result = train(TrainConfig.from_dict(cfg_dict), on_metrics=on_metrics, should_stop=stop,
                   run_dir=tmp_path / f"single-{stop_at}")
    return out, result


def test_two_process_torchrun_matches_one_process_with_the_same_global_batch(tmp_path):
    cfg = {**TINY, "max_steps": 16, "eval_every": 0}
    single, _ = _reference(tmp_path, cfg)
    done = torchrun(write_config(tmp_path, **cfg), "--out", str(tmp_path / "ddp"))
    assert done.returncode == 0, done.stderr[-3000:]
    ddp = losses(tmp_path / "ddp")
    assert len(ddp) == 16  # only rank 0 logs: no duplicated lines
    assert ddp == pytest.approx(single, abs=1e-4)
    assert ddp[-1] < ddp[0] - 0.5  # it really trained
    assert done.stderr.count("Finished 16 steps.") == 1  # only rank 0 reports
    assert [c.name for c in runs.checkpoints(tmp_path / "ddp")] == ["step-000012", "step-000016"]


def test_torchrun_resumes_a_run_and_stays_on_the_same_curve(tmp_path):
    cfg = {**TINY, "max_steps": 16, "eval_every": 0, "checkpoint_every": 0}
    straight, _ = _reference(tmp_path, cfg)
    first, stopped = _reference(tmp_path, cfg, stop_at=8)  # one process, stopped at step 8
    assert stopped.status == "stopped" and stopped.step == 8
    done = torchrun(write_config(tmp_path, **cfg), "--resume", str(stopped.run_dir))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resuming at step 8" in done.stderr
    assert losses(stopped.run_dir) == pytest.approx(straight, abs=1e-4)


def test_torchrun_refuses_a_batch_that_does_not_split(tmp_path):
    done = torchrun(write_config(tmp_path, batch_size=7), "--out", str(tmp_path / "odd"), timeout=200)
    assert done.returncode != 0
    assert done.stderr.count("batch_size: 7 (the global batch) does not split evenly over 2 processes") == 1


@pytest.fixture(autouse=True)
def _no_inherited_torchrun_env(monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")
    assert "PLAYGROUND_DATA_DIR" in os.environ  # runs go to the tests' temp folder


def test_a_rank_that_joined_a_group_ends_with_its_code_and_its_output_flushed():
    # playground.__main__.end: a torchrun rank skips the interpreter's teardown (where gloo's threads
    # could abort it after a finished run) but keeps its exit code and everything it printed
    code = ("import sys\n"
            "from playground.core.training import distributed\n"
            "from playground.__main__ import end\n"
            "print('the last line', end='')\n"
            "print('on stderr', file=sys.stderr, end='')\n"
            "distributed.joined = True\n"
            "end(7)\n"
            "print('never')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (7, "the last line", "on stderr")
    alone = subprocess.run([sys.executable, "-c", code.replace("distributed.joined = True\n", "")],
                           capture_output=True, text=True, timeout=120)
    assert alone.returncode == 7 and alone.stdout == "the last line"  # one process: a plain sys.exit
