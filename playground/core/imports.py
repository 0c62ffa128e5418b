"""The heavy libraries (torch, transformers) are first imported once per process, under one lock.

Why a lock: transformers (and several torch subpackages) replace their own entry in `sys.modules` with a
lazy module at the end of their `__init__`. A second thread that imports one of them meanwhile waits for
the first, then gets the *original*, half-set-up module object back, so `from transformers import
AutoConfig` fails with ImportError. Seen at start-up: the built-in model's load failed when Training's
Start or the Architecture tab's config check imported transformers during the loader's import.

Every worker thread calls `heavy_imports()` before it runs (playground/workers/base.py), and so does
any core function a GUI-thread caller can reach first (models/builder.py). Other optional libraries
(onnxruntime) are imported inside `import_lock()`.
"""

from __future__ import annotations

import gc
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

F = TypeVar("F", bound=Callable)

_lock = threading.RLock()  # re-entrant: a heavy import may run code that asks again
_ready = False


@contextmanager
def import_lock() -> Iterator[None]:
    """Hold the process-wide import lock (for a first import of any other large library)."""
    with _lock:
        yield


def without_heavy_imports(fn: F) -> F:
    """Mark a function that never imports torch/transformers: a worker running it starts at once (the
    window's first model and run lists must not wait for torch)."""
    fn.uses_heavy_libraries = False
    return fn


def heavy_imports() -> float:
    """Import torch and the transformers pieces the app uses; returns the seconds this call waited or
    spent (0 once done). Idempotent and thread-safe.

    Also: no tqdm bars ("Loading weights", "Writing model shards") on the terminal: the app shows its
    own progress. And the first call moves every object alive by then (~400k: torch, transformers, Qt
    bindings) out of the garbage collector's reach with `gc.freeze()`: they live as long as the process,
    and each full collection walked them all, ~0.3 s holding the GIL, which froze the window mid-load."""
    global _ready
    if _ready:
        return 0.0
    started = time.perf_counter()
    with _lock:
        if not _ready:
            _import_all()
            _ready = True
    return time.perf_counter() - started


def _import_all() -> None:
    import importlib

    importlib.import_module("torch")
    transformers = importlib.import_module("transformers")
    # Each name resolves through transformers' lazy module, importing its submodule now. Each model family
    # is a lazy module of its own: the two the app builds and trains. (GPT-2's, left to the first training
    # run, held the GIL in its worker and froze the Training tab for ~0.1 s.)
    for name in ("AutoConfig", "AutoModelForCausalLM", "AutoTokenizer", "PreTrainedTokenizerFast",
                 "GPT2Config", "LlamaConfig"):
        getattr(transformers, name)
    importlib.import_module("transformers.models.gpt2.modeling_gpt2")
    importlib.import_module("transformers.models.llama.modeling_llama")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # transformers' bars and huggingface_hub's
    gc.freeze()
