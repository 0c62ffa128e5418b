"""The engines the packaged app ships ready-made (`paths.prebuilt_dir()/onnx/`): built at package time by
`LLMPlayground --prebuild`, read by gguf_build.built_model when the user cache has none."""

from __future__ import annotations

import shutil
from pathlib import Path


def prebuild_engines(session, dest: Path) -> list[Path]:
    """Build the GGUF engine of `session`'s model (the built-in one) and copy it into `dest/onnx/`, under
    the name gguf_build.prebuilt_folder gives; returns the folders written."""
    import os

    from playground.core.engines import gguf_build

    gguf = Path(session.source.path)
    if session.source.kind not in ("builtin", "gguf") or gguf_build.gguf_engine_supported(gguf):
        return []
    previous = os.environ.get("PLAYGROUND_PREBUILT_DIR")
    os.environ["PLAYGROUND_PREBUILT_DIR"] = str(dest)
    try:
        target = gguf_build.prebuilt_folder(gguf)
        built = gguf_build.build_gguf_models(gguf)  # into the (temporary) user cache
        if built != target:
            tmp = target.with_name(target.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(built, tmp)
            shutil.rmtree(target, ignore_errors=True)
            tmp.rename(target)
    finally:
        if previous is None:
            os.environ.pop("PLAYGROUND_PREBUILT_DIR", None)
        else:
            os.environ["PLAYGROUND_PREBUILT_DIR"] = previous
    return [target]
