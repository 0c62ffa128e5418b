"""One description of a GPT-2 or Llama model's architecture: `ModelSpec`.

Every place that describes a model uses it: the Architecture tab (presets, the config builder, a loaded
model's config), the Training tab (the `model` section of a run's config.json) and the distill panel (the
student). Every size, memory and compute figure (`sizing`) and every built model (`builder`) comes from it.

The first ten fields are the `model` section of a training config, unchanged; the rest describe published
architectures (presets, loaded models) and stay at their defaults in a training run, where the tokenizer
decides the vocabulary and the family decides the rest. No torch, no transformers.

Symbols (shown in the UI as well): V vocabulary, d width, L layers, h query heads, h_kv key/value heads,
d_h head width, f MLP width, P context length (positions).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

FAMILIES = ("gpt2", "llama")
# Llama-like families share the Llama block: RMSNorm, RoPE, SwiGLU MLP, grouped-query attention.
LLAMA_LIKE = {"llama": (False, False), "mistral": (False, False), "qwen2": (True, False)}  # (qkv bias, o bias)


@dataclass(frozen=True)
class ModelSpec:
    """The numbers that decide a GPT-2 or Llama model (its size, its memory, its compute)."""

    family: str = "gpt2"  # "gpt2": LayerNorm, learned positions, GELU MLP; "llama": RMSNorm, RoPE, SwiGLU, GQA
    n_layer: int = 4  # L: transformer blocks
    n_head: int = 4  # h: attention heads (query heads)
    n_kv_head: int = 0  # h_kv: key/value heads for grouped-query attention (llama); 0 = same as n_head
    n_embd: int = 128  # d: width, the size of every token's vector
    n_inner: int = 0  # f: MLP hidden width; 0 = 4 × n_embd (gpt2) or ≈ 8/3 × n_embd (llama)
    context_length: int = 128  # P: the longest sequence the model sees (positions)
    dropout: float = 0.0  # dropout on attention, residual and embeddings while training
    tie_embeddings: bool = True  # share the input embedding and the output layer
    rope_theta: float = 10000.0  # llama only: the RoPE base frequency
    # Published architectures only (ARCHITECTURE_ONLY): a training run leaves these at their defaults.
    vocab_size: int = 0  # V; 0 = the tokenizer's (set with `with_vocab` before counting)
    head_dim: int = 0  # d_h; 0 = n_embd / n_head
    model_type: str = ""  # transformers' model_type when it is not the family ("mistral", "qwen2")
    qkv_bias: bool = False  # llama family: biases on q, k, v (gpt2 always has them)
    o_bias: bool = False  # llama family: bias on the attention output
    mlp_bias: bool = False  # llama family: biases in the MLP

    # ------------------------------------------------------------------ resolved sizes
    @property
    def kv_heads(self) -> int:
        return self.n_kv_head or self.n_head

    @property
    def inner(self) -> int:
        if self.n_inner:
            return self.n_inner
        if self.family == "llama":
            return max(8, int(round(8 * self.n_embd / 3 / 8)) * 8)
        return 4 * self.n_embd

    @property
    def head_size(self) -> int:
        return self.head_dim or self.n_embd // max(self.n_head, 1)

    @property
    def hf_model_type(self) -> str:
        return self.model_type or self.family

    def with_vocab(self, vocab_size: int) -> "ModelSpec":
        """The same model with the vocabulary of a tokenizer (training: the data decides V)."""
        return replace(self, vocab_size=int(vocab_size))

    # ------------------------------------------------------------------ JSON (a training config's `model`)
    def to_dict(self) -> dict[str, Any]:
        """The fields, without the architecture-only ones left at their defaults: a training config's
        `model` section keeps the keys it always had."""
        d = asdict(self)
        for f in fields(self):
            if f.name in ARCHITECTURE_ONLY and d[f.name] == f.default:
                del d[f.name]
        return d

    def training_part(self) -> "ModelSpec":
        """This model as a training run describes it: the architecture-only fields at their defaults."""
        return replace(self, **{f.name: f.default for f in fields(self) if f.name in ARCHITECTURE_ONLY})

    def architecture_problems(self) -> list[str]:
        """Architecture-only fields a training run cannot honour (each names the field)."""
        return [f"model.{f.name}: describes a published architecture; a training run takes it from the "
                f"tokenizer and the family (leave it out)" for f in fields(self)
                if f.name in ARCHITECTURE_ONLY and getattr(self, f.name) != f.default]

    # ------------------------------------------------------------------ transformers configs
    @classmethod
    def from_config(cls, config: Any) -> "ModelSpec":
        """From a transformers config (object or dict). Raises ValueError for other families."""
        get = config.get if isinstance(config, dict) else (lambda k, default=None: getattr(config, k, default))
        model_type = str(get("model_type", ""))
        if model_type == "gpt2":
            return cls("gpt2", int(get("n_layer")), int(get("n_head")), 0, int(get("n_embd")),
                       int(get("n_inner") or 0), int(get("n_positions")),
                       float(get("resid_pdrop", 0.1) or 0.0), bool(get("tie_word_embeddings", True)),
                       vocab_size=int(get("vocab_size") or 0))
        if model_type in LLAMA_LIKE:
            d, h = int(get("hidden_size")), int(get("num_attention_heads"))
            kv, head_dim = int(get("num_key_value_heads") or h), int(get("head_dim") or d // h)
            qkv_bias, o_bias = LLAMA_LIKE[model_type]
            if model_type != "qwen2":
                qkv_bias = o_bias = bool(get("attention_bias", False))
            rope = get("rope_parameters") or {}
            return cls("llama", int(get("num_hidden_layers")), h, 0 if kv == h else kv, d,
                       int(get("intermediate_size")), int(get("max_position_embeddings")),
                       float(get("attention_dropout", 0.0) or 0.0), bool(get("tie_word_embeddings", False)),
                       float(get("rope_theta", None) or rope.get("rope_theta") or 10000.0),
                       vocab_size=int(get("vocab_size") or 0), head_dim=0 if head_dim == d // h else head_dim,
                       model_type="" if model_type == "llama" else model_type, qkv_bias=qkv_bias,
                       o_bias=o_bias, mlp_bias=bool(get("mlp_bias", False)))
        raise ValueError(f"No size formulas for the {model_type or 'unknown'} family (GPT-2 and Llama only).")

    def to_config_dict(self) -> dict[str, Any]:
        """A transformers config dict (with model_type) that builds exactly this model."""
        if self.family == "gpt2":
            return {"model_type": "gpt2", "vocab_size": self.vocab_size, "n_positions": self.context_length,
                    "n_embd": self.n_embd, "n_layer": self.n_layer, "n_head": self.n_head,
                    "n_inner": self.n_inner or None, "tie_word_embeddings": self.tie_embeddings,
                    "resid_pdrop": self.dropout, "embd_pdrop": self.dropout, "attn_pdrop": self.dropout}
        out = {"model_type": self.hf_model_type, "vocab_size": self.vocab_size, "hidden_size": self.n_embd,
               "intermediate_size": self.inner, "num_hidden_layers": self.n_layer,
               "num_attention_heads": self.n_head, "num_key_value_heads": self.kv_heads,
               "head_dim": self.head_size, "max_position_embeddings": self.context_length,
               "tie_word_embeddings": self.tie_embeddings, "mlp_bias": self.mlp_bias,
               "attention_dropout": self.dropout, "rope_theta": self.rope_theta}
        if self.model_type != "qwen2":
            out["attention_bias"] = self.qkv_bias
        return out

    def validate(self) -> None:
        """Raise ValueError with a message for the user if this architecture cannot be built."""
        if min(self.vocab_size, self.n_embd, self.n_layer, self.n_head, self.inner, self.context_length,
               self.kv_heads) < 1:
            raise ValueError("Every size must be at least 1.")
        if self.family == "gpt2" and self.n_embd % self.n_head:
            raise ValueError(f"The width d = {self.n_embd} must be divisible by the heads h = "
                             f"{self.n_head} (each head gets d / h dimensions).")
        if self.n_head % self.kv_heads:
            raise ValueError(f"The query heads h = {self.n_head} must be a multiple of the key/value "
                             f"heads h_kv = {self.kv_heads} (each KV head serves a group of query heads).")


ARCHITECTURE_ONLY = ("vocab_size", "head_dim", "model_type", "qkv_bias", "o_bias", "mlp_bias")
