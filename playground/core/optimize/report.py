"""The Optimize report as text: table cells for the UI, Markdown and CSV exports (written atomically)."""

from __future__ import annotations

import csv
import io
from typing import Sequence

from playground.core.optimize.evaluation import VariantMetrics
from playground.core import format as fmt
from playground.core.i18n import QT_TRANSLATE_NOOP

HEADERS = (QT_TRANSLATE_NOOP("Core", "Variant"), QT_TRANSLATE_NOOP("Core", "Parameters"),
           QT_TRANSLATE_NOOP("Core", "Non-zero"), QT_TRANSLATE_NOOP("Core", "Memory"),
           QT_TRANSLATE_NOOP("Core", "On disk"), QT_TRANSLATE_NOOP("Core", "Tokens/s"),
           QT_TRANSLATE_NOOP("Core", "Perplexity"), QT_TRANSLATE_NOOP("Core", "Greedy answer"))
CSV_FIELDS = ("name", "method", "params_total", "params_nonzero", "sparsity", "memory_bytes", "disk_bytes",
              "tokens_per_s", "perplexity", "dtype", "device", "note", "answer")


def _change(value: float, base: float | None) -> str:
    if not base or value == base:
        return ""
    return f" ({(value / base - 1) * 100:+.0f}%)"


def cells(row: VariantMetrics, original: VariantMetrics | None) -> list[str]:
    """The report row as text; sizes, speed and perplexity show their change against the original."""
    o = original if original is not None and original is not row else None
    return [
        row.name,
        fmt.count(row.params_total) + _change(row.params_total, o and o.params_total),
        f"{fmt.count(row.params_nonzero)} ({1 - row.sparsity:.0%})",
        fmt.nbytes(row.memory_bytes) + _change(row.memory_bytes, o and o.memory_bytes),
        fmt.nbytes(row.disk_bytes) + _change(row.disk_bytes, o and o.disk_bytes),
        f"{row.tokens_per_s:.{1 if row.tokens_per_s >= 1 else 2}f}" + _change(row.tokens_per_s, o and o.tokens_per_s),
        f"{row.perplexity:.2f}" + _change(row.perplexity, o and o.perplexity),
        row.answer,
    ]


def bases(rows: Sequence[VariantMetrics]) -> list[VariantMetrics | None]:
    """For each row, the original it is compared with: the last "original" row at or above it."""
    result, current = [], None
    for row in rows:
        current = row if row.method == "original" else current
        result.append(current)
    return result


def to_markdown(rows: Sequence[VariantMetrics], title: str = "Optimize report", details: str = "") -> str:
    lines = [f"# {title}", ""]
    if details:
        lines += [details, ""]
    lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row, base in zip(rows, bases(rows)):
        text = [c.replace("|", "\\|").replace("\n", " ") for c in cells(row, base)]
        lines.append("| " + " | ".join(text) + " |")
    notes = [f"- **{r.name}**: {r.note}" for r in rows if r.note]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def to_csv(rows: Sequence[VariantMetrics]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        values = {f: getattr(row, f) for f in CSV_FIELDS}
        values["sparsity"] = round(row.sparsity, 6)
        writer.writerow(values)
    return out.getvalue()
