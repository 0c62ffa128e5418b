"""The packaged app's pre-built engine: copied at package time under a name that holds in every install
(file name and size), and used when the user cache has none, with no build."""

from __future__ import annotations

import types

import pytest

from playground.core.engines import gguf_build
from playground.core.engines.prebuilt import prebuild_engines
from playground.core.types import ModelSource
from tests.gguf_fixtures import write_tiny_gguf


@pytest.mark.skipif(not gguf_build.onnx_available(), reason="onnxruntime is not installed")
def test_a_prebuilt_engine_is_used_when_the_cache_has_none(tmp_path, monkeypatch):
    gguf = write_tiny_gguf(tmp_path / "tiny-llama.gguf").path
    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "cache-a"))
    session = types.SimpleNamespace(source=ModelSource("gguf", "tiny", str(gguf)))
    [folder] = prebuild_engines(session, tmp_path / "prebuilt")
    assert folder.parent == tmp_path / "prebuilt" / "onnx" and gguf_build.is_built(folder)
    assert str(gguf.stat().st_size) in folder.name and str(tmp_path) not in folder.name

    monkeypatch.setenv("PLAYGROUND_ONNX_DIR", str(tmp_path / "cache-b"))  # another install: an empty cache
    assert gguf_build.built_model(gguf, "fast") is None
    monkeypatch.setenv("PLAYGROUND_PREBUILT_DIR", str(tmp_path / "prebuilt"))
    assert gguf_build.built_model(gguf, "fast") == folder / "fast.onnx"
    monkeypatch.setattr(gguf_build, "_run_child", lambda *a: pytest.fail("built again"))
    assert gguf_build.build_gguf_models(gguf) == folder
    assert not any((tmp_path / "cache-b").iterdir())  # nothing written to the user's cache
