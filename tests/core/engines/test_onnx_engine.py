"""The fast chat engine (ONNX Runtime GenAI) against the exact PyTorch engine, on the real built-in model.

The ONNX models are built once per test session (`onnx_models` in tests/conftest.py).
"""

import threading

import pytest
import torch

from playground.core.engines import onnx_build
from playground.core.generation.engine import TorchEngine
from playground.core.generation.stream import encode_chat, eos_ids, generate_stream
from playground.core.engines.onnx_engine import OnnxEngine
from playground.core.engines.selection import EXACT, built_folder, open_engine
from playground.core.generation.sampling import GREEDY, SamplingSettings
from playground.core.errors import Cancelled

PROMPTS = ("What is the capital of France?", "Write a haiku about the sea.", "List three prime numbers.")
TIE = 1e-4  # a greedy step whose top two logits are closer than this may go either way


def chat_ids(session, text):
    return encode_chat(session.tokenizer, [{"role": "user", "content": text}])


def greedy(engine, session, prompt, n=32, stop_at_eos=True):
    settings = SamplingSettings(temperature=0.0, top_k=0, top_p=1.0, max_new_tokens=n)
    stop = eos_ids(session.model, session.tokenizer) if stop_at_eos else set()
    return list(generate_stream(engine, session.tokenizer, prompt, settings, stop_ids=stop).token_ids)


@pytest.mark.parametrize("text", PROMPTS)
def test_fp32_greedy_equals_pytorch_fp32_for_32_tokens(text, builtin_session, onnx_models):
    """Token for token; a step where PyTorch's top two logits tie (within 1e-4) may differ, and then
    the two replies are compared only up to it. (On this model none of the three prompts has one.)"""
    s = builtin_session
    prompt = chat_ids(s, text)
    fast = greedy(OnnxEngine(onnx_models["fp32"], "fp32"), s, prompt, stop_at_eos=False)
    exact = greedy(TorchEngine(s.model), s, prompt, stop_at_eos=False)
    assert len(exact) == len(fast) == 32
    mismatch = next((i for i, (a, b) in enumerate(zip(fast, exact)) if a != b), None)
    if mismatch is None:
        return
    logits = TorchEngine(s.model).prefill(prompt + exact[:mismatch])
    top2 = torch.topk(logits, 2).values
    assert float(top2[0] - top2[1]) < TIE, f"diverged at token {mismatch} without a tie"


def test_int4_answers_paris_and_ends_its_turn(builtin_session, onnx_models):
    s = builtin_session
    fast = OnnxEngine(onnx_models["int4"], "int4")
    settings = SamplingSettings(temperature=0.0, top_k=0, top_p=1.0, max_new_tokens=48)
    result = generate_stream(fast, s.tokenizer, chat_ids(s, "What is the capital of France?"), settings,
                             stop_ids=eos_ids(s.model, s.tokenizer))
    assert "Paris" in s.tokenizer.decode(result.token_ids)
    # the builder's default int4 never emitted the end-of-turn token here (it rambled to the limit)
    assert result.stop_reason == "eos"
    assert fast.name == "Fast (ONNX int4)"


def test_shown_probabilities_are_the_softmax_of_that_steps_logits(builtin_session, onnx_models):
    """prob / raw_prob / top-5 of every token equal a softmax of the engine's logits at that step,
    after temperature and top-k, computed here independently of core.sampling."""
    s = builtin_session
    settings = SamplingSettings(temperature=0.7, top_k=20, top_p=1.0, max_new_tokens=8, seed=3)
    prompt = chat_ids(s, "Name a color.")
    steps = []
    generate_stream(OnnxEngine(onnx_models["int4"], "int4"), s.tokenizer, prompt, settings, on_token=steps.append)
    assert len(steps) >= 4
    replay = OnnxEngine(onnx_models["int4"], "int4")  # the same model, stepped by hand
    logits = replay.prefill(prompt)
    for step in steps:
        raw = torch.softmax(logits, -1)
        kept = torch.topk(logits, 20)
        final = torch.zeros_like(raw)
        final[kept.indices] = torch.softmax(kept.values / 0.7, -1)
        assert step.raw_prob == pytest.approx(float(raw[step.token_id]), rel=1e-4)
        assert step.prob == pytest.approx(float(final[step.token_id]), rel=1e-4)
        top5 = torch.topk(final, 5)
        assert [a[0] for a in step.alternatives] == top5.indices.tolist()
        assert [a[2] for a in step.alternatives] == pytest.approx(top5.values.tolist(), rel=1e-4)
        logits = replay.step(step.token_id)


