"""The bench's llama.cpp anchors: skipped with one note without a build; llama.cpp's output read right."""

import json
import os
from pathlib import Path

import pytest

from playground.bench import anchors
from playground.bench.common import Row, write_results
from playground.bench.perplexity import WINDOW, bench_ids, bench_text, window_count

BUILD = Path(os.environ.get("LLAMA_CPP_DIR") or Path.home() / ".cache/llama.cpp-anchor/noamx/bin")
HAVE_BUILD = all(os.access(BUILD / tool, os.X_OK) for tool in anchors.TOOLS)


@pytest.mark.parametrize("environ, said", [
    ({}, "anchors skipped: set LLAMA_CPP_DIR"),
    ({"LLAMA_CPP_DIR": "/no/such/llama.cpp/bin"}, "anchors skipped: LLAMA_CPP_DIR=/no/such/llama.cpp/bin has no "
                                                  "llama-bench, llama-perplexity, llama-tokenize"),
])
def test_without_a_llama_cpp_build_the_section_is_one_note(tmp_path, capsys, environ, said):
    notes = []
    assert anchors.run(None, environ=environ, notes=notes) == []
    assert len(notes) == 1 and notes[0].startswith(said)
    assert capsys.readouterr().out.strip() == notes[0]
    table = write_results([], tmp_path, {"notes": notes}).read_text()
    assert f"Note: {notes[0]}" in table


def test_a_folder_missing_one_tool_is_named(tmp_path):
    for tool in ("llama-bench", "llama-tokenize"):
        (tmp_path / tool).write_text("#!/bin/sh\n")
        (tmp_path / tool).chmod(0o755)
    assert anchors.find_llama_cpp({"LLAMA_CPP_DIR": str(tmp_path)}) == (
        None, f"anchors skipped: LLAMA_CPP_DIR={tmp_path} has no llama-perplexity")


def test_llama_bench_json_and_perplexity_output_are_parsed():
    record = {"build_commit": "c392e5094", "build_number": 4748, "n_threads": 2, "avg_ns": 1, "stddev_ts": 0.5}
    text = json.dumps([dict(record, n_prompt=64, n_gen=0, avg_ts=812.25), dict(record, n_prompt=0, n_gen=128,
                                                                              avg_ts=96.5)])
    assert anchors.parse_llama_bench(text) == anchors.LlamaBench(812.25, 96.5, "b4748 (c392e5094)")
    tg_only = json.dumps([dict(record, n_prompt=0, n_gen=128, avg_ts=96.5)])  # -p 0: the interleaved rounds
    assert anchors.parse_llama_bench(tg_only) == anchors.LlamaBench(0.0, 96.5, "b4748 (c392e5094)")
    stdout = "[1]17.2371,[2]20.4402,[3]18.5285,\n"
    stderr = "perplexity_v2: have 9577 tokens. Calculation chunk = 256\n"
    assert anchors.parse_llama_perplexity(stdout, stderr) == (18.5285, 3, 9577, 256)


def test_the_bench_ids_are_whole_windows(builtin_session):
    ids = bench_ids(builtin_session.tokenizer)
    all_ids = builtin_session.tokenizer(bench_text(), add_special_tokens=False)["input_ids"]
    assert (len(ids) - 1) % (WINDOW - 1) == 0 and (len(ids) - 1) // (WINDOW - 1) == window_count(len(all_ids)) > 30
    assert ids == all_ids[:len(ids)]
    assert bench_ids(builtin_session.tokenizer, windows=2) == ids[:2 * (WINDOW - 1) + 1]


@pytest.mark.skipif(not HAVE_BUILD, reason="no llama.cpp build (LLAMA_CPP_DIR or ~/.cache/llama.cpp-anchor)")
def test_a_real_llama_cpp_tokenizes_the_bench_text_as_the_app_does_and_its_json_parses(tmp_path, builtin_session):
    from playground.core.models import sources

    gguf = sources.builtin_gguf()
    text = tmp_path / "text.txt"
    text.write_text(bench_text(4_000), encoding="utf-8")
    ours = builtin_session.tokenizer(bench_text(4_000), add_special_tokens=False)["input_ids"]
    assert anchors.llama_tokenize(BUILD, gguf, text) == ours
    bench = anchors.run_llama_bench(BUILD, gguf, repeats=1, prompt_tokens=8, gen_tokens=4)  # about a second
    assert bench.pp_tokens_per_s > 0 and bench.tg_tokens_per_s > 0
    assert bench.version.startswith("b") or bench.version == "unknown"  # a build from a snapshot has no git number


def test_the_gguf_engines_are_held_against_llama_cpp_round_by_round():
    """The machine got faster between rounds: each round's ratio is what counts, not the medians' ratio."""
    theirs, mine = [100.0, 150.0, 180.0], [104.0, 140.0, 185.0]  # ratios 1.04, 0.933, 1.028
    row = anchors.interleaved_row("Fast (GGUF Q4_1, int8 activations)", 1.0, mine, theirs)
    assert row.figure == 140.0 and row.ratio == pytest.approx(1.028, abs=1e-3) and row.passed is True
    assert row.target == ">= 1x" and "3 rounds" in row.what and "median 150.0" in row.reference_label
    exact = anchors.interleaved_row("Exact (GGUF Q4_1)", 0.8, [75.0, 110.0, 120.0], theirs)
    assert exact.ratio == pytest.approx(0.733, abs=1e-3) and exact.passed is False


def test_the_engines_sections_decode_is_shown_beside_llama_cpp_for_reference_only():
    rows = [Row("anchors", "llama.cpp b1 (abc), model.gguf, tg128 (2 threads)", 100.0, "tok/s"),
            Row("engines", "Fast (GGUF Q4_1, int8 activations), decode, 128 greedy tokens", 104.0, "tok/s", 20.0),
            Row("engines", "Exact (GGUF Q4_1), decode, 128 greedy tokens", 75.0, "tok/s", 20.0),
            Row("engines", "Exact (GGUF Q4_1), time to first token (18-token prompt)", 40.0, "ms")]
    fast, exact = anchors.ratio_rows(rows)
    assert fast.what.startswith("Fast (GGUF Q4_1, int8 activations), decode") and fast.ratio == pytest.approx(1.04)
    assert fast.target == "" and fast.passed is None and "minutes apart" in fast.what
    assert exact.reference == 100.0 and exact.ratio == pytest.approx(0.75)
    assert anchors.ratio_rows(rows[1:]) == []  # no llama.cpp in this run: no ratio


def test_llama_cpp_runs_without_the_openmp_setting_the_app_made_for_torch(monkeypatch):
    import playground

    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    monkeypatch.setattr(playground, "SET_FOR_TORCH", ("OMP_WAIT_POLICY",))  # the app set it (the usual case)
    env = playground.foreign_environment()
    assert "OMP_WAIT_POLICY" not in env and env["PATH"] == os.environ["PATH"]
    monkeypatch.setattr(playground, "SET_FOR_TORCH", ())  # the user set it: theirs goes on to llama.cpp too
    assert playground.foreign_environment()["OMP_WAIT_POLICY"] == "PASSIVE"
