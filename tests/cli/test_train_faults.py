"""Faults in a training process, as a user meets them: `kill -9` at random moments (the run keeps a
loadable checkpoint, lists as "interrupted", not "running" forever, leaves no temp folders once listed,
and resumes to the end with an unbroken metrics log), a full disk, a memory limit."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from playground.core import paths
from playground.core.training import runs

CONFIG = {
    "model": {"n_layer": 1, "n_head": 2, "n_embd": 32, "context_length": 32},
    "max_steps": 1_000_000, "batch_size": 4, "eval_every": 0, "sample_every": 0, "checkpoint_every": 4,
    "optim": {"optimizer": "adamw", "lr": 3e-3, "schedule": "constant"}, "seed": 3,
}


def _start(config: str, out, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "playground", "train", config, "--out", str(out), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _kill_after_a_new_checkpoint(proc: subprocess.Popen, run, rng: random.Random, after_step: int) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        latest = runs.latest_checkpoint(run)
        if latest is not None and runs.read_checkpoint_state(latest)["step"] > after_step:
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.stderr.read()
    time.sleep(rng.uniform(0.0, 0.4))  # anywhere: mid-step, mid-checkpoint, mid-model-folder
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()


def test_kill_9_three_times_then_resume_to_the_end(tmp_path):
    _kill_and_resume(tmp_path, kills=3, name="killed-and-resumed")


@pytest.mark.slow
def test_kill_9_twenty_times_then_resume_to_the_end(tmp_path):
    """The slow tier's (`make slow`): twenty kills."""
    _kill_and_resume(tmp_path, kills=20, name="killed-twenty-times")


def _kill_and_resume(tmp_path, *, kills: int, name: str) -> None:
    seed = int.from_bytes(os.urandom(4), "little")
    print(f"kill moments drawn with seed {seed}")
    rng = random.Random(seed)
    config = tmp_path / "endless.json"
    config.write_text(json.dumps(CONFIG))
    run = paths.runs_dir() / name
    step = 0
    for attempt in range(kills):
        proc = _start(str(config), run, *(["--resume"] if attempt else []))
        _kill_after_a_new_checkpoint(proc, run, rng, step)
        listed = {r.path: r for r in runs.list_runs()}[run]
        assert listed.status == "interrupted" and "Resume" in listed.message
        assert not list(run.glob("checkpoints/.step-*")) and not list(run.glob(".model.*"))
        latest = runs.latest_checkpoint(run)
        state = runs.read_checkpoint_state(latest)  # intact: every file of it loads
        for name in ("model", "optimizer", "rng"):
            assert runs.load_tensors(latest / f"{name}.safetensors")
        assert state["step"] > step
        step = state["step"]
    done = subprocess.run([sys.executable, "-m", "playground", "train", str(config), "--out", str(run), "--resume",
                           "--max-steps", str(step + 3)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert [r["step"] for r in runs.read_metrics(run)] == list(range(1, step + 4))
    assert runs.read_status(run)["status"] == "finished"


def test_a_full_disk_while_training_ends_with_a_message_and_the_last_checkpoint_survives(tmp_path):
    """Once the first checkpoint is written, the process may write no file past 2 KB (RLIMIT_FSIZE, as a
    full disk would refuse): it stops with one line saying why, and that checkpoint still loads."""
    import resource

    config = tmp_path / "endless.json"
    config.write_text(json.dumps(CONFIG))
    run = tmp_path / "disk-full"
    proc = _start(str(config), run)
    deadline = time.monotonic() + 240
    while runs.latest_checkpoint(run) is None and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (2048, 2048))
    first = runs.latest_checkpoint(run)
    err = proc.communicate(timeout=120)[1]
    assert proc.returncode == 1, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("playground train: error:") and "File too large" in last and "Traceback" not in err
    kept = runs.latest_checkpoint(run)
    assert kept is not None and int(kept.name.split("-")[1]) >= int(first.name.split("-")[1])
    runs.read_checkpoint_state(kept)
    for name in ("model", "optimizer", "rng"):
        assert runs.load_tensors(kept / f"{name}.safetensors")
    assert not list(run.glob("checkpoints/.step-*"))  # the failed save cleaned up after itself


def test_a_run_too_big_for_the_process_memory_limit_is_refused_before_allocating(tmp_path):
    """Under `ulimit -v 4 GiB` a 200 M-parameter run (≈ 6.4 GiB to train) is refused with what it needs and
    what there is, before the model is built: not a DefaultCPUAllocator error mid-step."""
    import resource

    limit = 4 * 2**30
    config = tmp_path / "big.json"
    config.write_text(json.dumps(CONFIG | {"model": {"n_layer": 16, "n_head": 16, "n_embd": 1024,
                                                     "context_length": 256}, "batch_size": 8}))
    done = subprocess.run([sys.executable, "-m", "playground", "train", str(config), "--out", str(tmp_path / "run")],
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("playground train: error: Not enough memory: training this model needs ≈ 6.4 GiB")
    assert "(of 4.0 GiB)" in last and "Building the model" not in done.stderr
