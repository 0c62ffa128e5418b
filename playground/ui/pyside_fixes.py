"""Work-arounds for bugs in the Qt binding, applied once when `playground.ui` is imported.

PySide6 6.12.0 on CPython 3.11: every call of a Qt method that returns nothing (QPainter.setPen,
drawLine, QWidget.setObjectName, …) drops one reference to `None` that it never took, and some paths
in pyqtgraph's painting do the same to True/False. pyqtgraph paints with such calls, so after ~10^5
of them (a minute or two of live plots) the count reaches zero and Python aborts with
"Fatal Python error: none_dealloc: deallocating None" (or bool_dealloc). CPython 3.12+ makes these
objects immortal, so the fix is only needed before that.
"""

from __future__ import annotations

import ctypes
import platform
import sys

_PROTECTION = 1 << 40  # ~10^12 spare references: years of painting


def protect_singletons() -> bool:
    """Give None, True and False huge reference counts so leaked decrements never free them.
    True if applied (CPython < 3.12, once)."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    if sys.getrefcount(None) > _PROTECTION // 2:
        return False  # already applied
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))  # PyObject.ob_refcnt is the first field
        refcount.value += _PROTECTION
    return True
