"""`python -m playground.core.engines.model_builder ARGS…`: onnxruntime-genai's model builder
(`onnxruntime_genai.models.builder`, the same arguments) without the package's native runtime.

The builder is Python over onnx, onnxruntime, torch and transformers; only the package's `__init__`
loads the runtime (its extension module and a second copy of ONNX Runtime, ~48 MB), and nothing of
the builder calls it: the app runs the graphs it writes on a plain `InferenceSession`. So the packaged
app ships the builder's sources alone, and this entry point imports them under a bare package module.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import runpy
import sys
import types

PACKAGE = "onnxruntime_genai"
BUILDER = f"{PACKAGE}.models.builder"


def bare_package() -> types.ModuleType:
    """The `onnxruntime_genai` package as a module whose `__init__` did not run (its submodules import
    from its folder as usual); the builder reads `__version__` from it for the graphs' metadata."""
    if PACKAGE in sys.modules:
        return sys.modules[PACKAGE]
    spec = importlib.util.find_spec(PACKAGE)  # (finding a top-level package does not run its __init__)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("onnxruntime-genai is not installed (pip install onnxruntime-genai)")
    package = types.ModuleType(PACKAGE)
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    try:
        package.__version__ = importlib.metadata.version("onnxruntime-genai")
    except importlib.metadata.PackageNotFoundError:
        package.__version__ = None
    sys.modules[PACKAGE] = package
    return package


def main(argv: list[str] | None = None) -> None:
    bare_package()
    sys.argv = [BUILDER, *(sys.argv[1:] if argv is None else argv)]
    runpy.run_module(BUILDER, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
