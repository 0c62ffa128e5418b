"""transformers configs and models from a `ModelSpec` or a config dict; models on the `meta` device.

GPT-2 family → `GPT2LMHeadModel` (LayerNorm, learned positions, GELU MLP).
Llama family → `LlamaForCausalLM` (RMSNorm, RoPE, SwiGLU, grouped-query attention).
transformers is imported inside the functions, after `heavy_imports()` (the GUI thread calls some of
them, maybe while a worker's first import of transformers runs: core/imports.py). Big configs are instantiated on the `meta` device: shapes
only, no memory (a 70B costs nothing), and counted with `sizing.count_parameters`.
"""

from __future__ import annotations

import copy
from typing import Any

from playground.core.imports import heavy_imports
from playground.core.models.spec import ModelSpec


def hf_config(spec: ModelSpec, vocab_size: int, *, bos_id: int | None = None, eos_id: int | None = None):
    """The transformers config a training run builds for `spec` (a `GPT2Config` or a `LlamaConfig`)."""
    heavy_imports()
    common = dict(vocab_size=int(vocab_size), tie_word_embeddings=spec.tie_embeddings,
                  bos_token_id=bos_id, eos_token_id=eos_id, pad_token_id=None)
    if spec.family == "llama":
        from transformers import LlamaConfig

        return LlamaConfig(
            hidden_size=spec.n_embd, intermediate_size=spec.inner, num_hidden_layers=spec.n_layer,
            num_attention_heads=spec.n_head, num_key_value_heads=spec.kv_heads,
            max_position_embeddings=spec.context_length, attention_dropout=spec.dropout,
            rms_norm_eps=1e-5, rope_theta=spec.rope_theta, initializer_range=0.02, **common)
    from transformers import GPT2Config

    return GPT2Config(
        n_positions=spec.context_length, n_embd=spec.n_embd, n_layer=spec.n_layer, n_head=spec.n_head,
        n_inner=spec.inner, resid_pdrop=spec.dropout, embd_pdrop=spec.dropout, attn_pdrop=spec.dropout,
        activation_function="gelu_pytorch_tanh",  # the fused kernel: ~1.5x faster on CPU than "gelu_new"
        **common)


def model_from_hf_config(config):
    heavy_imports()
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_config(config)


def spec_from_hf_config(config: dict) -> ModelSpec:
    """A transformers config dict as a training run's model (the Architecture tab's "Train this")."""
    return ModelSpec.from_config(config).training_part()


def build_config(config: dict[str, Any]):
    """A transformers config from a dict with `model_type` (presets, the config builder, config.json)."""
    heavy_imports()
    from transformers import AutoConfig

    values = dict(config)
    model_type = values.pop("model_type")
    for key in ("transformers_version", "architectures", "_name_or_path", "dtype", "torch_dtype"):
        values.pop(key, None)
    if model_type == "gpt2":  # a small vocabulary must not keep GPT-2's default token ids (50256)
        values.setdefault("bos_token_id", None)
        values.setdefault("eos_token_id", None)
    return AutoConfig.for_model(model_type, **values)


def meta_model(config):
    """Instantiate on the `meta` device: every parameter has a shape and no storage (a 70B costs nothing)."""
    heavy_imports()
    import torch
    from transformers import AutoModelForCausalLM

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(copy.deepcopy(config))
    return model.eval()
