"""The Qt binding the app runs on: no refcount leak on void calls, the import-scan shortcut in place."""

import subprocess
import sys

# The 20,000-call repro: on PySide6 6.12.0 + CPython 3.11 it aborts with "none_dealloc" (or, run
# shorter, shows None's reference count falling by one per void call).
REPRO = """
import sys
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
image = QImage(8, 8, QImage.Format_ARGB32)
painter = QPainter(image)
widget = QWidget()
before = sys.getrefcount(None)
for i in range(20_000):
    painter.setPen(QPen())
    painter.drawLine(QPoint(0, 0), QPoint(7, 7))
    widget.setObjectName("w")
    widget.setVisible(False)
painter.end()
print(before - sys.getrefcount(None))
"""


def test_void_qt_calls_do_not_drop_references_to_none():
    done = subprocess.run([sys.executable, "-c", REPRO], capture_output=True, text=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", **_env()})
    assert done.returncode == 0, f"the binding crashed (PySide6 6.12.0?): {done.stderr[-400:]}"
    lost = int(done.stdout.strip().splitlines()[-1])
    assert lost < 1_000, f"{lost} references to None lost in 80,000 void calls: pin PySide6 below the bad release"


def test_the_import_scan_shortcut_is_installed():
    import playground.ui  # noqa: F401 - installs it
    from shibokensupport import feature

    assert getattr(feature._mod_uses_pyside, "playground_fast_path", False)
    import json

    assert feature._mod_uses_pyside(json) is False


def _env():
    import os

    return {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
