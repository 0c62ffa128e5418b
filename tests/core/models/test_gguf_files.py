"""Opening `.gguf` files: checked before the slow path, converted once into the cache, loaded as PyTorch."""

import os
import threading
from dataclasses import replace

import pytest
import torch

from playground.core.errors import Cancelled, ModelLoadError
from playground.core.models import sources
from playground.core.models.gguf_files import check_gguf
from playground.core.models.loading import load_model
from tests.gguf_fixtures import garbage_file, truncated_copy, write_tiny_gguf


def _assert_exact(session, tiny) -> None:
    state = session.model.state_dict()
    assert set(tiny.weights) <= set(state)
    for name, expected in tiny.weights.items():
        assert torch.equal(state[name], torch.from_numpy(expected)), name
    assert torch.equal(state["lm_head.weight"], state["model.embed_tokens.weight"])  # no output.weight: tied


def test_a_gguf_loads_with_exactly_the_dequantized_blocks_and_is_cached(tiny_gguf, gguf_cache):
    source = sources.gguf_source(tiny_gguf.path)
    summary = check_gguf(tiny_gguf.path)
    assert summary.architecture == "llama" and summary.projection_types == {"Q4_0", "Q4_1", "Q8_0"}
    progress = []
    first = load_model(source, on_progress=progress.append)
    assert not first.from_cache and first.model.dtype == torch.float32
    assert any("Converting tiny-llama.gguf" in p.message and "weights" in p.message for p in progress)
    _assert_exact(first, tiny_gguf)
    folder = sources.gguf_cache_folder(tiny_gguf.path)
    assert folder.parent == gguf_cache and (folder / "model.safetensors").exists()
    assert first.folder == folder and not list(gguf_cache.glob("*.tmp-*"))
    info = first.info()
    assert (info.name, info.vocab_size, info.context_length) == ("tiny-llama.gguf", 299, 256)
    assert info.has_chat_template and first.identity().startswith("tiny-llama@")
    second = load_model(source)
    assert second.from_cache
    _assert_exact(second, tiny_gguf)
    # the model list offers it from now on, and a saved key finds it again
    assert source in sources.list_sources()
    assert sources.source_from_key(source.key) == source


def test_it_generates_the_greedy_tokens_of_a_llama_built_from_the_expected_weights(tiny_gguf, gguf_cache):
    from transformers import LlamaConfig, LlamaForCausalLM

    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.sampling import GREEDY
    from playground.core.generation.stream import encode_text, generate_stream

    session = load_model(sources.gguf_source(tiny_gguf.path))
    text = "the cat is in the house"
    ids = encode_text(session.tokenizer, text)
    assert session.tokenizer.decode(ids) == text and len(ids) < len(text)  # the merges apply
    assert len(session.tokenizer) == len(tiny_gguf.tokens)
    config = {k: v for k, v in tiny_gguf.config.items() if k != "model_type"}
    reference = LlamaForCausalLM(LlamaConfig(**config)).eval()
    reference.load_state_dict({k: torch.from_numpy(v) for k, v in tiny_gguf.weights.items()}, strict=False)
    reference.tie_weights()
    with torch.inference_mode():
        expected = reference.generate(torch.tensor([ids]), max_new_tokens=6, min_new_tokens=6, do_sample=False,
                                      top_k=None, top_p=None, temperature=None)[0, len(ids):].tolist()
    result = generate_stream(TorchEngine(session.model), session.tokenizer, ids,
                             replace(GREEDY, max_new_tokens=6), stop_ids=set())
    assert list(result.token_ids) == expected and len(set(expected)) > 1


def test_other_formats_are_dequantized_by_transformers(tmp_path, gguf_cache):
    tiny = write_tiny_gguf(tmp_path / "mixed.gguf", types={"attn_q": "F16", "attn_v": "BF16", "ffn_down": "Q5_0",
                                                           "ffn_up": "Q5_1"})
    assert check_gguf(tiny.path).projection_types == {"F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0"}
    _assert_exact(load_model(sources.gguf_source(tiny.path)), tiny)


@pytest.mark.parametrize("make, expected", [
    (lambda tiny, d: truncated_copy(tiny.path, d / "bad.gguf", 0.6), r"bad\.gguf is truncated: its tensors need"),
    (lambda tiny, d: truncated_copy(tiny.path, d / "bad.gguf", 0.01), r"bad\.gguf is damaged or truncated"),
    (lambda tiny, d: garbage_file(d / "bad.gguf"), r"bad\.gguf is not a GGUF file"),
    (lambda tiny, d: (d / "bad.gguf").write_bytes(b"GGUF\x07\x00\x00\x00" + bytes(64)) and d / "bad.gguf",
     r"bad\.gguf is GGUF version 7"),
    (lambda tiny, d: write_tiny_gguf(d / "bad.gguf", types={"ffn_gate": "Q8_1"}).path,
     r"bad\.gguf stores blk\.0\.ffn_gate\.weight as Q8_1"),
    (lambda tiny, d: write_tiny_gguf(d / "bad.gguf", architecture="t5").path, r"bad\.gguf holds a 't5' model"),
    (lambda tiny, d: write_tiny_gguf(d / "bad.gguf", with_tokenizer=False).path, r"bad\.gguf has no tokenizer"),
    (lambda tiny, d: write_tiny_gguf(d / "bad.gguf", block_count=10**6).path,
     r"bad\.gguf \(its header\): num_hidden_layers is 1000000"),
])
def test_a_bad_gguf_is_refused_naming_the_file_before_anything_is_converted(tiny_gguf, tmp_path, gguf_cache,
                                                                               make, expected):
    bad = make(tiny_gguf, tmp_path)
    with pytest.raises(ModelLoadError, match=expected):
        check_gguf(bad)
    with pytest.raises(ModelLoadError, match=expected):
        load_model(sources.gguf_source(bad))
    assert not list(gguf_cache.glob("bad-*")), "nothing is written for a refused file"


