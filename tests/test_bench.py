"""The benchmark script must not rot: run its quick mode (tiny sizes, one repeat) and read the table back.
No timing is asserted: figures depend on the machine; targets are checked by `make bench` itself."""

import json
import os
import subprocess
import sys


def _quick(tmp_path, sections: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "playground.bench", "--quick", "--only", sections,
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLAYGROUND_DATA_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-2000:]
    rows = json.loads((tmp_path / "results.json").read_text())["rows"]
    return {r["what"]: r for r in rows}


def test_quick_bench_writes_a_table_and_json(tmp_path):
    rows = _quick(tmp_path, "generation")
    table = (tmp_path / "results.md").read_text()
    assert "| generation | app chat path, float32" in table
    float32 = next(r for what, r in rows.items() if what.startswith("app chat path, float32"))
    assert float32["figure"] > 0 and float32["reference"] > 0 and float32["ratio"] > 0


def test_rewrite_makes_the_same_table_from_the_json(tmp_path):
    rows = _quick(tmp_path, "inspection")
    table = (tmp_path / "results.md").read_text()
    (tmp_path / "results.md").write_text("stale")
    out = subprocess.run([sys.executable, "-m", "playground.bench", "--rewrite", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "results.md").read_text() == table and len(rows) >= 4


def test_quick_bench_covers_training_inspection_and_the_gui(tmp_path):
    rows = _quick(tmp_path, "training,inspection,gui")
    trainer = next(r for what, r in rows.items() if what.startswith("core trainer, char GPT"))
    assert trainer["reference_label"].startswith("plain loop") and trainer["figure"] > 0 < trainer["reference"]
    tokenizing = next(r for what, r in rows.items() if what.startswith("char tokenizing"))
    assert tokenizing["figure"] > 0 < tokenizing["reference"]
    exact = next(r for what, r in rows.items() if "parameters by formula" in what)
    assert exact["passed"] is True and exact["ratio"] == 1.0  # formulas equal the meta-device count
    assert any(r["section"] == "inspection" and r["what"].startswith("attention capture") for r in rows.values())
    gui = {r["section"] for r in rows.values()}
    assert {"training", "inspection", "gui overhead", "responsiveness"} <= gui
    stalls = [r for r in rows.values() if r["section"] == "responsiveness"]
    assert {s["what"].split("during ")[1].split(" (")[0] for s in stalls} == {
        "model load", "fast engine start", "generation", "training"}
    assert all(s["figure"] > 0 for s in stalls)
    overheads = [r for r in rows.values() if r["section"] == "gui overhead"]
    assert len(overheads) == 3 and all(r["reference"] > 0 and r["figure"] > 0 for r in overheads)


def test_quick_bench_covers_the_basics_tab(tmp_path):
    rows = _quick(tmp_path, "basics")
    rate = next(r for what, r in rows.items() if what.startswith("decision boundary + neuron thumbnails"))
    assert rate["section"] == "basics" and rate["unit"] == "Hz" and rate["figure"] > 0
    stalls = [r for r in rows.values() if r["section"] == "responsiveness"]
    assert {s["what"].split("during basics ")[1] for s in stalls} == {"decision-boundary training",
                                                                       "digits training"}
    assert all(s["figure"] > 0 and s["unit"] == "ms" for s in stalls)
