"""Numbers for people: parameter counts, bytes, FLOPs, durations, token labels. No torch, no Qt (the
window uses these at start-up). One precision per quantity: counts, bytes and FLOPs one decimal
("134.5M", "513.0 MiB", "1.2 TFLOP")."""

from __future__ import annotations

from playground.core.i18n import QT_TRANSLATE_NOOP


def count(n: float) -> str:
    """134_515_008 -> '134.5M'; below a thousand the plain integer."""
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.1f}{unit}"
    return f"{n:.0f}"


def exact(n: float) -> str:
    """134515008 -> '134,515,008'."""
    return f"{int(round(n)):,}"


def nbytes(n: float) -> str:
    """Binary units: 537_919_488 -> '513.0 MiB'."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def flops(n: float) -> str:
    for unit, size in (("E", 1e18), ("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.1f} {unit}FLOP"
    return f"{n:.0f} FLOP"


# duration()'s units, marked for the UI's translation (core/i18n.py; ui.i18n.duration shows them translated)
DURATION_UNITS = (QT_TRANSLATE_NOOP("Core", "years"), QT_TRANSLATE_NOOP("Core", "days"),
                  QT_TRANSLATE_NOOP("Core", "h"), QT_TRANSLATE_NOOP("Core", "min"))


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.1f} s"


def token_label(text: str, limit: int = 14) -> str:
    """A token as a readable label: whitespace made visible, long ones shortened."""
    shown = text.replace("\n", "↵").replace("\t", "⇥").replace("\r", "")
    if not shown.strip():
        shown = "␣" * len(shown) if shown else "∅"
    else:
        shown = shown.strip() if len(shown.strip()) > 0 else shown
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
