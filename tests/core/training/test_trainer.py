"""The training core, headless: tiny models, a few steps each."""

from __future__ import annotations

import json
import math
import threading

import pytest
import torch

from playground.core.training import runs
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import train


def tiny(**overrides) -> TrainConfig:
    """A very small char-level GPT on the built-in corpus: fast enough for tests."""
    base = {
        "model": {"n_layer": 2, "n_head": 2, "n_embd": 32, "context_length": 32},
        "max_steps": 10, "batch_size": 8, "eval_every": 0, "sample_every": 0, "checkpoint_every": 0,
        "optim": {"optimizer": "adamw", "lr": 3e-3, "schedule": "constant"},
        "seed": 7,
    }
    for key, value in overrides.items():
        if isinstance(value, dict):
            base[key] = {**base.get(key, {}), **value}
        else:
            base[key] = value
    return TrainConfig.from_dict(base)


def losses_of(cfg: TrainConfig, **kwargs) -> tuple[list[float], object]:
    out: list[float] = []
    result = train(cfg, on_metrics=lambda m: out.append(m.loss), **kwargs)
    return out, result


def test_loss_decreases_on_the_default_preset_shape():
    from playground.core.training.presets import preset_config

    cfg = preset_config("char-gpt").replace(max_steps=40, batch_size=8, eval_every=20, sample_every=0,
                                            checkpoint_every=0)
    losses, result = losses_of(cfg)
    assert len(losses) == 40
    assert sum(losses[-5:]) / 5 < losses[0] - 0.8, losses
    assert result.status == "finished" and result.val_loss is not None and result.val_loss < losses[0]


def test_resume_is_exact(tmp_path):
    cfg = tiny(max_steps=20, model={"dropout": 0.1}, optim={"schedule": "cosine", "warmup_steps": 3})
    straight, _ = losses_of(cfg, run_dir=tmp_path / "straight")

    stop = threading.Event()
    first: list[float] = []

    def on_metrics(m):
        first.append(m.loss)
        if m.step == 10:
            stop.set()

    result = train(cfg, on_metrics=on_metrics, should_stop=stop, run_dir=tmp_path / "split")
    assert result.status == "stopped" and result.step == 10
    assert (result.checkpoint / "model.safetensors").exists() and result.checkpoint.name == "step-000010"
    second, resumed = losses_of(cfg, resume_from=tmp_path / "split")
    assert resumed.step == 20
    assert first + second == straight  # bit-for-bit
    rows = runs.read_metrics(tmp_path / "split")
    assert [r["step"] for r in rows] == list(range(1, 21))
    assert [r["loss"] for r in rows] == straight


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw"])
def test_every_optimizer_runs(tmp_path, optimizer):
    lr = {"sgd": 0.5, "momentum": 0.1}.get(optimizer, 3e-3)
    losses, result = losses_of(tiny(max_steps=3, optim={"optimizer": optimizer, "lr": lr}), run_dir=tmp_path)
    assert len(losses) == 3 and all(math.isfinite(v) for v in losses)
    opt_meta = json.loads((result.checkpoint / "optimizer.json").read_text())
    assert opt_meta["param_groups"][0]["lr"] == pytest.approx(lr)


def _one_sgd_step(tmp_path, name, **optim):
    """Weights after one plain-SGD step (no clipping) and the initial weights."""
    cfg = tiny(max_steps=1, optim={"optimizer": "sgd", "lr": 0.1, "grad_clip": 0.0, **optim})
    result = train(cfg, on_metrics=lambda m: None, run_dir=tmp_path / name)
    return runs.load_tensors(result.checkpoint / "model.safetensors")


def test_l2_and_l1_pull_weights_as_expected(tmp_path):
    plain = _one_sgd_step(tmp_path, "plain")
    l2 = _one_sgd_step(tmp_path, "l2", weight_decay=0.5)
    l1 = _one_sgd_step(tmp_path, "l1", l1=0.01)
    init = _initial_weights()  # every run starts from the same seeded init
    name = "transformer.h.0.mlp.c_fc.weight"
    # SGD with L2: w1 = w0 - lr*(g + wd*w0)  →  l2 - plain = -lr*wd*w0
    torch.testing.assert_close(l2[name] - plain[name], -0.1 * 0.5 * init[name], atol=1e-6, rtol=1e-4)
    # L1: w1 = w0 - lr*(g + l1*sign(w0))  →  l1 - plain = -lr*l1*sign(w0)
    torch.testing.assert_close(l1[name] - plain[name], -0.1 * 0.01 * init[name].sign(), atol=1e-6, rtol=1e-4)
    bias = "transformer.h.0.mlp.c_fc.bias"  # biases are not decayed
    torch.testing.assert_close(l2[bias], plain[bias])


def _initial_weights() -> dict:
    from playground.core.training.data import prepare_data
    from playground.core.training.setup import build_model

    cfg = tiny()
    torch.manual_seed(cfg.seed)
    model = build_model(cfg, prepare_data(cfg))
    return {n: p.detach().clone() for n, p in model.named_parameters()}


