"""`ModelSpec`: the one architecture spec, and the `model` section of a training config."""

from __future__ import annotations

import pytest

from playground.core.models.presets import PRESETS, preset_spec
from playground.core.models.spec import ModelSpec
from playground.core.training.config import ConfigError, TrainConfig

TRAINING_KEYS = ["family", "n_layer", "n_head", "n_kv_head", "n_embd", "n_inner", "context_length", "dropout",
                 "tie_embeddings", "rope_theta"]


def test_a_training_config_keeps_its_json():
    assert TrainConfig().model == ModelSpec()  # the model section is the architecture spec
    cfg = TrainConfig()
    assert list(cfg.to_dict()["model"]) == TRAINING_KEYS  # config.json of a run: the keys it always had
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    old = {"model": {"family": "llama", "n_layer": 2, "n_head": 4, "n_kv_head": 2, "n_embd": 32,
                     "context_length": 16, "rope_theta": 500000.0}}
    assert TrainConfig.from_dict(old).model.kv_heads == 2


def test_a_training_run_refuses_architecture_only_fields():
    with pytest.raises(ConfigError, match="model.vocab_size: describes a published architecture"):
        TrainConfig.from_dict({"model": {"vocab_size": 50257}})


def test_presets_become_specs_and_training_specs():
    smol = preset_spec("SmolLM2-135M")
    assert (smol.family, smol.n_layer, smol.n_head, smol.kv_heads, smol.head_size, smol.vocab_size) == (
        "llama", 30, 9, 3, 64, 49152)
    assert smol.rope_theta == 100000.0
    part = smol.training_part()
    assert part.vocab_size == 0 and part.n_layer == 30 and not part.architecture_problems()
    assert all(ModelSpec.from_config(c).to_config_dict()["model_type"] == c["model_type"] for c in PRESETS.values())
