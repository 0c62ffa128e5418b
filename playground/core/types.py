"""Small frozen records passed between core, workers and UI. No torch here: the UI imports them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from. `key` is stable across runs (saved in settings)."""

    kind: str  # "builtin" | "gguf" (a .gguf file) | "folder" | "hf-cache" | "run"
    name: str  # shown to the user
    path: str  # folder, or the GGUF file (built-in model, "gguf")
    detail: str = ""  # tooltip: where exactly it lives

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.path}"


@dataclass(frozen=True)
class ModelInfo:
    """What the status bar and the tabs need to know about the current model."""

    name: str
    source_key: str
    model_type: str  # config.model_type, e.g. "llama", "gpt2"
    n_params: int
    device: str
    dtype: str  # "float32", "bfloat16", "float16"
    context_length: int
    vocab_size: int
    has_chat_template: bool
    load_seconds: float = 0.0
    from_cache: bool = False
