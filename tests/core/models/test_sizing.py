import dataclasses
import os

import psutil
import pytest
import torch

from playground.core.models import sizing as arch
from playground.core.models.builder import build_config, meta_model
from playground.core.models.presets import PRESETS, preset_config_dict
from playground.core.models.spec import ModelSpec
from playground.core.inspect.anatomy import check_config, diagram_part, layer_index, measured_breakdown, module_tree


def _small(model_type: str, **overrides) -> dict:
    if model_type == "gpt2":
        base = {"model_type": "gpt2", "vocab_size": 61, "n_positions": 32, "n_embd": 24, "n_layer": 2, "n_head": 4}
    else:
        base = {"model_type": model_type, "vocab_size": 61, "hidden_size": 24, "intermediate_size": 40,
                "num_hidden_layers": 2, "num_attention_heads": 6, "num_key_value_heads": 2,
                "max_position_embeddings": 32}
    return base | overrides


SMALL_CONFIGS = {
    "gpt2 tied": _small("gpt2"),
    "gpt2 untied, custom MLP": _small("gpt2", tie_word_embeddings=False, n_inner=50),
    "llama GQA untied": _small("llama", tie_word_embeddings=False),
    "llama GQA tied": _small("llama", tie_word_embeddings=True),
    "llama MHA": _small("llama", num_key_value_heads=6),
    "llama biases": _small("llama", attention_bias=True, mlp_bias=True),
    "llama head_dim ≠ d/h": _small("llama", head_dim=8),
    "qwen2 (q/k/v bias)": _small("qwen2", tie_word_embeddings=False),
    "mistral": _small("mistral", tie_word_embeddings=False),
}


@pytest.mark.parametrize("name", SMALL_CONFIGS)
def test_formulas_equal_the_instantiated_small_models(name):
    from transformers import AutoModelForCausalLM

    config = build_config(SMALL_CONFIGS[name])
    model = AutoModelForCausalLM.from_config(config)  # real weights, on the CPU
    assert next(model.parameters()).device.type == "cpu"
    spec = ModelSpec.from_config(config)
    breakdown = arch.param_breakdown(spec)
    assert breakdown.total == arch.count_parameters(model) == sum(p.numel() for p in model.parameters())
    # Each part matches its modules too, not only the total.
    tree = module_tree(model)
    measured = measured_breakdown(tree)
    for key in ("embed", "attn", "mlp", "lm_head"):
        expected = breakdown.total_of(key)
        got = measured.total_of(key) if any(p.key == key for p in measured.parts) else 0
        assert got == expected, key


@pytest.mark.parametrize("name", list(PRESETS))
def test_formulas_equal_the_presets_built_on_the_meta_device(name):
    model = meta_model(build_config(PRESETS[name]))
    assert all(p.device.type == "meta" for p in model.parameters())
    spec = ModelSpec.from_config(PRESETS[name])
    assert arch.param_breakdown(spec).total == arch.count_parameters(model)


def test_known_sizes():
    totals = {name: arch.param_breakdown(ModelSpec.from_config(cfg)).total for name, cfg in PRESETS.items()}
    assert totals["GPT-2 small (124M)"] == 124_439_808
    assert totals["SmolLM2-135M"] == 134_515_008
    assert totals["Llama-3-8B"] == 8_030_261_248
    assert totals["Llama-2-70B"] == 68_976_648_192


def test_the_builtin_model_matches_its_formula(builtin_session):
    model = builtin_session.model
    spec = ModelSpec.from_config(model.config)
    assert (spec.n_layer, spec.n_head, spec.kv_heads, spec.tie_embeddings) == (30, 9, 3, True)
    assert arch.param_breakdown(spec).total == sum(p.numel() for p in model.parameters())


def test_a_70b_config_allocates_nothing():
    process = psutil.Process(os.getpid())
    before = process.memory_info().rss
    check = check_config(PRESETS["Llama-2-70B"])
    model = meta_model(build_config(PRESETS["Llama-2-70B"]))
    grew = process.memory_info().rss - before
    assert check.n_params == 68_976_648_192
    assert all(p.is_meta for p in model.parameters())
    assert grew < 300 * 2**20, f"RSS grew by {grew / 2**20:.0f} MiB"  # 70B fp32 would be 257 GiB
    tree = module_tree(model)  # shapes propagate on the meta device too
    assert tree.output_shape == (1, 8, 32000)
    assert tree.find("model.layers.79.mlp.down_proj").output_shape == (1, 8, 8192)
    assert check.config["model_type"] == "llama" and check.config["num_hidden_layers"] == 80


