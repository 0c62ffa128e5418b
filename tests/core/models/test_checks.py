"""A model folder whose config.json does not describe its weights is refused with the reason, before
anything random or garbage is loaded (and before a 10⁶-layer config can hang the construction)."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file, save_file

from playground.core.errors import ModelLoadError
from playground.core.models.loading import load_folder
from playground.core.types import ModelSource


@pytest.fixture
def llama_folder(tmp_path):
    """A real (tiny, random) Llama saved the way every app folder is: config.json + safetensors + tokenizer."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from playground.core.training.tokenization import char_tokenizer

    folder = tmp_path / "tiny-llama"
    config = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                         tie_word_embeddings=True)
    LlamaForCausalLM(config).save_pretrained(folder)
    char_tokenizer("abcdefghijklmnopqrstuvwxyz ").save_pretrained(folder)
    return folder


def _load(folder):
    return load_folder(folder, ModelSource("folder", folder.name, str(folder)))


def _edit_config(folder, **changes):
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps(config | changes))


def _edit_weights(folder, change):
    tensors = load_file(folder / "model.safetensors")
    change(tensors)
    save_file(tensors, folder / "model.safetensors", metadata={"format": "pt"})


def test_the_intact_folder_loads(llama_folder):
    session = _load(llama_folder)
    assert session.model.config.num_hidden_layers == 2


@pytest.mark.parametrize("changes, says", [
    ({"num_hidden_layers": 10**6}, "num_hidden_layers is 1000000, which no model"),
    ({"num_hidden_layers": 5}, "says 5 layers, but the weights hold 2"),
    ({"hidden_size": -32}, "hidden_size is -32"),
    ({"vocab_size": "64"}, "vocab_size is 64"),
    ({"rms_norm_eps": float("nan")}, "rms_norm_eps is nan; it must be a finite"),
    ({"rope_theta": float("inf")}, "rope_theta is inf"),
])
def test_a_config_that_does_not_fit_its_weights_is_refused(llama_folder, changes, says):
    _edit_config(llama_folder, **changes)
    with pytest.raises(ModelLoadError, match=says):
        _load(llama_folder)


def test_missing_tensors_are_refused_not_left_random(llama_folder):
    _edit_weights(llama_folder, lambda t: t.pop("model.layers.1.mlp.down_proj.weight"))
    with pytest.raises(ModelLoadError, match=r"1 of the model's tensors are not in the weights \(e.g. "
                                             r"model.layers.1.mlp.down_proj.weight\), so they would be random"):
        _load(llama_folder)


def test_another_model_type_on_the_same_weights_is_refused(llama_folder):
    _edit_config(llama_folder, model_type="bert", architectures=["BertLMHeadModel"])
    with pytest.raises(ModelLoadError, match="does not load as the model its config.json describes"):
        _load(llama_folder)


def test_integer_tensors_are_refused(llama_folder):
    def to_int8(tensors):
        tensors["model.layers.0.self_attn.q_proj.weight"] = tensors["model.layers.0.self_attn.q_proj.weight"].to(torch.int8)

    _edit_weights(llama_folder, to_int8)
    with pytest.raises(ModelLoadError, match="holds I8 tensors"):
        _load(llama_folder)


def test_a_shape_that_differs_from_the_config_is_refused(llama_folder):
    _edit_weights(llama_folder, lambda t: t.update({"model.norm.weight": torch.ones(48)}))
    with pytest.raises(ModelLoadError, match="some tensors have another shape than the config says"):
        _load(llama_folder)