def test_next_turn_reuses_the_cache_and_matches_a_fresh_prefill(builtin_session, onnx_models):
    s = builtin_session
    engine = OnnxEngine(onnx_models["fp32"], "fp32")
    first = chat_ids(s, "Hello!")
    reply = greedy(engine, s, first, n=6)
    longer = first + reply + s.tokenizer("Tell me more.", add_special_tokens=False)["input_ids"]
    reused = engine.prefill(longer)  # rewinds to the shared prefix, runs only the new tokens
    fresh = OnnxEngine(onnx_models["fp32"], "fp32").prefill(longer)
    assert torch.allclose(reused, fresh, atol=1e-3)
    assert torch.allclose(engine.prefill(first), OnnxEngine(onnx_models["fp32"], "fp32").prefill(first), atol=1e-3)


def test_the_cache_grows_past_its_first_allocation(builtin_session, onnx_models, monkeypatch):
    from playground.core.engines import kv_session

    monkeypatch.setattr(kv_session, "RESERVE", 8)
    monkeypatch.setattr(kv_session, "ROUND", 8)
    engine = OnnxEngine(onnx_models["int4"], "int4")
    prompt = chat_ids(builtin_session, "Hi")
    engine.prefill(prompt)
    capacity = engine._capacity
    for _ in range(capacity - len(prompt) + 3):  # past the end of the first KV buffer
        logits = engine.step(13)
    assert engine._capacity > capacity and logits.shape == (49152,)


def test_build_is_cancellable_and_leaves_nothing(builtin_session, onnx_models, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path))
    folder = builtin_session.folder
    stop, seen = threading.Event(), []

    def on_progress(p):
        seen.append(p)
        if p.fraction > 0:  # cancel once the builder is under way
            stop.set()

    with pytest.raises(Cancelled):
        onnx_build.build_onnx_model(folder, "int8", on_progress=on_progress, should_stop=stop)
    assert seen and list(tmp_path.iterdir()) == []  # no half-built model, no temp folder
    assert built_folder(builtin_session, "int8") is None


def test_a_half_built_model_is_never_used(builtin_session, onnx_models, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path))
    folder = builtin_session.folder
    half = onnx_build.model_dir(folder, "int4")
    half.mkdir(parents=True)
    for name in ("genai_config.json", "model.onnx"):  # everything but the completion marker
        (half / name).write_bytes((onnx_models["int4"] / name).read_bytes())
    assert not onnx_build.is_built(half) and built_folder(builtin_session, "int4") is None
    chosen = open_engine(builtin_session, "int4", build=False)
    assert isinstance(chosen.engine, TorchEngine) and "not built" in chosen.notice


def test_unsupported_models_fall_back_to_pytorch_with_a_notice(tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    from playground.core.models.loading import ModelSession
    from playground.core.models.sources import folder_source

    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=16, vocab_size=64, n_positions=32))
    model.save_pretrained(tmp_path)
    session = ModelSession(model, None, folder_source(tmp_path))
    chosen = open_engine(session, "int4")
    assert isinstance(chosen.engine, TorchEngine)
    assert chosen.notice.startswith("Fast engine unavailable") and "Llama" in chosen.notice
    assert isinstance(open_engine(session, EXACT).engine, TorchEngine)
    assert GREEDY.greedy


def test_fp32_perplexity_equals_pytorch_fp32(builtin_session, onnx_models):
    """The Optimize report scores ONNX and PyTorch with the same code (`perplexity_of`) on the same ids:
    ONNX fp32 must agree with PyTorch fp32 to 1e-4 relative (measured: ~4e-7 on 512 tokens)."""
    from playground.core.optimize.evaluation import EvalSettings, perplexity, perplexity_of, text_ids

    s = builtin_session
    ids = text_ids(s.tokenizer, EvalSettings(ppl_tokens=200))
    exact = perplexity(s.model, ids, window=128)  # two windows: the second starts with no context, as in torch
    engine = OnnxEngine(onnx_models["fp32"], "fp32")
    fast = perplexity_of(engine.score, ids, window=128)
    assert fast == pytest.approx(exact, rel=1e-4) and 2 < exact < 100
    assert engine.score(ids[:5]).shape == (5, 49152)