def test_stats_follow_the_formulas():
    spec = ModelSpec.from_config(PRESETS["SmolLM2-135M"])
    stats = arch.model_stats(spec)
    n = 134_515_008
    assert stats.weight_bytes == {"fp32": 4 * n, "bf16": 2 * n, "int8": n, "int4": n / 2}
    assert stats.kv_bytes_per_token == 2 * 30 * 3 * 64 * 2
    assert stats.kv_bytes_full_context == stats.kv_bytes_per_token * 8192
    assert stats.compute_optimal_tokens == 20 * n
    matmul = n - 49152 * 576 + 49152 * 576  # the lookup is free, the tied head still multiplies
    assert stats.flops_per_token == 2 * matmul + 2 * 30 * 8192 * 9 * 64
    assert arch.training_seconds(n, 1e9, 1e12) == pytest.approx(6 * n * 1e9 / 1e12)
    # One byte assumption (the trainer's): fp32 weights, gradients and AdamW moments; bf16 autocasts activations.
    mixed = arch.training_memory(spec, batch_size=2, seq_len=16)
    assert (mixed.weights, mixed.gradients, mixed.optimizer) == (4 * n, 4 * n, 8 * n)
    assert mixed.activations == 30 * 2 * 16 * (34 * 576 + 5 * 9 * 16) + 4 * 2 * 16 * 49152
    fp32 = arch.training_memory(spec, batch_size=2, seq_len=16, bf16=False)
    assert fp32.total > mixed.total
    sgd = arch.training_memory(spec, batch_size=2, seq_len=16, optimizer="sgd", trainable=1000)
    assert (sgd.weights, sgd.gradients, sgd.optimizer) == (4 * n, 4 * 1000, 0)


def test_gpt2_has_no_kv_sharing_and_learned_positions():
    spec = ModelSpec.from_config(PRESETS["GPT-2 small (124M)"])
    b = arch.param_breakdown(spec)
    assert spec.kv_heads == spec.n_head == 12
    assert b.part("pos_embed").count == 1024 * 768
    assert b.part("lm_head").count == 0  # tied


def test_spec_round_trips_through_a_config_dict():
    for name, cfg in PRESETS.items():
        spec = ModelSpec.from_config(cfg)
        assert ModelSpec.from_config(build_config(spec.to_config_dict())) == spec, name
    full = preset_config_dict("Tiny (char-level GPT)")
    assert full["model_type"] == "gpt2" and full["n_layer"] == 4 and "transformers_version" in full


def test_invalid_specs_explain_themselves():
    spec = ModelSpec.from_config(PRESETS["SmolLM2-135M"])
    with pytest.raises(ValueError, match="multiple of the key/value"):
        dataclasses.replace(spec, n_kv_head=4).validate()
    with pytest.raises(ValueError, match="GPT-2 and Llama"):
        ModelSpec.from_config({"model_type": "bert"})


def test_module_tree_shapes_counts_and_tied_head():
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_config(build_config(SMALL_CONFIGS["llama GQA tied"]))
    tree = module_tree(model, [1, 2, 3, 4, 5])
    assert tree.params == sum(p.numel() for p in model.parameters())
    assert tree.output_shape == (1, 5, 61)
    assert tree.find("model.layers.0.self_attn.k_proj").output_shape == (1, 5, 2 * 4)  # 2 KV heads × d_h 4
    head = tree.find("lm_head")
    assert head.params == 0 and head.tied_to == "model.embed_tokens"
    assert sum(c.params for c in tree.children) == tree.params


def test_diagram_parts_of_module_paths():
    assert diagram_part("model.layers.3.self_attn.q_proj") == "attn"
    assert diagram_part("transformer.h.0.attn.c_attn") == "attn"
    assert diagram_part("model.layers.3.input_layernorm") == "attn_norm"
    assert diagram_part("transformer.h.2.ln_2") == "mlp_norm"
    assert diagram_part("model.layers.3.mlp.up_proj") == "mlp"
    assert diagram_part("model.layers.3") == "block"
    assert diagram_part("model.norm") == diagram_part("transformer.ln_f") == "final_norm"
    assert diagram_part("model.embed_tokens") == diagram_part("transformer.wte") == "embed"
    assert diagram_part("transformer.wpe") == "pos_embed"
    assert diagram_part("lm_head") == "lm_head" and diagram_part("") == "model"
    assert layer_index("model.layers.12.mlp") == 12 and layer_index("lm_head") is None


def test_flops_are_measured_once_and_cached(tmp_path, monkeypatch):
    from playground.core.inspect import flops

    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path))
    first = flops.measure_flops(size=128, budget_s=0.05)
    assert first.flops_per_second > 1e6 and (tmp_path / flops.CACHE_FILE).exists()
    assert flops.cached_flops() == first
    assert flops.measure_flops(size=128, budget_s=0.05) == first  # from the cache
    fresh = flops.measure_flops(size=128, budget_s=0.05, use_cache=False)
    assert fresh.flops_per_second > 1e6 and torch.get_num_threads() >= 1
