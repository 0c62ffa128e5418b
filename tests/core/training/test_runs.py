"""Runs on disk: metrics.jsonl read whole, or incrementally through a MetricsCache."""

from __future__ import annotations

import json

from playground.core.training import runs


def row(step: int) -> dict:
    return {"step": step, "loss": 5.0 - step / 10, "val_loss": None}


def test_the_cache_reads_only_appended_lines_and_notices_a_rewrite(tmp_path, monkeypatch):
    path = tmp_path / "metrics.jsonl"
    log = runs.MetricsLog(tmp_path)
    for step in (1, 2, 3):
        log.append(row(step))
    cache = runs.MetricsCache()
    assert cache.rows(tmp_path) == [row(1), row(2), row(3)] == runs.read_metrics(tmp_path)

    parsed: list[str] = []
    original = runs._parse_lines
    monkeypatch.setattr(runs, "_parse_lines", lambda text: parsed.append(text) or original(text))
    log.append(row(4))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"step": 5, "lo')  # a line still being written
    assert cache.rows(tmp_path) == [row(1), row(2), row(3), row(4)]
    assert parsed == [json.dumps(row(4)) + "\n"]  # only the new complete line was parsed
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('ss": 4.5, "val_loss": null}\n')
    assert cache.rows(tmp_path)[-1] == row(5)
    log.close()

    resumed = runs.MetricsLog(tmp_path, keep_up_to_step=2)  # a resume rewrites the file
    resumed.append(row(3))
    resumed.close()
    assert cache.rows(tmp_path) == [row(1), row(2), row(3)] == runs.read_metrics(tmp_path)
    path.unlink()
    assert cache.rows(tmp_path) == []


def test_rows_handed_out_are_not_changed_by_later_reads(tmp_path):
    log = runs.MetricsLog(tmp_path)
    log.append(row(1))
    cache = runs.MetricsCache()
    first = cache.rows(tmp_path)
    log.append(row(2))
    log.close()
    assert len(cache.rows(tmp_path)) == 2 and first == [row(1)]
