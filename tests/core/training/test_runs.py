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


def _run(name: str, status=None, state=None) -> "runs.Path":
    run = runs.new_run_dir(name)
    (run / "config.json").write_text("{}\n")
    if status is not None:
        (run / "status.json").write_text(status)
    if state is not None:
        (run / "checkpoints" / "step-00000010").mkdir(parents=True)
        (run / "checkpoints" / "step-00000010" / "state.json").write_text(state)
    return run


def test_a_damaged_run_is_listed_as_damaged_with_its_reason_and_hides_no_other_run():
    good = _run("good-run", status=json.dumps({"status": "finished", "message": "Finished.", "step": 3, "loss": 1.5}))
    cases = {
        _run("empty-state", status=json.dumps({"status": "stopped"}), state=""): "state.json: it is empty",
        _run("bad-state", state='{"step": 1'): "state.json: not valid JSON",
        _run("list-status", status="[1, 2]"): "status.json is damaged (it holds a list, not an object)",
        _run("empty-status", status=""): "status.json is damaged (it is empty)",
        _run("text-step", status=json.dumps({"status": "finished", "step": "ten"})): "step that is not a number",
        _run("deep-status", status="[" * 100_000 + "]" * 100_000): "status.json is damaged",
        _run("binary-status", status="\udcff".encode("utf-8", "surrogateescape").decode("latin-1")): "damaged",
    }
    listed = {r.path: r for r in runs.list_runs()}
    assert listed[good].status == "finished" and listed[good].steps == 3 and listed[good].last_loss == 1.5
    for run, reason in cases.items():
        assert listed[run].status == "damaged" and reason in listed[run].message, (run.name, listed[run].message)


def test_a_damaged_checkpoint_is_a_clear_error_naming_it(tmp_path):
    folder = tmp_path / "step-00000007"
    folder.mkdir()
    (folder / "state.json").write_text('{"step": "7"}')
    try:
        runs.read_checkpoint_state(folder)
    except runs.PlaygroundError as exc:
        assert "step-00000007 is damaged" in str(exc) and '"step" is not a whole number' in str(exc)
    else:
        raise AssertionError("a damaged state.json was read as good")
