import pytest

from tests.gguf_fixtures import TinyGguf, write_tiny_gguf


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory) -> TinyGguf:
    """A tiny llama GGUF (Q4_0 / Q4_1 / Q8_0 projections), written once per session; see tests.gguf_fixtures."""
    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny-llama.gguf")


@pytest.fixture
def gguf_cache(tmp_path, monkeypatch):
    """Conversions go to a throwaway cache folder, not the user's."""
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "models"
