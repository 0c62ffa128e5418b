"""The benchmark script must not rot: run its quick mode on one section and read the table back."""

import json
import os
import subprocess
import sys


def test_quick_bench_writes_a_table_and_json(tmp_path):
    out = subprocess.run([sys.executable, "-m", "playground.bench", "--quick", "--only", "generation",
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-2000:]
    table = (tmp_path / "results.md").read_text()
    assert "| generation | app chat path, float32" in table
    rows = json.loads((tmp_path / "results.json").read_text())["rows"]
    float32 = next(r for r in rows if r["what"].startswith("app chat path, float32"))
    assert float32["figure"] > 0 and float32["reference"] > 0 and float32["ratio"] > 0
