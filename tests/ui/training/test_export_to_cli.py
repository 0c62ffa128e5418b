"""The Training tab's "Export run config…" file runs as is with `playground train`."""

import json
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from playground.core.training import runs
from playground.core.training.config import TrainConfig


def test_an_exported_config_trains_from_the_command_line(window, qtbot, tmp_path, monkeypatch):
    tab = window.tab("trainingTab")
    tab.set_config(TrainConfig.from_dict({
        "model": {"n_layer": 1, "n_head": 2, "n_embd": 32, "context_length": 32},
        "max_steps": 4, "batch_size": 4, "eval_every": 0, "sample_every": 0, "seed": 5}))
    exported = tmp_path / "exported.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(exported), "JSON (*.json)"))
    qtbot.mouseClick(tab.findChild(QPushButton, "exportConfigButton"), Qt.LeftButton)
    assert json.loads(exported.read_text())["max_steps"] == 4

    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "playground", "train", str(exported), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert [r["step"] for r in runs.read_metrics(out)] == [1, 2, 3, 4]
    assert runs.read_status(out)["status"] == "finished" and (out / "model" / "config.json").exists()