def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path):
    cfg = tiny(max_steps=200, checkpoint_every=2, optim={"optimizer": "sgd", "lr": 1e6, "grad_clip": 0.0})
    losses, result = losses_of(cfg, run_dir=tmp_path)
    assert result.status == "diverged"
    assert "too high" in result.message and "last good checkpoint" in result.message
    assert result.step < 200
    assert all(math.isfinite(v) for v in losses)  # the bad step is not reported as a point
    good = result.checkpoint
    assert good is not None and runs.read_checkpoint_state(good)["step"] <= len(losses)
    assert runs.read_status(tmp_path)["status"] == "diverged"


def test_run_folder_loads_as_a_model(tmp_path):
    from playground.core.models.loading import load_folder
    from playground.core.models.sources import folder_source

    _, result = losses_of(tiny(max_steps=2), run_dir=tmp_path / "run")
    config = json.loads((result.run_dir / "config.json").read_text())
    assert TrainConfig.from_dict(config) == tiny(max_steps=2)
    session = load_folder(result.model_dir, folder_source(result.model_dir))
    ids = session.tokenizer("the cat", add_special_tokens=False)["input_ids"]
    assert len(ids) == 7 and session.tokenizer.decode(ids) == "the cat"
    assert session.model.config.model_type == "gpt2" and session.model.config.n_embd == 32


def test_llama_family_with_gqa_trains(tmp_path):
    cfg = tiny(max_steps=3, model={"family": "llama", "n_head": 4, "n_kv_head": 2, "n_embd": 32})
    losses, result = losses_of(cfg, run_dir=tmp_path)
    assert len(losses) == 3
    config = json.loads((result.model_dir / "config.json").read_text())
    assert config["model_type"] == "llama" and config["num_key_value_heads"] == 2


def test_lora_finetune_saves_adapters_and_a_merged_model(tmp_path, builtin_session):
    from playground.core.models.loading import load_folder
    from playground.core.training.presets import preset_config
    from playground.core.models.sources import folder_source

    cfg = preset_config("lora-smollm2").replace(max_steps=2, batch_size=2, seq_len=48, eval_every=0,
                                                sample_every=0)
    losses, result = losses_of(cfg, run_dir=tmp_path / "lora")
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    saved = runs.load_tensors(result.checkpoint / "model.safetensors")
    assert saved and all("lora_" in name for name in saved)  # only the adapters are trained
    session = load_folder(result.model_dir, folder_source(result.model_dir))
    assert session.model.config.model_type == "llama" and not any("lora" in n for n, _ in session.model.named_parameters())
    merged = dict(session.model.named_parameters())["model.layers.0.self_attn.q_proj.weight"]
    original = dict(builtin_session.model.named_parameters())["model.layers.0.self_attn.q_proj.weight"]
    assert merged.shape == original.shape and not torch.equal(merged, original)


def test_sparse_reports_still_validate_and_checkpoint_on_schedule(tmp_path):
    reports = []
    cfg = tiny(max_steps=10, log_every=3, eval_every=5, checkpoint_every=4, keep_checkpoints=5)
    result = train(cfg, on_metrics=reports.append, run_dir=tmp_path)
    assert [m.step for m in reports] == [3, 6, 9, 10]
    assert [m.step for m in reports if m.val_loss is not None] == [6, 10]  # 5 falls in (3, 6]
    assert [p.name for p in runs.checkpoints(tmp_path)] == ["step-000006", "step-000009", "step-000010"]
    assert result.tokens == 10 * 8 * 32


@pytest.mark.parametrize("damage", ["truncate", "empty-state", "bad-rng"])
def test_resume_falls_back_to_the_newest_intact_checkpoint_and_says_so(tmp_path, damage):
    """Checkpoints at 5 and 10, the newest then damaged as a power cut or a bad disk leaves it: resuming
    the run continues exactly from step 5 (its losses are the straight run's) with a notice."""
    cfg = tiny(max_steps=12, checkpoint_every=5)
    straight, _ = losses_of(cfg, run_dir=tmp_path / "straight")
    stop = threading.Event()
    train(cfg, on_metrics=lambda m: m.step == 10 and stop.set(), should_stop=stop, run_dir=tmp_path / "run")
    newest = runs.latest_checkpoint(tmp_path / "run")
    assert newest.name == "step-000010" and len(runs.checkpoints(tmp_path / "run")) == 2
    if damage == "truncate":
        data = (newest / "model.safetensors").read_bytes()
        (newest / "model.safetensors").write_bytes(data[:len(data) // 2])
    elif damage == "empty-state":
        (newest / "state.json").write_text("")
    else:
        (newest / "rng.safetensors").write_bytes(b"\x00" * 16)

    notices: list[str] = []
    second, resumed = losses_of(cfg, resume_from=tmp_path / "run", on_status=notices.append)
    assert resumed.step == 12 and second == straight[5:]
    said = " ".join(notices)
    assert "step-000010 is damaged" in said and "Resumed from the newest intact one, step-000005" in said


def test_resuming_a_damaged_checkpoint_named_by_the_user_says_why(tmp_path):
    from playground.core.errors import PlaygroundError

    cfg = tiny(max_steps=5, checkpoint_every=5)
    train(cfg, on_metrics=lambda m: None, run_dir=tmp_path / "run")
    newest = runs.latest_checkpoint(tmp_path / "run")
    (newest / "optimizer.safetensors").write_bytes(b"garbage")
    with pytest.raises(PlaygroundError, match="step-000005 is damaged"):
        train(cfg, on_metrics=lambda m: None, resume_from=newest)
