"""How many FLOP/s this machine does: a short matmul benchmark, measured once and cached.

The number feeds "training time ≈ 6·N·D / FLOP/s". Real training reaches maybe 30–60 % of a
plain matmul's speed, which the UI says next to the figure.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass

from playground.core import paths
from playground.core.files import write_text_atomic

CACHE_FILE = "flops.json"


@dataclass(frozen=True)
class FlopsMeasurement:
    device: str
    dtype: str
    flops_per_second: float
    size: int  # square matmul size used
    seconds: float  # how long the measurement took


def _cache_key(device: str, dtype: str) -> str:
    import torch

    return f"{device}|{dtype}|torch {torch.__version__}|threads {torch.get_num_threads()}"


def _read_cache() -> dict:
    try:
        return json.loads((paths.cache_dir() / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def cached_flops(device: str = "cpu", dtype: str = "float32") -> FlopsMeasurement | None:
    entry = _read_cache().get(_cache_key(device, dtype))
    try:
        measurement = FlopsMeasurement(**entry) if entry else None
    except TypeError:  # an older cache layout
        return None
    return measurement if measurement is not None and measurement.flops_per_second > 0 else None  # 0: a stopped run


def _write_cache(measurement: FlopsMeasurement) -> None:
    data = _read_cache()
    data[_cache_key(measurement.device, measurement.dtype)] = asdict(measurement)
    target = paths.cache_dir() / CACHE_FILE
    write_text_atomic(target, json.dumps(data, indent=1))


def measure_flops(device: str = "cpu", dtype: str = "float32", *, size: int = 1024, budget_s: float = 0.6,
                  should_stop: threading.Event | None = None, use_cache: bool = True) -> FlopsMeasurement:
    """Best-of-several `size`×`size` matmuls within about `budget_s` seconds. Cached per device/dtype."""
    if use_cache and (cached := cached_flops(device, dtype)) is not None:
        return cached
    import torch

    from playground.core.models.devices import torch_dtype

    dev = torch.device(device)
    a = torch.randn(size, size, device=dev, dtype=torch_dtype(dtype))  # (n, n)
    b = torch.randn(size, size, device=dev, dtype=torch_dtype(dtype))
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    (a @ b).sum().item()  # warm-up
    started, best = time.perf_counter(), float("inf")
    while time.perf_counter() - started < budget_s or best == float("inf"):
        if should_stop is not None and should_stop.is_set():
            break
        t = time.perf_counter()
        a @ b
        sync()
        best = min(best, time.perf_counter() - t)
    measurement = FlopsMeasurement(device, dtype, 2.0 * size**3 / best, size, time.perf_counter() - started)
    if best < float("inf"):  # stopped before one matmul was timed: 0 FLOP/s, never cached
        _write_cache(measurement)
    return measurement
