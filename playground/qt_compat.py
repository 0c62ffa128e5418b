"""Costs of the Qt binding worked around once, when `playground.ui` is imported.

(PySide6 6.12.0 drops a reference to None/True/False on every void Qt call, and CPython 3.11 aborts
after ~10^4 of them. pyproject.toml keeps the binding below 6.12 instead of patching the interpreter;
tests/test_qt_compat.py fails on a binding with that bug.)

PySide6 hooks every import made after it is loaded: to support `from __feature__ import …` it
reads each new module's source file to see whether it mentions PySide6 (`_mod_uses_pyside`). torch and
transformers are ~2,000 modules: the hook added seconds to the first model load and, when a GUI-thread
slot first imported part of the core, froze the window for ~0.3 s. Libraries that never use Qt are
answered from their package name (the same answer, without reading the file).
"""

from __future__ import annotations

import sys

# Packages that never use Qt (for playground.core an import-linter contract guarantees it).
NO_QT_PACKAGES = frozenset({
    "accelerate", "certifi", "charset_normalizer", "filelock", "fsspec", "functorch", "gguf", "google",
    "huggingface_hub", "idna", "jinja2", "markupsafe", "mpmath", "networkx", "numpy", "onnx", "onnxruntime",
    "onnxruntime_genai", "packaging", "peft", "psutil", "regex", "requests", "safetensors", "scipy",
    "sentencepiece", "sympy", "tokenizers", "torch", "torchgen", "tqdm", "transformers", "triton",
    "typing_extensions", "urllib3", "yaml"} | set(sys.stdlib_module_names))


def skip_feature_scan_of_non_qt_libraries() -> bool:
    """Answer PySide6's per-import "does this module use PySide6?" check by package name for libraries
    that never do (see the module docstring). True if applied (once)."""
    try:
        from shibokensupport import feature  # PySide6's own helper module (no public name)
    except ImportError:
        return False
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "playground_fast_path", False):
        return False

    def mod_uses_pyside(module) -> bool:
        name = getattr(module, "__name__", "") or ""
        if name.partition(".")[0] in NO_QT_PACKAGES or name.startswith("playground.core"):
            return False
        return original(module)

    mod_uses_pyside.playground_fast_path = True
    feature._mod_uses_pyside = mod_uses_pyside
    return True
