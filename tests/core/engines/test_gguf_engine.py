"""The GGUF engine: the model file's own quantized blocks on ONNX Runtime, against PyTorch float32 on the
model transformers dequantizes from the same file (the built-in model, and tiny GGUFs written here)."""

import threading

import numpy as np
import pytest
import torch

from playground.core.engines import gguf_blocks
from playground.core.engines.gguf_build import (GgufBuildError, build_gguf_models, built_model, cache_folder,
                                                gguf_engine_supported)
from playground.core.engines.gguf_engine import GgufEngine, open_gguf_engine
from playground.core.engines.names import GGUF_EXACT, GGUF_FAST
from playground.core.engines.selection import default_choice, open_engine
from playground.core.errors import Cancelled
from playground.core.generation.engine import TorchEngine
from playground.core.models import sources
from tests.core.engines.test_onnx_engine import PROMPTS, chat_ids, greedy

NEAR_TIE = 0.1  # logits: a greedy pick closer than this to the runner-up may go either way


def test_the_blocks_are_the_float32_model_bit_for_bit(builtin_session):
    """Re-packing is a pure reorder: dequantizing the packed blocks gives transformers' float32 weights
    exactly (q/k rows un-permuted from llama.cpp's rotary order; the Q8_0 head as Exact runs it, two nibble matrices)."""
    gguf = gguf_blocks.read_gguf(sources.builtin_gguf())
    layer = builtin_session.model.model.layers[7]
    q = gguf_blocks.unpermute_rows(gguf.packed("blk.7.attn_q.weight"), 9)
    k = gguf_blocks.unpermute_rows(gguf.packed("blk.7.attn_k.weight"), 3)
    assert q.kind == "Q4_1" and q.b.shape == (576, 18, 16)
    assert np.array_equal(q.dequantize(), layer.self_attn.q_proj.weight.detach().numpy())
    assert np.array_equal(k.dequantize(), layer.self_attn.k_proj.weight.detach().numpy())
    assert np.array_equal(gguf.packed("blk.7.ffn_down.weight").dequantize(), layer.mlp.down_proj.weight.detach().numpy())
    embed = builtin_session.model.model.embed_tokens.weight.detach().numpy()
    head = gguf.packed("token_embd.weight")
    assert head.bits == 8 and np.array_equal(head.dequantize(), embed)
    # the head as the graph runs it: two nibble matrices over [x, x], scales [16d | d], plus 8d per block of x
    d = head.d.astype(np.float64)
    scales = np.concatenate([16 * head.d, head.d], axis=1)
    assert np.array_equal(scales[:, :18].astype(np.float64), 16 * d)  # 16d is exact in float16
    pairs = gguf_blocks.Packed("Q4_0", head.n, 2 * head.k, gguf_blocks.nibble_pairs(head), scales).dequantize()
    x = np.random.default_rng(0).standard_normal(576)
    block_sums = x.reshape(18, 32).sum(axis=1)
    np.testing.assert_allclose(pairs.astype(np.float64) @ np.concatenate([x, x]) + (8 * d) @ block_sums,
                               embed.astype(np.float64) @ x, rtol=0, atol=1e-9)


@pytest.mark.parametrize("mode", ["exact", "fast"])
def test_perplexity_is_within_half_a_percent_of_pytorch_float32(mode, builtin_session, gguf_models):
    from playground.core.optimize.evaluation import EvalSettings, perplexity, perplexity_of, text_ids

    s = builtin_session
    ids = text_ids(s.tokenizer, EvalSettings(ppl_tokens=512))
    exact = perplexity(s.model, ids, window=256)
    engine = GgufEngine(gguf_models / f"{mode}.onnx", mode)
    ppl = perplexity_of(engine.score, ids, window=256)
    assert ppl == pytest.approx(exact, rel=5e-3 if mode == "fast" else 1e-4) and 2 < exact < 100


@pytest.mark.parametrize("mode", ["exact", "fast"])
def test_greedy_tokens_equal_pytorch_float32_but_at_near_ties(mode, builtin_session, gguf_models):
    """Token for token over 32 greedy tokens per prompt; where they part, PyTorch's top two logits there
    are within NEAR_TIE (Exact) or 0.5 (Fast: int8 activations, as llama.cpp) of each other."""
    s = builtin_session
    engine = GgufEngine(gguf_models / f"{mode}.onnx", mode)
    for text in PROMPTS:
        prompt = chat_ids(s, text)
        mine = greedy(engine, s, prompt, stop_at_eos=False)
        exact = greedy(TorchEngine(s.model), s, prompt, stop_at_eos=False)
        mismatch = next((i for i, (a, b) in enumerate(zip(mine, exact)) if a != b), None)
        if mismatch is None:
            continue
        top2 = torch.topk(TorchEngine(s.model).prefill(prompt + exact[:mismatch]), 2).values
        assert float(top2[0] - top2[1]) < (NEAR_TIE if mode == "exact" else 0.5), (text, mismatch)


