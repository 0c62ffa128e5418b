"""Compression on tiny models (every method, exact counts, save/reload) and on the real built-in model."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from playground.core.optimize.compression import CompressionError, CompressionSpec, compress, load_variant, save_variant, validate
from playground.core.optimize.compression.quantize import (WeightOnlyLinear, _pack_int4, _unpack_int4, is_dynamic_int8,
                                                  weight_layers)
from playground.core.optimize.compression.storage import memory_bytes, parameter_counts
from playground.core.optimize.evaluation import EvalSettings, calibration_ids, perplexity, text_ids

IDS = [3, 17, 42, 7, 99, 5, 64, 23, 11, 88, 2, 31, 70, 45, 9, 12]


def tiny_llama(**overrides):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = dict(vocab_size=128, hidden_size=48, intermediate_size=96, num_hidden_layers=2, num_attention_heads=6,
               num_key_value_heads=2, max_position_embeddings=64, tie_word_embeddings=True)
    return LlamaForCausalLM(LlamaConfig(**{**cfg, **overrides})).eval()


def tiny_gpt2():
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    return GPT2LMHeadModel(GPT2Config(vocab_size=128, n_embd=64, n_layer=2, n_head=4, n_positions=64,
                                      bos_token_id=0, eos_token_id=0)).eval()


def logits(model, ids=IDS):
    with torch.no_grad():
        return model(input_ids=torch.tensor([ids])).logits[0]


def state_copy(model):
    return {k: v.clone() for k, v in model.state_dict().items() if isinstance(v, torch.Tensor)}


def assert_unchanged(model, before):
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


# ------------------------------------------------------------------ weight-only quantization
def test_int4_packing_round_trips():
    q = torch.randint(-8, 8, (5, 12), dtype=torch.int8)
    assert torch.equal(_unpack_int4(_pack_int4(q)), q)


@pytest.mark.parametrize("bits, tolerance", [(8, 0.01), (4, 0.2)])
def test_weight_only_linear_approximates_the_float_layer(bits, tolerance):
    torch.manual_seed(0)
    linear = nn.Linear(128, 32)
    layer = WeightOnlyLinear.from_weight(linear.weight, linear.bias, bits, 32)
    x = torch.randn(4, 128)
    error = (layer(x) - linear(x)).abs().max() / linear(x).abs().max()
    assert error < tolerance
    max_abs = linear.weight.abs().amax()
    assert (layer.dequantize() - linear.weight).abs().max() <= max_abs / layer.qmax  # half a step, per group
    assert layer.qweight.dtype == (torch.uint8 if bits == 4 else torch.int8)
    assert layer.qweight.numel() == 32 * 128 * bits // 8


@pytest.mark.parametrize("method, ratio", [("int8-weight", 0.30), ("int4-weight", 0.18)])
def test_weight_only_quantization_shrinks_memory_and_keeps_outputs(method, ratio):
    model = tiny_llama(num_hidden_layers=1, hidden_size=256, intermediate_size=512, num_attention_heads=4,
                       num_key_value_heads=4)
    before = state_copy(model)
    small = compress(model, CompressionSpec(method, group_size=64))
    assert_unchanged(model, before)
    linear_bytes = sum(m.weight.numel() * 4 for _, m in weight_layers(model))
    saved = memory_bytes(model) - memory_bytes(small)
    assert saved > (1 - ratio) * linear_bytes  # int8: ~1/4 + scales, int4: ~1/8 + scales
    assert parameter_counts(small)[0] == parameter_counts(model)[0]
    assert torch.nn.functional.cosine_similarity(logits(small).flatten(), logits(model).flatten(), dim=0) > 0.98


# ------------------------------------------------------------------ casts and dynamic int8
def test_casts_halve_memory():
    model = tiny_llama()
    for method in ("bfloat16", "float16"):
        small = compress(model, CompressionSpec(method))
        assert next(small.parameters()).dtype == getattr(torch, method)
        assert memory_bytes(small) == pytest.approx(memory_bytes(model) / 2, rel=0.02)
    assert next(model.parameters()).dtype == torch.float32


def test_dynamic_int8_on_gpt2_conv1d_layers():
    model = tiny_gpt2()
    small = compress(model, CompressionSpec("int8-dynamic"))
    assert all(is_dynamic_int8(m) for n, m in small.named_modules() if n.endswith(("c_attn", "c_fc", "c_proj")))
    assert torch.nn.functional.cosine_similarity(logits(small).flatten(), logits(model).flatten(), dim=0) > 0.99
    assert memory_bytes(small) < memory_bytes(model)


# ------------------------------------------------------------------ pruning
def test_magnitude_pruning_zeroes_the_smallest_half_of_every_layer():
    model = tiny_llama()
    before = state_copy(model)
    pruned = compress(model, CompressionSpec("magnitude", sparsity=0.5))
    assert_unchanged(model, before)
    for name, module in weight_layers(pruned):
        zeros = float((module.weight == 0).float().mean())
        assert zeros == pytest.approx(0.5, abs=0.01), name
        assert not hasattr(module, "weight_mask")  # made permanent
    original = dict(weight_layers(model))["model.layers.0.mlp.up_proj"].weight
    kept = dict(weight_layers(pruned))["model.layers.0.mlp.up_proj"].weight != 0
    assert original[kept].abs().min() >= original[~kept].abs().max()


def test_head_pruning_removes_the_expected_parameters_with_grouped_kv():
    model = tiny_llama()  # width 48, 6 query heads of 8 dims, 2 key/value groups of 3
    total = parameter_counts(model)[0]
    pruned = compress(model, CompressionSpec("heads", heads_per_layer=2, importance="weight"))
    head_dim, layers = 8, 2
    assert parameter_counts(pruned)[0] == total - layers * 2 * (2 * head_dim * 48)  # q rows + o columns
    assert pruned.config.num_attention_heads == 4 and pruned.config.num_key_value_heads == 2
    attn = pruned.model.layers[0].self_attn
    assert attn.q_proj.weight.shape == (32, 48) and attn.o_proj.weight.shape == (48, 32)
    assert logits(pruned).shape == (len(IDS), 128) and torch.isfinite(logits(pruned)).all()


def test_removing_a_head_with_zero_output_changes_nothing():
    model = tiny_llama()
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight[:, 8:16] = 0  # head 1 contributes nothing
    pruned = compress(model, CompressionSpec("heads", heads_per_layer=2, importance="activation"),
                      calibration_ids=IDS)
    # each group drops its least important head; head 1 (group 0) must be among them, and the outputs
    # match a model that only lost head 1 and the weakest head of group 1 -> compare with the weight ranking
    assert logits(pruned).shape == logits(model).shape
    kept_rows = pruned.model.layers[0].self_attn.q_proj.weight
    assert not any(torch.equal(kept_rows[i * 8:(i + 1) * 8], model.model.layers[0].self_attn.q_proj.weight[8:16])
                   for i in range(4))


@pytest.mark.parametrize("factory, key", [(tiny_llama, "intermediate_size"), (tiny_gpt2, "n_inner")])
def test_mlp_pruning_shrinks_the_matrices_and_the_config(factory, key):
    model = factory()
    before = state_copy(model)
    pruned = compress(model, CompressionSpec("mlp", mlp_fraction=0.25), calibration_ids=IDS)
    assert_unchanged(model, before)
    width = 96 if key == "intermediate_size" else 256
    assert getattr(pruned.config, key) == width * 3 // 4
    hidden = 48 if key == "intermediate_size" else 64
    per_layer = (3 if key == "intermediate_size" else 2) * hidden * (width // 4) + (0 if key == "intermediate_size"
                                                                                     else width // 4)
    assert parameter_counts(pruned)[0] == parameter_counts(model)[0] - 2 * per_layer
    assert torch.isfinite(logits(pruned)).all()


@pytest.mark.parametrize("spec, words", [
    (CompressionSpec("magnitude", sparsity=1.0), "between 0 and 0.99"),
    (CompressionSpec("magnitude", sparsity=-0.1), "between 0 and 0.99"),
    (CompressionSpec("heads", heads_per_layer=6), "at most 4"),
    (CompressionSpec("heads", heads_per_layer=1), "multiple of 2"),
    (CompressionSpec("mlp", mlp_fraction=1.0), "between 0 and 1"),
])
def test_invalid_choices_explain_themselves(spec, words):
    with pytest.raises(CompressionError, match=words):
        validate(spec, tiny_llama())


def test_head_pruning_must_leave_a_head_count_that_divides_the_width():
    model = tiny_llama(hidden_size=16, num_attention_heads=4, num_key_value_heads=1)  # 3 heads don't divide 16
    with pytest.raises(CompressionError, match="Remove 2 or 3 heads instead"):
        validate(CompressionSpec("heads", heads_per_layer=1), model)


def test_head_pruning_is_refused_for_gpt2():
    with pytest.raises(CompressionError, match="Llama-style"):
        validate(CompressionSpec("heads", heads_per_layer=1), tiny_gpt2())


def test_missing_int8_kernels_give_a_clear_message(monkeypatch):
    from playground.core.optimize.compression import spec

    monkeypatch.setattr(spec, "int8_engines", lambda: [])
    with pytest.raises(CompressionError, match="no int8 kernels"):
        validate(CompressionSpec("int8-dynamic"), tiny_llama())
    with pytest.raises(CompressionError, match="CPU only"):
        validate(CompressionSpec("int8-dynamic"), tiny_llama(), device="cuda:0")


# ------------------------------------------------------------------ saving and reloading
@pytest.mark.parametrize("method", ["bfloat16", "int8-dynamic", "int8-weight", "int4-weight", "heads", "mlp"])
def test_saved_variants_reload_with_identical_outputs(tmp_path, builtin_session, method):
    model = tiny_llama(vocab_size=len(builtin_session.tokenizer))
    spec = CompressionSpec(method, heads_per_layer=2, group_size=16)
    variant = compress(model, spec, calibration_ids=IDS)
    folder = save_variant(variant, builtin_session.tokenizer, tmp_path / "variants" / method, {"name": method})
    assert not list(folder.parent.glob(".*tmp*"))  # the temp folder is gone
    loaded, tokenizer = load_variant(folder)
    assert torch.equal(logits(loaded), logits(variant))
    assert parameter_counts(loaded) == parameter_counts(variant)
    assert loaded.compression == spec and tokenizer.vocab_size == builtin_session.tokenizer.vocab_size
    from playground.core.models.loading import load_model
    from playground.core.models.sources import folder_source

    session = load_model(folder_source(folder), dtype="bfloat16" if method == "bfloat16" else "float32")
    assert torch.equal(logits(session.model), logits(variant))


# ------------------------------------------------------------------ the real built-in model
@pytest.fixture(scope="module")
def builtin_eval(builtin_session):
    tokenizer = builtin_session.tokenizer
    ids = text_ids(tokenizer, EvalSettings(ppl_tokens=128))
    return ids, calibration_ids(tokenizer, 128), perplexity(builtin_session.model, ids, 128)


def test_int8_dynamic_on_the_builtin_model(builtin_session, builtin_eval):
    ids, calibration, base_ppl = builtin_eval
    model = builtin_session.model
    small = compress(model, CompressionSpec("int8-dynamic"), calibration_ids=calibration)
    float_linears = [n for n, m in weight_layers(small) if isinstance(m, nn.Linear)]
    assert 0 < len(float_linears) <= 15  # only the layers with outlier inputs stay float
    linear_bytes = sum(m.weight.numel() * 4 for _, m in weight_layers(model))
    assert memory_bytes(model) - memory_bytes(small) > 0.6 * linear_bytes
    ppl = perplexity(small, ids, 128)
    assert ppl < 1.35 * base_ppl  # the stated bound (README): within 35% of float32


def test_magnitude_pruning_on_the_builtin_model(builtin_session):
    pruned = compress(builtin_session.model, CompressionSpec("magnitude", sparsity=0.5))
    for name, module in weight_layers(pruned)[:40]:
        assert float((module.weight == 0).float().mean()) == pytest.approx(0.5, abs=0.005), name
    assert float((weight_layers(builtin_session.model)[0][1].weight == 0).float().mean()) < 0.01


def test_head_pruning_on_the_builtin_model(builtin_session, builtin_eval):
    model = builtin_session.model
    _, calibration, _ = builtin_eval
    pruned = compress(model, CompressionSpec("heads", heads_per_layer=3), calibration_ids=calibration)
    layers, head_dim, hidden = 30, 64, 576
    assert parameter_counts(model)[0] - parameter_counts(pruned)[0] == layers * 3 * head_dim * hidden * 2
    assert pruned.config.num_attention_heads == 6 and model.config.num_attention_heads == 9
    from playground.core.optimize.evaluation import greedy_answer

    answer, _ = greedy_answer(pruned, builtin_session.tokenizer, "What is the capital of France?", 6)
    assert isinstance(answer, str) and answer
    assert copy.deepcopy(model.config).num_attention_heads == 9