def test_a_changed_file_is_converted_again_and_a_missing_one_is_explained(tmp_path, gguf_cache):
    tiny = write_tiny_gguf(tmp_path / "m.gguf", seed=3)
    before = sources.gguf_cache_folder(tiny.path)
    load_model(sources.gguf_source(tiny.path))
    changed = write_tiny_gguf(tmp_path / "m.gguf", seed=4)  # a new download under the same name
    os.utime(changed.path, ns=(1_000_000_000, 1_000_000_000))
    assert sources.gguf_cache_folder(changed.path) != before
    again = load_model(sources.gguf_source(changed.path))
    assert not again.from_cache
    _assert_exact(again, changed)
    assert [s.path for s in sources.gguf_sources()] == [str(changed.path.resolve())]
    assert not before.exists(), "the earlier version's copy is deleted"
    changed.path.unlink()
    with pytest.raises(ModelLoadError, match=r"m\.gguf is not there any more"):
        load_model(sources.gguf_source(changed.path))
    assert sources.gguf_sources() == [] and sources.source_from_key(f"gguf:{changed.path}") is None


def test_cancelling_mid_conversion_leaves_no_cache_folder(tiny_gguf, gguf_cache):
    stop = threading.Event()

    def on_progress(p):
        if "Converting" in p.message:
            stop.set()

    with pytest.raises(Cancelled):
        load_model(sources.gguf_source(tiny_gguf.path), on_progress=on_progress, should_stop=stop)
    assert stop.is_set() and not list(gguf_cache.iterdir())


def test_the_command_line_and_fine_tuning_take_a_gguf_path(tiny_gguf, gguf_cache):
    from playground.cli.models import resolve_source
    from playground.core.training.setup import base_model_folder

    assert resolve_source(str(tiny_gguf.path)) == sources.gguf_source(tiny_gguf.path)
    folder = base_model_folder(str(tiny_gguf.path))
    assert folder == sources.gguf_cache_folder(tiny_gguf.path) and (folder / "config.json").exists()


def test_a_llama_gguf_converts_from_its_blocks_into_the_folder_transformers_would_write(tiny_gguf, gguf_cache,
                                                                                         monkeypatch):
    """Its weights come straight from the blocks (gguf_fast, ~1 s; transformers' conversion takes ~10 s on the
    built-in model): the cached folder holds the same tensors, config and generation config as transformers'
    own conversion, which stays for everything else."""
    import json
    import shutil

    from safetensors.torch import load_file

    from playground.core.models import gguf_fast

    fast = load_model(sources.gguf_source(tiny_gguf.path))
    folder = sources.gguf_cache_folder(tiny_gguf.path)
    fast_files = {name: (folder / name).read_text() for name in ("config.json", "generation_config.json")}
    fast_tensors = load_file(folder / "model.safetensors")
    _assert_exact(fast, tiny_gguf)
    shutil.rmtree(folder)
    monkeypatch.setattr(gguf_fast, "fast_reason", lambda parsed: "forced: transformers' path")
    progress = []
    slow = load_model(sources.gguf_source(tiny_gguf.path), on_progress=progress.append)
    assert any("tensor" in p.message for p in progress)  # transformers' conversion ran this time
    assert {name: json.loads((folder / name).read_text()) for name in fast_files} == \
        {name: json.loads(text) for name, text in fast_files.items()}
    slow_tensors = load_file(folder / "model.safetensors")
    assert set(slow_tensors) == set(fast_tensors)
    for name, tensor in slow_tensors.items():
        assert torch.equal(tensor, fast_tensors[name]), name
    _assert_exact(slow, tiny_gguf)


def test_a_gguf_with_tensors_the_fast_path_does_not_map_takes_transformers_path(tiny_gguf):
    from playground.core.models import gguf_fast

    parsed = gguf_fast.read_gguf(tiny_gguf.path)
    assert gguf_fast.fast_reason(parsed) == ""
    extra = gguf_fast.GgufTensor("blk.0.attn_q.bias", (64,), gguf_fast.F32, parsed.tensors[0].data[:256])
    odd = gguf_fast.GgufFile(parsed.architecture, parsed.tensors + (extra,))
    assert gguf_fast.fast_reason(odd) == "its tensor blk.0.attn_q.bias"
    rope = gguf_fast.GgufTensor("rope_freqs.weight", (32,), gguf_fast.F32, parsed.tensors[0].data[:128])
    assert "rope_freqs.weight" in gguf_fast.fast_reason(gguf_fast.GgufFile(parsed.architecture, parsed.tensors + (rope,)))
