"""Regenerate the README screenshots by driving the real app offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [main training optimize]

Uses a temporary data dir (runs are not added to yours). Takes a few minutes on a laptop CPU: the
training shot trains the default char-level preset for TRAIN_SECONDS first.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PLAYGROUND_DATA_DIR", tempfile.mkdtemp(prefix="playground-shots-"))
DOCS = Path(__file__).resolve().parent
TRAIN_SECONDS = 90
SIZE = (1500, 920)


def wait(app, condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.02)


def pump(app, seconds: float) -> None:
    wait(app, lambda s=time.monotonic() + seconds: time.monotonic() > s, seconds + 1)


def main(which: list[str]) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QApplication.setOrganizationName("LLMPlaygroundScreenshots")  # not the user's settings
    app = QApplication(sys.argv)
    QSettings().clear()
    from playground.ui.shell.main_window import MainWindow

    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    controller = window.controller
    wait(app, lambda: controller.session is not None and not controller.busy, 300)

    if "main" in which:
        chat = window.tab("chatTab")
        # the fast engine builds its ONNX model on the very first start: wait for it
        wait(app, lambda: chat.engine_status.text() in ("ready", "unavailable", ""), 300)
        chat.sampling.temperature.setValue(0.0)
        chat.send("What is the capital of France?")
        wait(app, lambda: not chat.is_generating(), 120)
        chat.sampling.temperature.setValue(0.8)
        chat.sampling.seed.setValue(3)
        chat.send("Write a two-line poem about the sea.")
        wait(app, lambda: not chat.is_generating(), 300)
        last = len(chat.messages) - 1
        chat.inspect_token(last, 4)
        pump(app, 3)
        window.grab().save(str(DOCS / "screenshot.png"))

    if "training" in which:
        training = window.tab("trainingTab")
        window.show_tab("trainingTab")
        training.apply_preset("char-gpt")
        training.start_button.click()
        pump(app, TRAIN_SECONDS)
        window.grab().save(str(DOCS / "training.png"))
        training.stop_button.click()
        wait(app, lambda: not training.is_training, 120)

    if "optimize" in which:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QListWidget

        optimize = window.tab("optimizeTab")
        window.show_tab("optimizeTab")
        techniques = optimize.findChild(QListWidget, "techniqueList")
        for i in range(techniques.count()):
            item = techniques.item(i)
            keep = item.data(Qt.UserRole) in ("bfloat16", "int8-dynamic", "int4-weight", "heads")
            item.setCheckState(Qt.Checked if keep else Qt.Unchecked)
        optimize.run()
        wait(app, lambda: not optimize.busy, 900)
        pump(app, 1)
        window.grab().save(str(DOCS / "optimize.png"))

    window.close()


if __name__ == "__main__":
    main(sys.argv[1:] or ["main", "training", "optimize"])
