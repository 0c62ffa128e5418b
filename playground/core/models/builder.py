"""Build transformers models from a `ModelConfigSpec`; count parameters and estimate memory for free.

GPT-2 family → `GPT2LMHeadModel` (LayerNorm, learned positions, GELU MLP).
Llama family → `LlamaForCausalLM` (RMSNorm, RoPE, SwiGLU, grouped-query attention).
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.core.training.config import ModelConfigSpec, TrainConfig


def hf_config(spec: ModelConfigSpec, vocab_size: int, *, bos_id: int | None = None, eos_id: int | None = None):
    """The transformers config for `spec` (a `GPT2Config` or a `LlamaConfig`)."""
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
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_config(config)


def spec_from_hf_config(config: dict) -> ModelConfigSpec:
    """The builder's view of a transformers config dict (the Architecture tab's "Train this")."""
    model_type = config.get("model_type", "gpt2")
    if model_type == "gpt2":
        n_embd = int(config.get("n_embd", 128))
        return ModelConfigSpec(
            family="gpt2", n_layer=int(config.get("n_layer", 4)), n_head=int(config.get("n_head", 4)),
            n_embd=n_embd, n_inner=int(config.get("n_inner") or 0),
            context_length=int(config.get("n_positions", 128)),
            dropout=float(config.get("resid_pdrop", 0.0) or 0.0),
            tie_embeddings=bool(config.get("tie_word_embeddings", True)))
    n_head = int(config.get("num_attention_heads", 4))
    kv = int(config.get("num_key_value_heads") or n_head)
    rope = config.get("rope_parameters") or {}
    return ModelConfigSpec(
        family="llama", n_layer=int(config.get("num_hidden_layers", 4)), n_head=n_head,
        n_kv_head=0 if kv == n_head else kv, n_embd=int(config.get("hidden_size", 128)),
        n_inner=int(config.get("intermediate_size") or 0),
        context_length=int(config.get("max_position_embeddings", 128)),
        dropout=float(config.get("attention_dropout", 0.0) or 0.0),
        tie_embeddings=bool(config.get("tie_word_embeddings", False)),
        rope_theta=float(config.get("rope_theta") or rope.get("rope_theta") or 10000.0))


def count_parameters(spec: ModelConfigSpec, vocab_size: int) -> int:
    """Exact parameter count: the model is built on the `meta` device (no memory, milliseconds)."""
    import torch

    with torch.device("meta"):
        model = model_from_hf_config(hf_config(spec, vocab_size))
    return sum(p.numel() for p in model.parameters())  # tied weights are counted once


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes needed to train: weights + gradients + optimizer state + activations (a rough guide)."""

    weights: int
    gradients: int
    optimizer: int
    activations: int

    @property
    def total(self) -> int:
        return self.weights + self.gradients + self.optimizer + self.activations


OPTIMIZER_STATES = {"sgd": 0, "momentum": 1, "adagrad": 1, "rmsprop": 1, "adam": 2, "adamw": 2}


def estimate_memory(cfg: TrainConfig, n_params: int, trainable: int | None = None) -> MemoryEstimate:
    """Weights in float32, one gradient and the optimizer's moments per trainable weight, and the
    activations kept for the backward pass (per layer ≈ 34·T·C + 5·heads·T² values per sequence)."""
    trainable = n_params if trainable is None else trainable
    spec = cfg.model
    seq = cfg.seq_len or min(spec.context_length, 1024)
    act_bytes = 2 if cfg.bf16 else 4
    per_layer = seq * spec.n_embd * 34 / 2 + 5 * spec.n_head * seq * seq / 2  # the formula counts 2-byte values
    activations = int(cfg.batch_size * spec.n_layer * per_layer * act_bytes)
    return MemoryEstimate(weights=4 * n_params, gradients=4 * trainable,
                          optimizer=4 * trainable * OPTIMIZER_STATES.get(cfg.optim.optimizer, 2),
                          activations=activations)


def formula_parameters(spec: ModelConfigSpec, vocab_size: int) -> int:
    """The same count as `count_parameters`, by formula: instant and import-free (for live UI updates)."""
    C, L, V, I = spec.n_embd, spec.n_layer, vocab_size, spec.inner
    head = 0 if spec.tie_embeddings else V * C
    if spec.family == "llama":
        kv = spec.kv_heads * (C // max(spec.n_head, 1))
        per_layer = 2 * C * C + 2 * C * kv + 3 * C * I + 2 * C  # q,o + k,v + gate,up,down + 2 RMSNorms
        return V * C + L * per_layer + C + head
    per_layer = 4 * C + (3 * C * C + 3 * C) + (C * C + C) + (C * I + I) + (I * C + C)  # 2 LNs, attn, MLP
    return V * C + spec.context_length * C + L * per_layer + 2 * C + head
