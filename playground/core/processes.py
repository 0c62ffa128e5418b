"""Whether another process still runs: for files a process leaves while it works (a training run's
status, a half-written model conversion), so what a killed one left can be told apart and cleaned up."""

from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """True while process `pid` exists on this machine (someone else's counts too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # alive but not ours; or a number no process has
        return True
    return True