def test_next_turn_reuses_the_cache_and_the_cache_grows(builtin_session, gguf_models, monkeypatch):
    from playground.core.engines import kv_session

    s = builtin_session
    engine = GgufEngine(gguf_models / "exact.onnx", "exact")
    first = chat_ids(s, "Hello!")
    reply = greedy(engine, s, first, n=6)
    longer = first + reply + s.tokenizer("Tell me more.", add_special_tokens=False)["input_ids"]
    reused = engine.prefill(longer)  # only the new tokens run
    fresh = GgufEngine(gguf_models / "exact.onnx", "exact").prefill(longer)
    assert torch.allclose(reused, fresh, atol=1e-4)
    reference = TorchEngine(s.model).prefill(longer)
    assert torch.allclose(reused, reference, atol=2e-3) and reused.shape == (49152,)
    monkeypatch.setattr(kv_session, "RESERVE", 8)
    monkeypatch.setattr(kv_session, "ROUND", 8)
    small = GgufEngine(gguf_models / "exact.onnx", "exact")
    small.prefill(first)
    capacity = small._capacity
    for _ in range(capacity - len(first) + 3):  # past the end of the first KV buffer
        small.step(13)
    grown = small.step(13)
    torch_engine = TorchEngine(s.model)
    torch_engine.prefill(first)
    for _ in range(capacity - len(first) + 3):
        torch_engine.step(13)
    assert small._capacity > capacity and torch.allclose(grown, torch_engine.step(13), atol=2e-3)


def test_the_builtin_model_defaults_to_fast_gguf_and_opens_both_modes(builtin_session, gguf_models):
    s = builtin_session
    assert default_choice(s) == GGUF_FAST
    for choice, name in ((GGUF_FAST, "Fast (GGUF Q4_1, int8 activations)"), (GGUF_EXACT, "Exact (GGUF Q4_1)")):
        chosen = open_engine(s, choice, build=False)
        assert chosen.fallback is None and isinstance(chosen.engine, GgufEngine) and chosen.engine.name == name
    assert built_model(sources.builtin_gguf(), "fast") == gguf_models / "fast.onnx"


def test_a_float_model_has_no_gguf_engine(tmp_path):
    from transformers import LlamaConfig, LlamaForCausalLM

    from playground.core.models.loading import ModelSession
    from playground.core.models.sources import folder_source

    LlamaForCausalLM(LlamaConfig(num_hidden_layers=1, hidden_size=32, intermediate_size=64, num_attention_heads=2,
                                 vocab_size=64)).save_pretrained(tmp_path)
    from transformers import LlamaForCausalLM as Loader

    session = ModelSession(Loader.from_pretrained(tmp_path), None, folder_source(tmp_path))
    chosen = open_engine(session, GGUF_FAST)
    assert isinstance(chosen.engine, TorchEngine) and "no GGUF file" in chosen.notice


