"""What the packaged app leaves out: modules it never imports and files it never opens (used by
LLMPlayground.spec; tested in tests/test_packaging.py). Paths are the bundle's, with "/" separators."""

from __future__ import annotations

import fnmatch
import re

EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "turtle", "idlelib", "IPython", "ipykernel", "jupyter", "notebook", "matplotlib",
    "pytest", "_pytest", "hypothesis", "pytestqt", "importlinter", "grimp", "openai",
    "tensorboard", "torch.utils.tensorboard", "tensorflow", "jax", "flax", "PyQt5", "PyQt6", "PySide2",
    "torchvision", "torchaudio", "pandas", "scipy", "sklearn", "cv2", "PIL.ImageTk", "sentencepiece",
    # (torch imports parts of torch.testing._internal and torch.distributed itself: they stay)
    "hf_xet",  # the Hub's download accelerator: the app never downloads
    # only torch.compile's partitioners, C++ extension builds, rich's syntax colouring and the test tools
    # import these; the app and its child processes never do (checked with `python -X importtime`)
    "networkx", "pygments", "setuptools", "pkg_resources",
]
# transformers ships ~560 model families; the bundle keeps the ones the app builds, loads or imports
# (the built-in Llama, GPT-2 for models trained here, what peft imports) and the common chat families a
# user may open from the Hugging Face cache. Another family is refused with a message when opened.
TRANSFORMERS_MODELS = (
    "auto", "llama", "gpt2", "bloom", "encoder_decoder", "mistral", "mixtral", "qwen2", "qwen3", "phi", "phi3",
    "gemma", "gemma2", "gemma3", "gpt_neox", "smollm3", "granite", "olmo2", "stablelm", "starcoder2", "opt",
    "gpt_bigcode",
)


_FAMILY_IMPORT = re.compile(r"^\s*from \.\.(?:\.models)?\.?([a-z0-9_]+)|^\s*from transformers\.models\.([a-z0-9_]+)",
                            re.MULTILINE)
_TOP_LEVEL_MODELS_IMPORT = re.compile(r"^from \.+models\.([a-z0-9_]+)", re.MULTILINE)


def kept_transformers_models(models_dir, importers=()) -> set[str]:
    """TRANSFORMERS_MODELS, what transformers' own modules import at their top level (the GGUF tokenizer
    mapping imports T5's and Qwen3.5's), the families of the classes the `importers` (folders of other
    packages' sources: the model builder's) import from transformers by name, and every family those
    import in turn (families reuse each other's code: Qwen3.5 imports Qwen3-Next's)."""
    from pathlib import Path

    models_dir = Path(models_dir)
    families = {p.name for p in models_dir.iterdir() if p.is_dir()}
    kept = set(TRANSFORMERS_MODELS) | _families_of(_names_imported_from_transformers(importers), models_dir)
    for source in models_dir.parent.rglob("*.py"):
        if models_dir not in source.parents:
            kept |= set(_TOP_LEVEL_MODELS_IMPORT.findall(source.read_text(encoding="utf-8", errors="replace")))
    todo = list(kept)
    while todo:
        family = models_dir / todo.pop()
        for source in family.glob("*.py") if family.is_dir() else ():
            for groups in _FAMILY_IMPORT.findall(source.read_text(encoding="utf-8", errors="replace")):
                name = groups[0] or groups[1]
                if name in families and name not in kept:
                    kept.add(name)
                    todo.append(name)
    return kept & families


def _names_imported_from_transformers(folders) -> set[str]:
    """The names `from transformers import …` brings in, anywhere in the .py files under `folders`."""
    import ast
    from pathlib import Path

    names: set[str] = set()
    for folder in folders:
        for source in Path(folder).rglob("*.py"):
            try:
                tree = ast.parse(source.read_text(encoding="utf-8", errors="replace"))
            except SyntaxError:
                continue
            names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                      and node.module == "transformers" for alias in node.names}
    return names


def _families_of(names: set[str], models_dir) -> set[str]:
    """The model families whose modeling files define the classes `names`."""
    if not names:
        return set()
    defines = re.compile(r"^class (%s)\b" % "|".join(sorted(map(re.escape, names))), re.MULTILINE)
    return {source.parent.name for source in models_dir.glob("*/modeling_*.py")
            if defines.search(source.read_text(encoding="utf-8", errors="replace"))}