def test_onnx_variants_validate_against_the_model_folder(tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    from playground.core.models.sources import folder_source, source_folder
    from playground.core.optimize.compression import METHODS, CompressionError, compress
    from playground.core.optimize.onnx_variants import OnnxVariant, validate_variant

    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=16, vocab_size=64, n_positions=32))
    model.save_pretrained(tmp_path)
    spec = OnnxVariant("onnx-int4")
    assert spec.precision == "int4" and spec.label() == "onnx-int4" and "onnx-int4" not in METHODS
    with pytest.raises(CompressionError, match="cannot build this model: it supports the Llama family only"):
        validate_variant(spec, source_folder(folder_source(tmp_path)))
    with pytest.raises(CompressionError, match="ONNX Runtime"):
        compress(model, spec)  # built, never compressed in torch


def test_a_branch_runs_only_its_new_tokens_on_the_fast_engine(builtin_session, onnx_models):
    """Forking a reply (another token at position 3) rewinds the cache to the shared prefix: one prefix token
    runs again for its logits, then only the branch's own tokens."""
    s = builtin_session
    engine = OnnxEngine(onnx_models["fp32"], "fp32")
    prompt, steps = chat_ids(s, "What is the capital of France?"), []
    settings = SamplingSettings(temperature=0.0, top_k=0, top_p=1.0, max_new_tokens=12)
    generate_stream(engine, s.tokenizer, prompt, settings, stop_ids=eos_ids(s.model, s.tokenizer),
                    on_token=steps.append)
    forced, before, branch = steps[3].runner_up[0], engine.tokens_run, []
    result = generate_stream(engine, s.tokenizer, prompt, settings, stop_ids=eos_ids(s.model, s.tokenizer),
                             on_token=branch.append, reply_start=[t.token_id for t in steps[:3]],
                             force_first=forced)
    assert list(result.token_ids[:4]) == [t.token_id for t in steps[:3]] + [forced]
    fed = len(branch) - (result.stop_reason == "length")
    assert engine.tokens_run - before == 1 + fed < len(prompt)


_REFUSE_GENAI_RUNTIME = '''
import sys
class _Refuse:  # what the packaged app lacks: onnxruntime-genai's native runtime
    def find_spec(self, name, path=None, target=None):
        if name == "onnxruntime_genai.onnxruntime_genai":
            raise ImportError("no onnxruntime-genai runtime here")
        return None
sys.meta_path.insert(0, _Refuse())
'''


def test_the_builder_needs_only_onnxruntime_genais_python(builtin_session, tmp_path, monkeypatch):
    """The packaged app ships the model builder's sources without onnxruntime-genai's runtime (~48 MB):
    a model still builds (core/engines/model_builder) and its engine gives PyTorch's logits."""
    import subprocess
    import sys

    from transformers import LlamaConfig, LlamaForCausalLM

    hidden = tmp_path / "no-runtime"
    hidden.mkdir()
    (hidden / "sitecustomize.py").write_text(_REFUSE_GENAI_RUNTIME)
    monkeypatch.setenv("PYTHONPATH", str(hidden))
    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "onnx"))
    plain = subprocess.run([sys.executable, "-c", "import onnxruntime_genai"], capture_output=True, text=True)
    assert plain.returncode == 1 and "no onnxruntime-genai runtime here" in plain.stderr  # the block holds

    torch.manual_seed(0)
    vocab = len(builtin_session.tokenizer)
    model = LlamaForCausalLM(LlamaConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                                         tie_word_embeddings=True)).eval()
    folder = tmp_path / "tiny-llama"
    model.save_pretrained(folder)
    builtin_session.tokenizer.save_pretrained(folder)
    built = onnx_build.build_onnx_model(folder, "fp32")
    ids = chat_ids(builtin_session, "What is the capital of France?")
    with torch.no_grad():
        expected = model(torch.tensor([ids])).logits[0, -1]
    got = torch.as_tensor(OnnxEngine(built, "fp32").prefill(ids))
    assert torch.allclose(got, expected, atol=1e-4), float((got - expected).abs().max())