# ---------------------------------------------------------------- tiny GGUFs written with the gguf package
def write_tiny_gguf(path, seed=0, down=None):
    """A 2-layer Llama GGUF: layer 0 Q4_0, layer 1 Q4_1, attn_v / ffn_up and the tied embedding Q8_0
    (`down`: another type for layer 1's ffn_down)."""
    from gguf import GGMLQuantizationType as T, GGUFWriter
    from gguf.quants import quantize

    rng = np.random.default_rng(seed)
    e, heads, kv, ff, vocab = 64, 2, 1, 128, 320
    w = GGUFWriter(str(path), "llama")
    w.add_context_length(128), w.add_embedding_length(e), w.add_block_count(2), w.add_feed_forward_length(ff)
    w.add_head_count(heads), w.add_head_count_kv(kv), w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5), w.add_rope_dimension_count(e // heads), w.add_vocab_size(vocab)

    def add(name, shape, kind):
        a = (rng.standard_normal(shape) * 0.2).astype(np.float32)
        if kind == T.F32:
            w.add_tensor(name, 1.0 + a)
        else:
            q = quantize(a, kind)
            w.add_tensor(name, q, raw_shape=q.shape, raw_dtype=kind)

    add("token_embd.weight", (vocab, e), T.Q8_0)
    add("output_norm.weight", (e,), T.F32)
    for i, kind in enumerate((T.Q4_0, T.Q4_1)):
        add(f"blk.{i}.attn_norm.weight", (e,), T.F32)
        add(f"blk.{i}.ffn_norm.weight", (e,), T.F32)
        add(f"blk.{i}.attn_q.weight", (e, e), kind)
        add(f"blk.{i}.attn_k.weight", (e // heads * kv, e), kind)
        add(f"blk.{i}.attn_v.weight", (e // heads * kv, e), T.Q8_0)
        add(f"blk.{i}.attn_output.weight", (e, e), kind)
        add(f"blk.{i}.ffn_gate.weight", (ff, e), kind)
        add(f"blk.{i}.ffn_up.weight", (ff, e), T.Q8_0)
        add(f"blk.{i}.ffn_down.weight", (e, ff), down if down is not None and i == 1 else kind)
    w.write_header_to_file(), w.write_kv_data_to_file(), w.write_tensors_to_file(), w.close()
    return path


def test_a_tiny_q4_0_q4_1_q8_0_gguf_decodes_as_in_pytorch(tmp_path, monkeypatch):
    from transformers import AutoModelForCausalLM

    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "onnx"))
    path = write_tiny_gguf(tmp_path / "tiny.gguf")
    assert gguf_engine_supported(path) == ""
    model = AutoModelForCausalLM.from_pretrained(tmp_path, gguf_file="tiny.gguf", dtype=torch.float32)
    exact, fast = open_gguf_engine(path, "exact"), open_gguf_engine(path, "fast")
    assert exact.name == "Exact (GGUF Q4_0)" and fast.context_length == 128
    reference = TorchEngine(model)
    prompt = [5, 17, 250, 3, 99, 42, 7]
    ours, theirs, quick = exact.prefill(prompt), reference.prefill(prompt), fast.prefill(prompt)
    for _ in range(12):  # greedy, token for token, the logits close at every step
        assert torch.allclose(ours, theirs, atol=1e-4)  # int8 activations: close, not equal
        assert float((quick - theirs).abs().max()) < 0.1 * float(theirs.abs().max())
        token = int(theirs.argmax())
        assert int(ours.argmax()) == token
        ours, theirs, quick = exact.step(token), reference.step(token), fast.step(token)
    scored = exact.score(prompt)
    with torch.no_grad():
        full = model(torch.tensor([prompt])).logits[0]
    assert scored.shape == (7, 320) and torch.allclose(scored, full, atol=1e-4)


def test_a_truncated_or_garbage_gguf_is_refused_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "onnx"))
    good = write_tiny_gguf(tmp_path / "tiny.gguf").read_bytes()
    (tmp_path / "cut.gguf").write_bytes(good[: len(good) // 2])
    (tmp_path / "junk.gguf").write_bytes(b"not a gguf at all" * 100)
    for name in ("cut.gguf", "junk.gguf"):
        reason = gguf_engine_supported(tmp_path / name)
        assert name in reason and reason, reason
        with pytest.raises(GgufBuildError, match=name.replace(".", r"\.")):
            open_gguf_engine(tmp_path / name, "fast")
    assert not any((tmp_path / "onnx").iterdir())  # nothing half-written is left


def test_preparing_is_cancellable_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "onnx"))
    path = write_tiny_gguf(tmp_path / "tiny.gguf")
    stop, seen = threading.Event(), []

    def on_progress(p):
        seen.append(p)
        if p.fraction > 0.2:
            stop.set()

    with pytest.raises(Cancelled):
        build_gguf_models(path, on_progress=on_progress, should_stop=stop)
    assert seen and not any((tmp_path / "onnx").iterdir()) and built_model(path, "fast") is None
    assert build_gguf_models(path) == cache_folder(path) and built_model(path, "exact") is not None


def test_a_gguf_with_other_blocks_is_refused_and_not_the_default(tmp_path, monkeypatch):
    """An F16 projection (or Q6_K, ...) is not kept as blocks: the file is refused naming the tensor, and once
    checked a session on it neither defaults to nor opens the GGUF engine."""
    from gguf import GGMLQuantizationType as T
    from transformers import AutoModelForCausalLM

    from playground.core.models.loading import ModelSession
    from playground.core.types import ModelSource

    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "onnx"))
    good, other = write_tiny_gguf(tmp_path / "good.gguf"), write_tiny_gguf(tmp_path / "f16.gguf", down=T.F16)
    reason = gguf_engine_supported(other)
    assert "f16.gguf" in reason and "blk.1.ffn_down.weight is F16" in reason

    def session(path):
        model = AutoModelForCausalLM.from_pretrained(tmp_path, gguf_file=path.name, dtype=torch.float32)
        return ModelSession(model, None, ModelSource("gguf", path.name, str(path)))

    assert default_choice(session(good)) == GGUF_FAST
    refused = session(other)
    assert default_choice(refused) != GGUF_FAST
    chosen = open_engine(refused, GGUF_FAST)
    assert isinstance(chosen.engine, TorchEngine) and "F16" in chosen.notice