def excluded_transformers_models(models_dir, importers=()) -> list[str]:
    """The transformers.models subpackages the bundle leaves out, given transformers/models/."""
    from pathlib import Path

    models_dir = Path(models_dir)
    kept = kept_transformers_models(models_dir, importers)
    return sorted(f"transformers.models.{p.name}" for p in models_dir.iterdir()
                  if p.is_dir() and not p.name.startswith("_") and p.name not in kept)

_DROPPED = [
    # torch: test binaries, headers, static libs, CMake files, the protobuf compiler
    "torch/bin/test_*", "torch/bin/protoc*", "torch/include/*", "torch/share/*", "torch/test/*", "*.a", "*.lib", "*.h", "*.hpp", "*.cuh",
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
    # onnxruntime-genai's runtime (its extension and the copy of ONNX Runtime it loads by path, ~48 MB): the
    # app runs only its model builder, which is Python (core/engines/model_builder imports it without them)
    "onnxruntime_genai/*onnxruntime-genai*", "onnxruntime_genai/onnxruntime_genai.*", "libonnxruntime-genai*",
    # (on Linux the Python module links ONNX Runtime in; elsewhere PyInstaller collects what it links)
    "onnxruntime/capi/libonnxruntime.so*",
    # torch's C++ test programs and test libraries
    "torch/bin/*Test", "torch/lib/libtorchbind_test*", "torch/lib/libjitbackend_test*",
    "torch/lib/libbackend_with_compiler*", "torch/lib/libaoti_custom_ops*",
    # Qt platforms for framebuffers, EGL, VNC and Vulkan displays (the app opens windows on X11 and Wayland)
    # and their input plugins; the GTK3 theme, whose GTK the bundle does not hold (so it never loaded, and on a
    # system with GTK it would mix the bundle's cairo and pango with the system's) and the libraries only it needs
    "PySide6/Qt/plugins/platforms/libqeglfs*", "PySide6/Qt/plugins/platforms/libqlinuxfb*",
    "PySide6/Qt/plugins/platforms/libqminimalegl*", "PySide6/Qt/plugins/platforms/libqvnc*",
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay*", "PySide6/Qt/plugins/generic/*",
    "*libQt6EglFSDeviceIntegration*", "*libQt6EglFsKmsSupport*",
    "PySide6/Qt/plugins/platformthemes/libqgtk3*",
    "libcairo*", "libpango*", "libatk-*", "libgdk_pixbuf*", "libharfbuzz*", "libfribidi*", "libthai*",
    "libdatrie*", "libpixman*", "libgraphite2*",
]
# torch's Python sources (46 MB): PyInstaller's hook ships every module twice, compiled in the archive and
# as .py. Only the config modules' sources are read (torch.utils._config_module tokenizes them for their
# "@compile_ignored" comments when they are imported); TorchScript and torch.compile, which read the rest,
# are never used by the app; nor the three modules whose `@torch.jit._overload` functions warn at import
# ("Unable to retrieve source") without theirs.
_TORCH_SOURCE_KEPT = re.compile(r"(^|_)config(_\w+)?\.py$")
_TORCH_SOURCES = ("torch/functional.py", "torch/nn/functional.py", "torch/nn/modules/rnn.py")
# Qt's translations: only those of the languages the app offers.
_KEPT_TRANSLATIONS = ("qtbase_en", "qtbase_zh_CN")


_KEPT_FAMILIES: set[str] = set()  # set by the spec: kept_transformers_models()


def _dropped(path: str) -> bool:
    path = path.replace("\\", "/")
    if path.startswith("transformers/models/"):
        family = path.split("/")[2]
        kept = _KEPT_FAMILIES or set(TRANSFORMERS_MODELS)
        return "." not in family and family not in kept and family != "__pycache__"
    if path.startswith("torch/") and path.endswith(".py"):
        return path not in _TORCH_SOURCES and not _TORCH_SOURCE_KEPT.search(path.rsplit("/", 1)[-1])
    if "/translations/" in path and path.endswith(".qm"):
        return not path.rsplit("/", 1)[-1].startswith(_KEPT_TRANSLATIONS)
    return any(fnmatch.fnmatch(path, pattern) for pattern in _DROPPED)


def keep_binary(path: str) -> bool:
    """True for a shared library or plugin the app loads."""
    return not _dropped(path)


def keep_data(path: str) -> bool:
    """True for a data file the app reads."""
    return not _dropped(path)
