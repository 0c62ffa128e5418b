"""The fast GGUF path: a Llama GGUF's blocks dequantized by torch into the same float32 model transformers'
GGUF loading gives, and the packaged app's first start, which loads that way from a shipped seed (config
and tokenizer) and writes the safetensors copy afterwards."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from playground.core.models import gguf_fast
from playground.core.types import ModelSource
from tests.gguf_fixtures import truncated_copy


def test_the_built_in_model_loads_from_its_blocks_exactly_as_transformers_converts_it(builtin_session):
    """Against transformers' own GGUF loading, run here (the session's model may itself come from gguf_fast:
    opening a GGUF converts that way now)."""
    from pathlib import Path

    from transformers import AutoModelForCausalLM

    path = Path(builtin_session.source.path)
    gguf = gguf_fast.read_gguf(path)
    assert gguf.architecture == "llama" and gguf_fast.fast_reason(gguf) == ""
    reference = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32,
                                                     local_files_only=True).eval()
    model = gguf_fast.load_llama(path, reference.config, gguf)
    expected = reference.state_dict()
    got = model.state_dict()
    assert set(got) == set(expected)
    for name, tensor in expected.items():
        assert torch.equal(got[name], tensor), name
    ids = torch.tensor([[1, 504, 3458, 314, 4649, 30]])
    with torch.no_grad():
        assert torch.equal(model(ids).logits, reference(ids).logits)
        assert torch.equal(builtin_session.model(ids).logits, reference(ids).logits)  # what the app loaded


def test_q4_0_q4_1_and_q8_0_blocks_dequantize_exactly(tiny_gguf):
    parsed = gguf_fast.read_gguf(tiny_gguf.path)
    types = {t.name: t.tensor_type for t in parsed.tensors}
    assert {gguf_fast.Q4_0, gguf_fast.Q4_1, gguf_fast.Q8_0} <= set(types.values())
    from transformers import LlamaConfig

    model = gguf_fast.load_llama(tiny_gguf.path, LlamaConfig(**tiny_gguf.config))
    state = model.state_dict()
    for name, weights in tiny_gguf.weights.items():
        assert np.array_equal(state[name].numpy(), weights), name


def test_a_truncated_gguf_is_refused_by_name(tiny_gguf, tmp_path):
    cut = truncated_copy(tiny_gguf.path, tmp_path / "cut.gguf")
    with pytest.raises(ValueError, match="cut.gguf is truncated"):
        gguf_fast.read_gguf(cut)


def test_with_a_shipped_seed_the_first_load_skips_the_conversion_and_writes_the_copy_afterwards(
        tiny_gguf, gguf_cache, tmp_path, monkeypatch):
    from playground.core.models.gguf_files import ensure_gguf_converted
    from playground.core.models.loading import load_model
    from playground.core.models.sources import source_folder

    source = ModelSource("gguf", "tiny", str(tiny_gguf.path))
    reference = load_model(source)  # the usual conversion, whose folder gives the seed
    converted = source_folder(source)
    prebuilt = tmp_path / "prebuilt"
    gguf_fast.write_seed(converted, tiny_gguf.path, prebuilt)
    assert not (prebuilt / "models" / gguf_fast.seed_name(tiny_gguf.path) / "model.safetensors").exists()
    __import__("shutil").rmtree(converted)
    monkeypatch.setenv("PLAYGROUND_PREBUILT_DIR", str(prebuilt))

    called = []
    monkeypatch.setattr("playground.core.models.loading.ensure_converted", lambda *a, **k: called.append(a))
    session = load_model(source)
    assert called == [] and not session.from_cache  # no conversion ran
    ids = torch.tensor([[5, 17, 42, 99]])
    with torch.no_grad():
        assert torch.equal(session.model(ids).logits, reference.model(ids).logits)
    for _ in range(200):  # the copy is written in the background
        if (converted / "model.safetensors").exists():
            break
        time.sleep(0.05)
    assert ensure_gguf_converted(tiny_gguf.path, converted) == (converted, True)
    assert "@" in session.identity()  # worked out again from the copy
