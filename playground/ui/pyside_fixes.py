"""Work-arounds for bugs and costs of the Qt binding, applied once when `playground.ui` is imported.

PySide6 6.12.0 on CPython 3.11: every call of a Qt method that returns nothing (QPainter.setPen,
drawLine, QWidget.setObjectName, …) drops one reference to `None` that it never took, and some paths
in pyqtgraph's painting do the same to True/False. pyqtgraph paints with such calls, so after ~10^5
of them (a minute or two of live plots) the count reaches zero and Python aborts with
"Fatal Python error: none_dealloc: deallocating None" (or bool_dealloc). CPython 3.12+ makes these
objects immortal, so the fix is only needed before that.

PySide6 also hooks every import made after it is loaded: to support `from __feature__ import …` it
reads each new module's source file to see whether it mentions PySide6 (`_mod_uses_pyside`). torch and
transformers are ~2,000 modules: the hook added seconds to the first model load and, when a GUI-thread
slot first imported part of the core, froze the window for ~0.3 s. Libraries that never use Qt are
answered from their package name (the same answer, without reading the file).
"""

from __future__ import annotations

import ctypes
import platform
import sys

_PROTECTION = 1 << 40  # ~10^12 spare references: years of painting
# Packages that never use Qt (for playground.core an import-linter contract guarantees it).
NO_QT_PACKAGES = frozenset({
    "accelerate", "certifi", "charset_normalizer", "filelock", "fsspec", "functorch", "gguf", "google",
    "huggingface_hub", "idna", "jinja2", "markupsafe", "mpmath", "networkx", "numpy", "onnx", "onnxruntime",
    "onnxruntime_genai", "packaging", "peft", "psutil", "regex", "requests", "safetensors", "scipy",
    "sentencepiece", "sympy", "tokenizers", "torch", "torchgen", "tqdm", "transformers", "triton",
    "typing_extensions", "urllib3", "yaml"} | set(sys.stdlib_module_names))


def protect_singletons() -> bool:
    """Give None, True and False huge reference counts so leaked decrements never free them.
    True if applied (CPython < 3.12, once)."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    if sys.getrefcount(None) > _PROTECTION // 2:
        return False  # already applied
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))  # PyObject.ob_refcnt is the first field
        refcount.value += _PROTECTION
    return True


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
