"""What the packaged app leaves out: modules it never imports and files it never opens (used by
LLMPlayground.spec; tested in tests/test_packaging.py). Paths are the bundle's, with "/" separators."""

from __future__ import annotations

import fnmatch

EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "turtle", "idlelib", "IPython", "ipykernel", "jupyter", "notebook", "matplotlib",
    "pytest", "_pytest", "hypothesis", "pytestqt", "importlinter", "grimp", "openai",
    "tensorboard", "torch.utils.tensorboard", "tensorflow", "jax", "flax", "PyQt5", "PyQt6", "PySide2",
    "torchvision", "torchaudio", "pandas", "scipy", "sklearn", "cv2", "PIL.ImageTk", "sentencepiece",
    "torch.testing._internal", "torch.utils.benchmark", "torch.distributed.elastic.multiprocessing.errors",
    "pydoc_data.topics_extra",
]

_DROPPED = [
    # torch: test binaries, headers, static libs, CMake files, the protobuf compiler
    "torch/bin/*", "torch/include/*", "torch/share/*", "torch/test/*", "*.a", "*.lib", "*.h", "*.hpp", "*.cuh",
    # Qt: what a widgets app never loads
    "PySide6/Qt/qml/*", "PySide6/Qt/plugins/qmltooling/*", "PySide6/Qt/plugins/qmllint/*",
    "PySide6/Qt/plugins/designer/*", "PySide6/Qt/plugins/sqldrivers/*", "PySide6/Qt/plugins/wayland-*",
    "PySide6/Qt/plugins/egldeviceintegrations/*", "PySide6/Qt/plugins/networkinformation/*",
    "PySide6/Qt/plugins/tls/*", "PySide6/Qt/plugins/printsupport/*", "PySide6/Qt/plugins/vectorimageformats/*",
    "*libQt6Quick*", "*libQt6Qml*", "*libQt6Designer*", "*libQt6Pdf*", "*libQt6VirtualKeyboard*",
    "*libQt6WaylandCompositor*", "*libQt6Sql*", "*libQt6Test*", "*libQt6Network*",
    "PySide6/*.pyi", "PySide6/typing/*", "*/__pycache__/*",
    # onnxruntime: its tools and tests, never run by the app
    "onnxruntime/tools/*", "onnxruntime/transformers/*", "onnxruntime/quantization/*/test*",
    "onnxruntime/datasets/*",
]
# Qt's translations: only those of the languages the app offers.
_KEPT_TRANSLATIONS = ("qtbase_en", "qtbase_zh_CN")


def _dropped(path: str) -> bool:
    path = path.replace("\\", "/")
    if "/translations/" in path and path.endswith(".qm"):
        return not path.rsplit("/", 1)[-1].startswith(_KEPT_TRANSLATIONS)
    return any(fnmatch.fnmatch(path, pattern) for pattern in _DROPPED)


def keep_binary(path: str) -> bool:
    """True for a shared library or plugin the app loads."""
    return not _dropped(path)


def keep_data(path: str) -> bool:
    """True for a data file the app reads."""
    return not _dropped(path)
