import json
import os
from pathlib import Path

import pytest
import torch

from playground.core.models import sources
from playground.core.models.loading import load_model, validate_folder
from playground.core.models.sources import builtin_cache_folder, folder_source
from playground.core.errors import ModelLoadError


def test_registry_finds_the_builtin_gguf():
    source = sources.builtin_source()
    assert source is not None and source.kind == "builtin"
    assert Path(source.path).suffix == ".gguf" and Path(source.path).stat().st_size > 50_000_000
    assert source in sources.list_sources()
    assert sources.source_from_key(source.key) == source


def test_registry_lists_complete_models_of_the_hf_cache(tmp_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))

    def snapshot(repo: str, rev: str, files: tuple[str, ...]) -> Path:
        folder = tmp_path / repo / "snapshots" / rev
        folder.mkdir(parents=True)
        for name in files:
            (folder / name).write_text("{}")
        return folder

    good = snapshot("models--HuggingFaceTB--SmolLM2-360M", "abc", ("config.json", "model.safetensors"))
    snapshot("models--org--no-weights", "def", ("config.json",))
    snapshot("datasets--org--data", "123", ("config.json", "model.safetensors"))
    found = sources.hf_cache_sources()
    assert [(s.kind, s.name, s.path) for s in found] == [("hf-cache", "HuggingFaceTB/SmolLM2-360M", str(good))]
    assert found[0] in sources.list_sources()


def test_first_load_converts_and_second_reads_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path))
    source = sources.builtin_source()
    progress = []
    first = load_model(source, on_progress=progress.append)
    folder = builtin_cache_folder(Path(source.path))
    assert folder.is_relative_to(tmp_path) and (folder / "model.safetensors").exists()
    assert not first.from_cache
    assert any("tensor" in p.message for p in progress), "the GGUF conversion reports per-tensor progress"
    assert [p.fraction for p in progress] == sorted(p.fraction for p in progress)
    second = load_model(source)
    assert second.from_cache and second.load_seconds < first.load_seconds
    a, b = first.model.state_dict(), second.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not list(tmp_path.glob("models/*.tmp-*")), "no half-written cache folder is left behind"


def _llama_config() -> dict:
    return {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 16,
            "intermediate_size": 32, "num_attention_heads": 2, "num_hidden_layers": 1, "vocab_size": 32}


@pytest.mark.parametrize("make, expected", [
    (lambda d: None, "no config.json"),
    (lambda d: (d / "config.json").write_text("{not json"), "not valid JSON"),
    (lambda d: (d / "config.json").write_text(json.dumps({"model_type": "t5"})), "not a causal"),
    (lambda d: (d / "config.json").write_text(json.dumps(_llama_config())), "no model.safetensors"),
    (lambda d: ((d / "config.json").write_text(json.dumps(_llama_config())),
                (d / "pytorch_model.bin").write_bytes(b"\x80\x04")), "pickle"),
    (lambda d: ((d / "config.json").write_text(json.dumps(_llama_config())),
                (d / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":")),
     "corrupt or truncated"),
])
def test_bad_folders_raise_readable_errors(tmp_path, make, expected):
    make(tmp_path)
    with pytest.raises(ModelLoadError, match=expected):
        validate_folder(tmp_path)
    with pytest.raises(ModelLoadError, match=expected):
        load_model(folder_source(tmp_path))


def test_a_file_is_not_a_model_folder(tmp_path):
    file = tmp_path / "weights.gguf"
    file.write_bytes(b"GGUF")
    with pytest.raises(ModelLoadError, match="not a folder"):
        load_model(folder_source(file))


def test_builtin_model_knows_the_capital_of_france(builtin_session):
    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.stream import encode_chat, eos_ids, generate_stream
    from playground.core.generation.sampling import GREEDY
    from dataclasses import replace

    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": "What is the capital of France?"}])
    result = generate_stream(TorchEngine(s.model), s.tokenizer, prompt, replace(GREEDY, max_new_tokens=20),
                             stop_ids=eos_ids(s.model, s.tokenizer))
    assert "Paris" in result.text
    assert result.stop_reason == "eos"


def test_info_reports_the_real_model(builtin_session):
    info = builtin_session.info()
    assert info.model_type == "llama" and info.dtype == "float32" and info.device == "cpu"
    assert info.n_params == sum(p.numel() for p in builtin_session.model.parameters()) > 100_000_000
    assert info.has_chat_template and info.context_length >= 2048


def test_reloading_a_folder_reuses_its_tokenizer_until_its_files_change(builtin_session, tmp_path):
    import os

    from playground.core.models.loading import load_tokenizer

    builtin_session.tokenizer.save_pretrained(tmp_path)
    first = load_tokenizer(tmp_path)
    assert load_tokenizer(tmp_path) is first  # no second parse of tokenizer.json (it holds the GIL ~0.4 s)
    config = tmp_path / "tokenizer_config.json"
    os.utime(config, ns=(1_000_000_000, 1_000_000_000))  # the file changed on disk
    second = load_tokenizer(tmp_path)
    assert second is not first
    assert second("The capital of France")["input_ids"] == first("The capital of France")["input_ids"]


def test_a_damaged_builtin_cache_is_converted_again_and_dead_conversions_are_removed(tmp_path):
    """The cached safetensors copy is only a cache: a damaged one (here: garbage weights) is rebuilt from
    the GGUF with a notice, instead of failing every start; a killed conversion's half-written copy (a
    dead process's) is deleted. In a child process, on its own cache folder."""
    import subprocess
    import sys

    script = """
import json, sys
from pathlib import Path
from playground.core.models import sources
from playground.core.models.loading import load_model
source = sources.builtin_source()
target = sources.builtin_cache_folder(Path(source.path))
target.mkdir(parents=True)
(target / "config.json").write_text(json.dumps({"model_type": "llama"}))
(target / "model.safetensors").write_bytes(b"not weights")
dead = target.with_name(target.name + ".tmp-999999999-1")
dead.mkdir()
(dead / "model.safetensors").write_bytes(b"half")
said = []
session = load_model(source, on_progress=lambda p: said.append(p.message))
print(json.dumps({"said": said, "dead_left": dead.exists(), "params": sum(p.numel() for p in session.model.parameters()),
                  "cached_again": (target / "model.safetensors").stat().st_size > 10**8}))
"""
    env = dict(os.environ, PLAYGROUND_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert any("cached copy is damaged: converting it again" in m for m in result["said"])
    assert not result["dead_left"] and result["cached_again"] and result["params"] > 100_000_000
