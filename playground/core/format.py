"""Numbers for people: parameter counts and byte sizes. No torch, no Qt (the window uses these at start-up)."""

from __future__ import annotations


def human_count(n: float, digits: int = 2) -> str:
    """134_515_008 -> '134.52M' (digits after the point; below a thousand the plain integer)."""
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= size:
            return f"{n / size:.{digits}f}{unit}"
    return str(int(n))


def human_bytes(n: float) -> str:
    """Binary units: 537_919_488 -> '513.0 MiB'."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"
