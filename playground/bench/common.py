"""Rows, repeats and the results table shared by every benchmark section."""

from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator


@dataclass(frozen=True)
class Row:
    section: str
    what: str
    figure: float
    unit: str
    reference: float | None = None  # the plain-PyTorch (or other) twin, measured in the same run
    reference_label: str = ""
    target: str = ""  # e.g. ">= 0.95x", "< 1.5 s"
    passed: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.reference in (None, 0):
            return None
        return self.figure / self.reference


@contextmanager
def fresh_onnx_dir(prefix: str) -> Iterator[Path]:
    """An empty temporary folder as the app's ONNX engine cache (PLAYGROUND_ONNX_DIR) while the block runs:
    engines are built from scratch, and the user's cache is neither read nor written. The variable is put
    back as it was."""
    previous = os.environ.get("PLAYGROUND_ONNX_DIR")
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        os.environ["PLAYGROUND_ONNX_DIR"] = tmp
        try:
            yield Path(tmp)
        finally:
            if previous is None:
                os.environ.pop("PLAYGROUND_ONNX_DIR", None)
            else:
                os.environ["PLAYGROUND_ONNX_DIR"] = previous


def median_of(fn: Callable[[], float], repeats: int) -> float:
    return statistics.median(fn() for _ in range(repeats))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def machine_summary() -> dict:
    import torch

    flags = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        flags = "avx512" if "avx512f" in cpuinfo else "avx2" if "avx2" in cpuinfo else "baseline"
    except OSError:
        pass
    return {"platform": platform.platform(), "python": platform.python_version(), "torch": torch.__version__,
            "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(), "simd": flags,
            "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,} {unit}".strip()
    text = f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def _load_note(meta: dict) -> list[str]:
    """How busy the machine was: other programs' work slows every figure (ratios suffer less)."""
    load, cpus = meta.get("load_average"), (meta.get("machine") or {}).get("cpus")
    if not load:
        return []
    # the end figure includes the bench's own work (it keeps the cores busy), so only the start tells
    busy = " — other programs were running: a contended machine" if load[0] > 0.5 else " — idle at the start"
    return [f"Load average (1 min) at start / end: {load[0]:.2f} / {load[1]:.2f} on {cpus} CPUs{busy} "
            "(the end figure includes the bench's own work)."]


def rewrite_results(out_dir: Path) -> Path:
    """results.md again from results.json (after a change to the table's format; nothing is re-measured)."""
    data = json.loads((out_dir / "results.json").read_text(encoding="utf-8"))
    rows = [Row(**{k: v for k, v in row.items() if k != "ratio"}) for row in data["rows"]]
    return write_results(rows, out_dir, data["meta"])


def write_results(rows: list[Row], out_dir: Path, meta: dict) -> Path:
    """bench/results.md (a table) and its JSON twin, each written atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# Benchmark results", "", f"Machine: {meta.get('machine')}", f"Run: {meta.get('started')}, "
             f"mode {meta.get('mode')}, {meta.get('repeats')} repeats (median)", *_load_note(meta),
             *(f"Note: {note}" for note in meta.get("notes") or ()), "",
             "| section | what | figure | reference | ratio | target | ok |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        ref = f"{_fmt(r.reference, r.unit)} ({r.reference_label})" if r.reference is not None else "–"
        ok = "–" if r.passed is None else ("yes" if r.passed else "**no**")
        lines.append(f"| {r.section} | {r.what} | {_fmt(r.figure, r.unit)} | {ref} | "
                     f"{_fmt(r.ratio) + 'x' if r.ratio is not None else '–'} | {r.target or '–'} | {ok} |")
    md = out_dir / "results.md"
    js = out_dir / "results.json"
    for path, text in ((md, "\n".join(lines) + "\n"),
                       (js, json.dumps({"meta": meta, "rows": [dict(asdict(r), ratio=r.ratio) for r in rows]},
                                       indent=2))):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return md
