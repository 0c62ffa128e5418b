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


# The modules a child process may run through the app itself (`--run-module`) when it is frozen.
CHILD_MODULES = ("playground.core.engines.model_builder", "playground.core.engines.gguf_build")


def frozen() -> bool:
    """True in the packaged app (PyInstaller sets `sys.frozen`): `sys.executable` is the app, not Python."""
    import sys

    return bool(getattr(sys, "frozen", False))


def module_command(module: str) -> list[str]:
    """The command that runs `python -m module` in a child process, in the packaged app too (there the
    app's own `--run-module` entry point runs it: there is no Python interpreter beside it)."""
    import sys

    if module not in CHILD_MODULES:
        raise ValueError(f"{module!r} is not a module the app runs in a child process")
    return [sys.executable, "--run-module", module] if frozen() else [sys.executable, "-m", module]
