"""The native decode step (the GGUF engine's single-token steps): Exact gives the same logits as ONNX Runtime's
Exact graph and as PyTorch float32, Fast (int8 activations) scores text within 0.5% of float32's perplexity;
on the built-in model and on a tiny Q4_0/Q4_1/Q8_0 GGUF, with each of its kernels (AVX-512 / VNNI, AVX2,
portable C, where this CPU has them), sharing one KV cache with the ONNX prompt pass."""

import os
import shutil

import numpy as np
import pytest
import torch

from playground.core.engines import native
from playground.core.engines.gguf_engine import GgufEngine, open_gguf_engine
from playground.core.generation.engine import TorchEngine
from tests.core.engines.test_gguf_engine import write_tiny_gguf
from tests.core.engines.test_onnx_engine import chat_ids

pytestmark = pytest.mark.skipif(os.environ.get("PLAYGROUND_NATIVE") == "0", reason="PLAYGROUND_NATIVE=0")


@pytest.fixture
def lib():
    library = native.load()
    assert library is not None, f"the native decode step is not built ({native.library_path()}): run make"
    yield library
    library.pg_set_kernel(-1)  # the best this CPU has, for the tests after


def test_exact_steps_run_natively_and_equal_onnx_runtimes(lib, builtin_session, gguf_models):
    s = builtin_session
    mine = GgufEngine(gguf_models / "exact.onnx", "exact")
    onnx_only = GgufEngine(gguf_models / "exact.onnx", "exact", native=False)
    assert mine.native is not None and onnx_only.native is None and mine.native.kernel in native.KERNELS.values()
    prompt = chat_ids(s, "What is the capital of France?")
    a, b = mine.prefill(prompt), onnx_only.prefill(prompt)  # the prompt: ONNX Runtime in both
    for _ in range(24):
        token = int(b.argmax())
        assert int(a.argmax()) == token and float((a - b).abs().max()) < 1e-3
        a, b = mine.step(token), onnx_only.step(token)
    assert mine.tokens_run == onnx_only.tokens_run
    n = len(mine._tokens)  # the keys and values it wrote are ONNX Runtime's, so a next turn reads them
    for ours, theirs in zip(mine._buffers, onnx_only._buffers):
        np.testing.assert_allclose(ours[:, :, :n], theirs[:, :, :n], rtol=0, atol=1e-4)
    assert not np.any(mine._buffers[0][:, :, n:])


def test_a_cpu_without_the_native_step_runs_exact_on_onnx_runtime(builtin_session, gguf_models, monkeypatch):
    monkeypatch.setattr(native, "_loaded", True)
    monkeypatch.setattr(native, "_library", None)  # as where there was no C compiler at set-up
    engine = GgufEngine(gguf_models / "exact.onnx", "exact")
    assert engine.native is None
    reference = TorchEngine(builtin_session.model)
    prompt = chat_ids(builtin_session, "Hello!")
    engine.prefill(prompt), reference.prefill(prompt)
    assert torch.allclose(engine.step(13), reference.step(13), atol=2e-3)


@pytest.mark.parametrize("kernel", [2, 1, 0], ids=["avx512", "avx2", "portable"])
def test_each_kernel_decodes_a_tiny_q4_0_q4_1_q8_0_gguf_as_pytorch(kernel, lib, tmp_path, monkeypatch):
    from transformers import AutoModelForCausalLM

    if lib.pg_set_kernel(kernel) != kernel:
        pytest.skip(f"this CPU has no {native.KERNELS[kernel]} kernel")
    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "onnx"))
    path = write_tiny_gguf(tmp_path / "tiny.gguf", seed=3)
    model = AutoModelForCausalLM.from_pretrained(tmp_path, gguf_file="tiny.gguf", dtype=torch.float32)
    engine, reference = open_gguf_engine(path, "exact"), TorchEngine(model)
    assert engine.native is not None and engine.native.kernel == native.KERNELS[kernel]
    prompt = [5, 17, 250, 3, 99, 42, 7]
    ours, theirs = engine.prefill(prompt), reference.prefill(prompt)
    for _ in range(16):
        token = int(theirs.argmax())
        assert int(ours.argmax()) == token and torch.allclose(ours, theirs, atol=1e-4)
        ours, theirs = engine.step(token), reference.step(token)
    assert torch.allclose(ours, theirs, atol=1e-4)


def test_a_gguf_that_is_not_the_built_one_runs_on_onnx_runtime(lib, tmp_path, monkeypatch):
    """The table maps the file by offsets: a file of another size is never read through it."""
    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "onnx"))
    path = write_tiny_gguf(tmp_path / "tiny.gguf")
    folder = open_gguf_engine(path, "exact").path.parent
    other = tmp_path / "other.gguf"
    shutil.copy(path, other)
    with open(other, "ab") as f:
        f.write(b"\0" * 64)
    assert native.open_decoder(folder, path, 2) is not None and native.open_decoder(folder, other, 2) is None
    engine = GgufEngine(folder / "exact.onnx", "exact", gguf_path=other)
    assert engine.native is None and engine.prefill([1, 2, 3]).shape == (320,)


def test_fast_steps_score_text_within_half_a_percent_of_float32(lib, builtin_session, gguf_models):
    """Token by token through the native int8 step (no prompt pass): the perplexity of 384 tokens of the
    built-in corpus against PyTorch float32's on the same window."""
    import math

    from playground.core.optimize.evaluation import EvalSettings, perplexity, text_ids

    s = builtin_session
    ids = text_ids(s.tokenizer, EvalSettings(ppl_tokens=384))[:384]
    engine = GgufEngine(gguf_models / "fast.onnx", "fast")
    assert engine.native is not None and engine.native.fast
    logits = [engine.prefill(ids[:1])] + [engine.step(t) for t in ids[1:-1]]
    nll = sum(-float(torch.log_softmax(row, -1)[t]) for row, t in zip(logits, ids[1:]))
    exact = perplexity(s.model, ids, window=len(ids))
    assert math.exp(nll / (len(ids) - 1)) == pytest.approx(exact, rel=5e-3) and 2 < exact < 100


@pytest.mark.parametrize("kernel", [2, 1], ids=["avx512-vnni", "avx2"])
def test_each_int8_kernel_equals_the_portable_one(kernel, lib, tmp_path, monkeypatch):
    """Fast's integer sums are exact: the SIMD kernels and the portable C one differ only in float rounding."""
    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "onnx"))
    path = write_tiny_gguf(tmp_path / "tiny.gguf", seed=4)
    if lib.pg_set_kernel(kernel) != kernel:
        pytest.skip(f"this CPU has no {native.KERNELS[kernel]} kernel")
    simd = open_gguf_engine(path, "fast")
    chosen = simd.native.kernel
    lib.pg_set_kernel(0)
    portable = open_gguf_engine(path, "fast")
    assert portable.native.kernel == "portable C" and chosen != "portable C"
    prompt = [9, 31, 200, 4]
    simd.prefill(prompt), portable.prefill(prompt)
    for token in (11, 250, 3, 77, 150, 2, 19, 300):
        lib.pg_set_kernel(kernel)
        ours = simd.step(token)
        lib.pg_set_kernel(0)
        assert torch.allclose(ours, portable.step(token), atol=1e-4)
