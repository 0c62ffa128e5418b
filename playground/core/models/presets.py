"""Published architectures (and one tiny one) as transformers config dicts: the Architecture tab's presets.

The Training tab's presets (core/training/presets.py) are recipes for runs; the ones that train one of these
architectures take its numbers from here (`preset_spec`).
"""

from __future__ import annotations

from typing import Any

from playground.core.models.spec import ModelSpec

def _gpt2(n_embd: int, n_layer: int, n_head: int, vocab_size: int = 50257, n_positions: int = 1024) -> dict[str, Any]:
    """A GPT-2-family config (learned positions, LayerNorm, tied embeddings) in transformers' keys."""
    return {"model_type": "gpt2", "vocab_size": vocab_size, "n_positions": n_positions, "n_embd": n_embd,
            "n_layer": n_layer, "n_head": n_head, "tie_word_embeddings": True}


PRESETS: dict[str, dict[str, Any]] = {
    "Tiny (char-level GPT)": _gpt2(128, 4, 4, vocab_size=96, n_positions=128),
    "GPT-2 small (124M)": _gpt2(768, 12, 12),
    "GPT-2 medium (355M)": _gpt2(1024, 24, 16),
    "GPT-2 large (774M)": _gpt2(1280, 36, 20),
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
TINY = "Tiny (char-level GPT)"


def preset_spec(name: str) -> ModelSpec:
    return ModelSpec.from_config(PRESETS[name])


def preset_config_dict(name: str) -> dict[str, Any]:
    """The full `config.to_dict()` of a preset (what "Train this" sends)."""
    from playground.core.models.builder import build_config

    config = build_config(PRESETS[name])
    out = config.to_dict()
    out["model_type"] = config.model_type
    return out
