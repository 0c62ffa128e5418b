"""Helpers of the Optimize tab for files: report text, export paths, variant folders, load settings."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from playground.ui.i18n import translate


def report_text(results: list, settings, path: Path) -> str:
    """The report as CSV (for a .csv path) or Markdown with a line saying how it was measured."""
    from playground.core.optimize.report import to_csv, to_markdown

    rows = [r.metrics for r in results]
    if path.suffix.lower() == ".csv":
        return to_csv(rows)
    source = Path(settings.text_file).name if settings.text_file else "the built-in text (pydoc topics)"
    models = ", ".join(sorted({r.base_name for r in results if r.base_name}))
    return to_markdown(rows, details=f"Model: {models}. Perplexity on {settings.ppl_tokens} tokens of {source}; "
                                     f"tokens/s from {settings.new_tokens} greedy tokens of the prompt "
                                     f"“{settings.prompt}”.")


def ask_export_path(parent: QWidget, fmt: str) -> str:
    """A save dialog for the report; '' if cancelled. Adds the extension when the user left it out."""
    from playground.core import paths

    default = str(paths.data_dir() / f"optimize-report.{fmt}")
    name = "Markdown (*.md)" if fmt == "md" else "CSV (*.csv)"
    path, _ = QFileDialog.getSaveFileName(parent, translate("OptimizeTab", "Export the report"), default, name)
    if path and not path.lower().endswith(f".{fmt}"):
        path += f".{fmt}"
    return path


def variant_folder(result) -> Path:
    """A new folder under data_dir()/variants for `result` (never overwrites an earlier save)."""
    from playground.core import paths

    root = paths.data_dir() / "variants"
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{result.base_name.split(' ')[0]}-{result.metrics.name}").strip("-")
    folder, n = root / stem, 2
    while folder.exists():
        folder, n = root / f"{stem}-{n}", n + 1
    return folder


def load_settings(result, current_device: str) -> tuple[str, str]:
    """(device, dtype) to load a saved variant with: its own precision; dynamic int8 runs on the CPU only."""
    dtype = result.metrics.dtype if result.metrics.dtype in ("float32", "bfloat16", "float16") else "float32"
    device = "cpu" if getattr(result.spec, "method", "") == "int8-dynamic" else current_device.split(":")[0]
    return device, dtype
