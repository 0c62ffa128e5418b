"""What a Transformer *is*, in numbers: parameters by part, memory, compute and training cost.

Every count here is a closed-form formula of the config, checked against `sum(p.numel())` of the
instantiated model (tests do that for the GPT-2 and Llama families, tied and untied, with grouped-query
attention). Big configs are instantiated on the `meta` device: shapes only, no memory.

Symbols used in the formulas (shown in the UI as well):
    V vocabulary, d width (hidden size), L layers, h query heads, h_kv key/value heads,
    d_h head width, f MLP width, P context length (positions), T tokens of context,
    N parameters, D training tokens, B batch size.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

# Llama-like families share the Llama block: RMSNorm, RoPE, SwiGLU MLP, grouped-query attention.
LLAMA_LIKE = {"llama": (False, False), "mistral": (False, False), "qwen2": (True, False)}  # (qkv bias, o bias)

PRESETS: dict[str, dict[str, Any]] = {
    "Tiny (char-level GPT)": {
        "model_type": "gpt2", "vocab_size": 96, "n_positions": 128, "n_embd": 128, "n_layer": 4,
        "n_head": 4, "tie_word_embeddings": True},
    "GPT-2 small (124M)": {
        "model_type": "gpt2", "vocab_size": 50257, "n_positions": 1024, "n_embd": 768, "n_layer": 12,
        "n_head": 12, "tie_word_embeddings": True},
    "GPT-2 medium (355M)": {
        "model_type": "gpt2", "vocab_size": 50257, "n_positions": 1024, "n_embd": 1024, "n_layer": 24,
        "n_head": 16, "tie_word_embeddings": True},
    "GPT-2 large (774M)": {
        "model_type": "gpt2", "vocab_size": 50257, "n_positions": 1024, "n_embd": 1280, "n_layer": 36,
        "n_head": 20, "tie_word_embeddings": True},
    "SmolLM2-135M": {
        "model_type": "llama", "vocab_size": 49152, "hidden_size": 576, "intermediate_size": 1536,
        "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3, "head_dim": 64,
        "max_position_embeddings": 8192, "tie_word_embeddings": True, "rms_norm_eps": 1e-5,
        "rope_theta": 100000.0},
    "Llama-3-8B": {
        "model_type": "llama", "vocab_size": 128256, "hidden_size": 4096, "intermediate_size": 14336,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
        "max_position_embeddings": 8192, "tie_word_embeddings": False, "rms_norm_eps": 1e-5,
        "rope_theta": 500000.0},
    "Llama-2-70B": {
        "model_type": "llama", "vocab_size": 32000, "hidden_size": 8192, "intermediate_size": 28672,
        "num_hidden_layers": 80, "num_attention_heads": 64, "num_key_value_heads": 8,
        "max_position_embeddings": 4096, "tie_word_embeddings": False, "rms_norm_eps": 1e-5},
}

BYTES_PER_PARAM = {"fp32": 4.0, "bf16": 2.0, "int8": 1.0, "int4": 0.5}


@dataclass(frozen=True)
class ArchSpec:
    """The few numbers that decide a GPT-2 or Llama model's size."""

    family: str  # "gpt2" | "llama"
    model_type: str  # config.model_type ("gpt2", "llama", "mistral", "qwen2")
    vocab_size: int  # V
    hidden_size: int  # d
    num_layers: int  # L
    num_heads: int  # h
    num_kv_heads: int  # h_kv (== h without grouped-query attention)
    head_dim: int  # d_h
    mlp_size: int  # f
    context_length: int  # P
    tie_embeddings: bool
    qkv_bias: bool = False
    o_bias: bool = False
    mlp_bias: bool = False

    @classmethod
    def from_config(cls, config: Any) -> "ArchSpec":
        """From a transformers config (object or dict). Raises ValueError for other families."""
        get = config.get if isinstance(config, dict) else (lambda k, default=None: getattr(config, k, default))
        model_type = str(get("model_type", ""))
        if model_type == "gpt2":
            d, h = int(get("n_embd")), int(get("n_head"))
            return cls("gpt2", model_type, int(get("vocab_size")), d, int(get("n_layer")), h, h, d // h,
                       int(get("n_inner") or 4 * d), int(get("n_positions")),
                       bool(get("tie_word_embeddings", True)), qkv_bias=True, o_bias=True, mlp_bias=True)
        if model_type in LLAMA_LIKE:
            d, h = int(get("hidden_size")), int(get("num_attention_heads"))
            qkv_bias, o_bias = LLAMA_LIKE[model_type]
            if model_type != "qwen2":
                qkv_bias = o_bias = bool(get("attention_bias", False))
            return cls("llama", model_type, int(get("vocab_size")), d, int(get("num_hidden_layers")), h,
                       int(get("num_key_value_heads") or h), int(get("head_dim") or d // h),
                       int(get("intermediate_size")), int(get("max_position_embeddings")),
                       bool(get("tie_word_embeddings", False)), qkv_bias=qkv_bias, o_bias=o_bias,
                       mlp_bias=bool(get("mlp_bias", False)))
        raise ValueError(f"No size formulas for the {model_type or 'unknown'} family (GPT-2 and Llama only).")

    def validate(self) -> None:
        """Raise ValueError with a message for the user if this config cannot be built."""
        if min(self.vocab_size, self.hidden_size, self.num_layers, self.num_heads, self.mlp_size,
               self.context_length, self.num_kv_heads) < 1:
            raise ValueError("Every size must be at least 1.")
        if self.family == "gpt2" and self.hidden_size % self.num_heads:
            raise ValueError(f"The width d = {self.hidden_size} must be divisible by the heads h = "
                             f"{self.num_heads} (each head gets d / h dimensions).")
        if self.num_heads % self.num_kv_heads:
            raise ValueError(f"The query heads h = {self.num_heads} must be a multiple of the key/value "
                             f"heads h_kv = {self.num_kv_heads} (each KV head serves a group of query heads).")

    def to_config_dict(self) -> dict[str, Any]:
        """A transformers config dict (with model_type) that builds exactly this model."""
        if self.family == "gpt2":
            return {"model_type": "gpt2", "vocab_size": self.vocab_size, "n_positions": self.context_length,
                    "n_embd": self.hidden_size, "n_layer": self.num_layers, "n_head": self.num_heads,
                    "n_inner": self.mlp_size, "tie_word_embeddings": self.tie_embeddings}
        out = {"model_type": self.model_type, "vocab_size": self.vocab_size, "hidden_size": self.hidden_size,
               "intermediate_size": self.mlp_size, "num_hidden_layers": self.num_layers,
               "num_attention_heads": self.num_heads, "num_key_value_heads": self.num_kv_heads,
               "head_dim": self.head_dim, "max_position_embeddings": self.context_length,
               "tie_word_embeddings": self.tie_embeddings, "mlp_bias": self.mlp_bias}
        if self.model_type != "qwen2":
            out["attention_bias"] = self.qkv_bias
        return out


@dataclass(frozen=True)
class Part:
    """One row of the breakdown: a part of the model, its formula and its parameter count."""

    key: str  # matches the block diagram: embed, pos_embed, attn_norm, attn, mlp_norm, mlp, final_norm, lm_head
    label: str
    formula: str
    count: int  # for per-layer parts: one layer's count
    per_layer: bool = False
    numbers: str = ""  # the formula with this config's numbers in it: "49,152 × 576"


@dataclass(frozen=True)
class ParamBreakdown:
    parts: tuple[Part, ...]
    num_layers: int

    @property
    def total(self) -> int:
        return sum(p.count * (self.num_layers if p.per_layer else 1) for p in self.parts)

    @property
    def per_layer(self) -> int:
        return sum(p.count for p in self.parts if p.per_layer)

    def part(self, key: str) -> Part:
        return next(p for p in self.parts if p.key == key)

    def total_of(self, key: str) -> int:
        p = self.part(key)
        return p.count * (self.num_layers if p.per_layer else 1)


def param_breakdown(spec: ArchSpec) -> ParamBreakdown:
    """Exact parameter counts by part (tied weights counted once, like `model.parameters()`)."""
    V, d, L, h, kv, dh, f = (spec.vocab_size, spec.hidden_size, spec.num_layers, spec.num_heads,
                             spec.num_kv_heads, spec.head_dim, spec.mlp_size)
    qkv_bias = (h + 2 * kv) * dh if spec.qkv_bias else 0
    o_bias = d if spec.o_bias else 0
    attn = d * (h + 2 * kv) * dh + h * dh * d + qkv_bias + o_bias
    bias_note = " + biases" if spec.qkv_bias or spec.o_bias else ""
    n = lambda *xs: " × ".join(f"{x:,}" for x in xs)  # noqa: E731 - "49,152 × 576"
    if spec.family == "gpt2":
        parts = [
            Part("embed", "Token embedding", "V·d", V * d, numbers=n(V, d)),
            Part("pos_embed", "Position embedding (learned)", "P·d", spec.context_length * d,
                 numbers=n(spec.context_length, d)),
            Part("attn_norm", "LayerNorm (before attention)", "2·d", 2 * d, True, n(2, d)),
            Part("attn", "Self-attention (Q, K, V, output)", "4·d² + 4·d", attn, True, f"4 × {d:,}² + 4 × {d:,}"),
            Part("mlp_norm", "LayerNorm (before MLP)", "2·d", 2 * d, True, n(2, d)),
            Part("mlp", "MLP (GELU)", "2·d·f + f + d", 2 * d * f + f + d, True, f"2 × {d:,} × {f:,} + {f:,} + {d:,}"),
            Part("final_norm", "Final LayerNorm", "2·d", 2 * d, numbers=n(2, d)),
        ]
    else:
        mlp_bias = 2 * f + d if spec.mlp_bias else 0
        if kv != h:
            gqa, gqa_numbers = "d·(h + 2·h_kv)·d_h + h·d_h·d", f"{d:,} × ({h} + 2 × {kv}) × {dh} + {h} × {dh} × {d:,}"
        else:
            gqa, gqa_numbers = "4·d·h·d_h", f"4 × {d:,} × {h} × {dh}"
        parts = [
            Part("embed", "Token embedding", "V·d", V * d, numbers=n(V, d)),
            Part("pos_embed", "Rotary positions (RoPE)", "0 (computed, not learned)", 0),
            Part("attn_norm", "RMSNorm (before attention)", "d", d, True, f"{d:,}"),
            Part("attn", "Self-attention (Q, K, V, output)", gqa + bias_note, attn, True, gqa_numbers),
            Part("mlp_norm", "RMSNorm (before MLP)", "d", d, True, f"{d:,}"),
            Part("mlp", "MLP (SwiGLU: gate, up, down)", "3·d·f" + (" + biases" if mlp_bias else ""),
                 3 * d * f + mlp_bias, True, n(3, d, f)),
            Part("final_norm", "Final RMSNorm", "d", d, numbers=f"{d:,}"),
        ]
    parts.append(Part("lm_head", "LM head", "0 (tied: reuses the token embedding)" if spec.tie_embeddings
                      else "V·d", 0 if spec.tie_embeddings else V * d, numbers="" if spec.tie_embeddings else n(d, V)))
    return ParamBreakdown(tuple(parts), L)


@dataclass(frozen=True)
class TrainingMemory:
    weights: float  # bytes
    gradients: float
    optimizer: float
    activations: float

    @property
    def total(self) -> float:
        return self.weights + self.gradients + self.optimizer + self.activations


@dataclass(frozen=True)
class ModelStats:
    """Everything the summary shows for one config. Bytes and FLOPs are floats (70B overflows nothing)."""

    spec: ArchSpec
    breakdown: ParamBreakdown
    n_params: int
    weight_bytes: dict[str, float] = field(default_factory=dict)  # "fp32" | "bf16" | "int8" | "int4"
    flops_per_token: float = 0.0  # forward pass, at full context
    flops_per_token_dense: float = 0.0  # the 2·N part only
    kv_bytes_per_token: float = 0.0  # bf16 cache
    kv_bytes_full_context: float = 0.0
    compute_optimal_tokens: float = 0.0  # Chinchilla: ≈ 20·N


def matmul_params(spec: ArchSpec) -> int:
    """Parameters that take part in a matrix multiply per token: all but the embedding lookups."""
    b = param_breakdown(spec)
    n = b.total - b.total_of("embed") - b.total_of("pos_embed")
    return n + (spec.vocab_size * spec.hidden_size if spec.tie_embeddings else 0)  # the tied head still multiplies


def flops_per_token(spec: ArchSpec, context: int | None = None) -> float:
    """Forward FLOPs per token ≈ 2·N + 2·L·T·h·d_h (Kaplan et al. 2020); T defaults to the full context."""
    T = spec.context_length if context is None else context
    return 2.0 * matmul_params(spec) + 2.0 * spec.num_layers * T * spec.num_heads * spec.head_dim


def kv_cache_bytes_per_token(spec: ArchSpec, bytes_per_value: float = 2.0) -> float:
    """K and V for every layer: 2·L·h_kv·d_h values per token (grouped-query attention shrinks h_kv)."""
    return 2.0 * spec.num_layers * spec.num_kv_heads * spec.head_dim * bytes_per_value


def model_stats(spec: ArchSpec) -> ModelStats:
    breakdown = param_breakdown(spec)
    n = breakdown.total
    kv = kv_cache_bytes_per_token(spec)
    return ModelStats(
        spec=spec, breakdown=breakdown, n_params=n,
        weight_bytes={k: n * b for k, b in BYTES_PER_PARAM.items()},
        flops_per_token=flops_per_token(spec), flops_per_token_dense=2.0 * matmul_params(spec),
        kv_bytes_per_token=kv, kv_bytes_full_context=kv * spec.context_length,
        compute_optimal_tokens=20.0 * n)


def training_memory(spec: ArchSpec, n_params: int, *, batch_size: int, seq_len: int,
                    mixed_precision: bool = True) -> TrainingMemory:
    """Memory to train with AdamW, no activation checkpointing (a rough guide, not a promise).

    Mixed precision: bf16 weights + bf16 grads + fp32 master copy, m and v (2 + 2 + 12 bytes per
    parameter). fp32: 4 + 4 + 8. Activations per layer ≈ B·T·(34·d + 5·h·T) bytes in 16-bit
    (Korthikanti et al. 2022), doubled in fp32, plus the fp32 logits B·T·V·4 for the loss.
    """
    B, T = batch_size, seq_len
    width = 2.0 if mixed_precision else 4.0
    activations = spec.num_layers * B * T * (34.0 * spec.hidden_size + 5.0 * spec.num_heads * T) * (width / 2)
    activations += 4.0 * B * T * spec.vocab_size
    if mixed_precision:
        return TrainingMemory(2.0 * n_params, 2.0 * n_params, 12.0 * n_params, activations)
    return TrainingMemory(4.0 * n_params, 4.0 * n_params, 8.0 * n_params, activations)


def training_seconds(n_params: int, tokens: float, flops_per_second: float) -> float:
    """Training compute ≈ 6·N·D FLOPs (forward 2·N·D + backward 4·N·D), divided by the FLOP/s."""
    return 6.0 * n_params * tokens / max(flops_per_second, 1.0)


# ---------------------------------------------------------------- transformers configs and models
def build_config(config: dict[str, Any]):
    """A transformers config from a dict with `model_type` (presets, the config builder, config.json)."""
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
    import torch
    from transformers import AutoModelForCausalLM

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(copy.deepcopy(config))
    return model.eval()


def count_parameters(model) -> int:
    """What the formulas must equal: shared (tied) tensors are counted once."""
    return sum(p.numel() for p in model.parameters())


def preset_config_dict(name: str) -> dict[str, Any]:
    """The full `config.to_dict()` of a preset (what "Train this" sends)."""
    config = build_config(PRESETS[name])
    out = config.to_dict()
    out["model_type"] = config.model_type
    return out
