"""What a Transformer *is*, in numbers: parameters by part, memory, compute and training cost.

Every figure is a closed-form formula of one `ModelSpec` (core/models/spec.py), checked against
`count_parameters` of the instantiated model (tests do that for the GPT-2 and Llama families, tied and untied,
with grouped-query attention). The Architecture tab, the Training tab and the distill panel all read their
numbers here, so one model gets one figure everywhere. No torch, no transformers.

Symbols used in the formulas (shown in the UI as well):
    V vocabulary, d width (hidden size), L layers, h query heads, h_kv key/value heads,
    d_h head width, f MLP width, P context length (positions), T tokens of context,
    N parameters, D training tokens, B batch size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playground.core.i18n import QT_TRANSLATE_NOOP
from playground.core.models.spec import ModelSpec

BIASES = QT_TRANSLATE_NOOP("Core", "biases")  # a formula's "+ biases" (the UI translates the word)
BYTES_PER_PARAM = {"fp32": 4.0, "bf16": 2.0, "int8": 1.0, "int4": 0.5}
OPTIMIZER_STATES = {"sgd": 0, "momentum": 1, "adagrad": 1, "rmsprop": 1, "adam": 2, "adamw": 2}  # per weight


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


def param_breakdown(spec: ModelSpec) -> ParamBreakdown:
    """Exact parameter counts by part (tied weights counted once, like `model.parameters()`)."""
    V, d, L, h, kv, dh, f = (spec.vocab_size, spec.n_embd, spec.n_layer, spec.n_head, spec.kv_heads,
                             spec.head_size, spec.inner)
    n = lambda *xs: " × ".join(f"{x:,}" for x in xs)  # noqa: E731 - "49,152 × 576"
    if spec.family == "gpt2":  # every GPT-2 projection has a bias
        parts = [
            Part("embed", QT_TRANSLATE_NOOP("Core", "Token embedding"), "V·d", V * d, numbers=n(V, d)),
            Part("pos_embed", QT_TRANSLATE_NOOP("Core", "Position embedding (learned)"), "P·d",
                 spec.context_length * d, numbers=n(spec.context_length, d)),
            Part("attn_norm", QT_TRANSLATE_NOOP("Core", "LayerNorm (before attention)"), "2·d", 2 * d, True,
                 n(2, d)),
            Part("attn", QT_TRANSLATE_NOOP("Core", "Self-attention (Q, K, V, output)"), "4·d² + 4·d",
                 4 * d * d + 4 * d, True, f"4 × {d:,}² + 4 × {d:,}"),
            Part("mlp_norm", QT_TRANSLATE_NOOP("Core", "LayerNorm (before MLP)"), "2·d", 2 * d, True, n(2, d)),
            Part("mlp", QT_TRANSLATE_NOOP("Core", "MLP (GELU)"), "2·d·f + f + d", 2 * d * f + f + d, True,
                 f"2 × {d:,} × {f:,} + {f:,} + {d:,}"),
            Part("final_norm", QT_TRANSLATE_NOOP("Core", "Final LayerNorm"), "2·d", 2 * d, numbers=n(2, d)),
        ]
    else:
        qkv_bias = (h + 2 * kv) * dh if spec.qkv_bias else 0
        o_bias = d if spec.o_bias else 0
        attn = d * (h + 2 * kv) * dh + h * dh * d + qkv_bias + o_bias
        bias_note = " + " + BIASES if spec.qkv_bias or spec.o_bias else ""
        mlp_bias = 2 * f + d if spec.mlp_bias else 0
        if kv != h:
            gqa, gqa_numbers = "d·(h + 2·h_kv)·d_h + h·d_h·d", f"{d:,} × ({h} + 2 × {kv}) × {dh} + {h} × {dh} × {d:,}"
        else:
            gqa, gqa_numbers = "4·d·h·d_h", f"4 × {d:,} × {h} × {dh}"
        parts = [
            Part("embed", QT_TRANSLATE_NOOP("Core", "Token embedding"), "V·d", V * d, numbers=n(V, d)),
            Part("pos_embed", QT_TRANSLATE_NOOP("Core", "Rotary positions (RoPE)"),
                 QT_TRANSLATE_NOOP("Core", "0 (computed, not learned)"), 0),
            Part("attn_norm", QT_TRANSLATE_NOOP("Core", "RMSNorm (before attention)"), "d", d, True, f"{d:,}"),
            Part("attn", QT_TRANSLATE_NOOP("Core", "Self-attention (Q, K, V, output)"), gqa + bias_note, attn, True,
                 gqa_numbers),
            Part("mlp_norm", QT_TRANSLATE_NOOP("Core", "RMSNorm (before MLP)"), "d", d, True, f"{d:,}"),
            Part("mlp", QT_TRANSLATE_NOOP("Core", "MLP (SwiGLU: gate, up, down)"),
                 "3·d·f" + (" + " + BIASES if mlp_bias else ""), 3 * d * f + mlp_bias, True, n(3, d, f)),
            Part("final_norm", QT_TRANSLATE_NOOP("Core", "Final RMSNorm"), "d", d, numbers=f"{d:,}"),
        ]
    tied = QT_TRANSLATE_NOOP("Core", "0 (tied: reuses the token embedding)")
    parts.append(Part("lm_head", QT_TRANSLATE_NOOP("Core", "LM head"), tied if spec.tie_embeddings else "V·d",
                      0 if spec.tie_embeddings else V * d, numbers="" if spec.tie_embeddings else n(d, V)))
    return ParamBreakdown(tuple(parts), L)


def count_parameters(model) -> int:
    """What the formulas must equal, for any torch model: shared (tied) tensors are counted once."""
    return sum(p.numel() for p in model.parameters())


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

    spec: ModelSpec
    breakdown: ParamBreakdown
    n_params: int
    weight_bytes: dict[str, float] = field(default_factory=dict)  # "fp32" | "bf16" | "int8" | "int4"
    flops_per_token: float = 0.0  # forward pass, at full context
    flops_per_token_dense: float = 0.0  # the 2·N part only
    kv_bytes_per_token: float = 0.0  # bf16 cache
    kv_bytes_full_context: float = 0.0
    compute_optimal_tokens: float = 0.0  # Chinchilla: ≈ 20·N


def matmul_params(spec: ModelSpec) -> int:
    """Parameters that take part in a matrix multiply per token: all but the embedding lookups."""
    b = param_breakdown(spec)
    n = b.total - b.total_of("embed") - b.total_of("pos_embed")
    return n + (spec.vocab_size * spec.n_embd if spec.tie_embeddings else 0)  # the tied head still multiplies


def flops_per_token(spec: ModelSpec, context: int | None = None) -> float:
    """Forward FLOPs per token ≈ 2·N + 2·L·T·h·d_h (Kaplan et al. 2020); T defaults to the full context."""
    T = spec.context_length if context is None else context
    return 2.0 * matmul_params(spec) + 2.0 * spec.n_layer * T * spec.n_head * spec.head_size


def kv_cache_bytes_per_token(spec: ModelSpec, bytes_per_value: float = 2.0) -> float:
    """K and V for every layer: 2·L·h_kv·d_h values per token (grouped-query attention shrinks h_kv)."""
    return 2.0 * spec.n_layer * spec.kv_heads * spec.head_size * bytes_per_value


def model_stats(spec: ModelSpec) -> ModelStats:
    breakdown = param_breakdown(spec)
    n = breakdown.total
    kv = kv_cache_bytes_per_token(spec)
    return ModelStats(
        spec=spec, breakdown=breakdown, n_params=n,
        weight_bytes={k: n * b for k, b in BYTES_PER_PARAM.items()},
        flops_per_token=flops_per_token(spec), flops_per_token_dense=2.0 * matmul_params(spec),
        kv_bytes_per_token=kv, kv_bytes_full_context=kv * spec.context_length,
        compute_optimal_tokens=20.0 * n)


def training_memory(spec: ModelSpec, *, batch_size: int, seq_len: int, bf16: bool = True,
                    optimizer: str = "adamw", n_params: int | None = None,
                    trainable: int | None = None) -> TrainingMemory:
    """Memory to train as this app's trainer does, no activation checkpointing (a rough guide, not a promise).

    The one byte assumption (the Architecture and Training tabs show this same figure): weights, gradients
    and optimizer moments in float32 (4 + 4 + 4 per moment: 16 bytes per weight with AdamW); bfloat16 only
    autocasts the forward pass. Activations per layer ≈ B·T·(34·d + 5·h·T) bytes in 16-bit (Korthikanti et
    al. 2022), doubled in fp32, plus the fp32 logits B·T·V·4 for the loss. `trainable` (LoRA) defaults to
    every weight; `n_params` to the formula's count.
    """
    n = param_breakdown(spec).total if n_params is None else n_params
    trainable = n if trainable is None else trainable
    B, T = batch_size, seq_len
    width = 2.0 if bf16 else 4.0
    activations = spec.n_layer * B * T * (34.0 * spec.n_embd + 5.0 * spec.n_head * T) * (width / 2)
    activations += 4.0 * B * T * spec.vocab_size
    return TrainingMemory(4.0 * n, 4.0 * trainable, 4.0 * OPTIMIZER_STATES.get(optimizer, 2) * trainable,
                          activations)


def training_seconds(n_params: int, tokens: float, flops_per_second: float) -> float:
    """Training compute ≈ 6·N·D FLOPs (forward 2·N·D + backward 4·N·D), divided by the FLOP/s."""
    return 6.0 * n_params * tokens / max(flops_per_second, 1.0)
