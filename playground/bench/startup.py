"""Startup: process start → window shown, cached model load, first GGUF conversion."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time

from playground.bench.common import Row

_SMOKE = re.compile(r"window shown ([\d.]+) s after process start; model loaded in ([\d.]+) s")


def run(*, repeats: int, include_conversion: bool) -> list[Row]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    shown, loads = [], []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-m", "playground", "--smoke-test"], capture_output=True,
                             text=True, env=env, timeout=600)
        match = _SMOKE.search(out.stdout)
        if not match:
            raise RuntimeError(f"smoke test failed: {out.stderr[-500:]}")
        shown.append(float(match.group(1)))
    from playground.core.models import sources
    from playground.core.models.loading import load_model, warm_up_libraries

    warm_up_libraries()
    for _ in range(repeats):
        loads.append(load_model(sources.builtin_source()).load_seconds)
    rows = [Row("startup", "process start → window shown", sorted(shown)[len(shown) // 2], "s",
                target="< 1.5 s", passed=sorted(shown)[len(shown) // 2] < 1.5),
            Row("startup", "cached built-in model load", sorted(loads)[len(loads) // 2], "s",
                target="< 1 s", passed=sorted(loads)[len(loads) // 2] < 1.0)]
    if include_conversion:
        with tempfile.TemporaryDirectory() as tmp:
            saved = os.environ.get("PLAYGROUND_CACHE_DIR")
            os.environ["PLAYGROUND_CACHE_DIR"] = tmp
            try:
                start = time.perf_counter()
                load_model(sources.builtin_source())
                rows.append(Row("startup", "first start: GGUF → safetensors conversion + load",
                                time.perf_counter() - start, "s"))
            finally:
                if saved is None:
                    del os.environ["PLAYGROUND_CACHE_DIR"]
                else:
                    os.environ["PLAYGROUND_CACHE_DIR"] = saved
    return rows
