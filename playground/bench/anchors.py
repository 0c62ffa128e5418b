"""llama.cpp beside the app's engines, on the built-in model's own GGUF file: the anchor figures.

Runs when `LLAMA_CPP_DIR` names a folder with llama.cpp's `llama-bench`, `llama-perplexity` and
`llama-tokenize` (a build's `bin/`); otherwise the section is one note. Measured:
- `llama-bench -t 2 -p 64 -n 128`: prompt processing (pp64) and generation (tg128) at 2 threads;
- perplexity on the bench's ids (bench/perplexity.py), beside PyTorch float32 on the same windows. llama.cpp
  tokenizes the text itself, so the section first checks with `llama-tokenize` that it makes the very ids
  the app does, and then that llama-perplexity counted that many; otherwise the figure is left out.

On CPUs with AMX, llama.cpp's AMX path gave wrong results for Q4_1 (perplexity ~10x too high; llama.cpp
PR #16315): compare against a build with AMX off (`-mno-amx-tile -mno-amx-int8 -mno-amx-bf16`).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playground import foreign_environment
from playground.bench.common import Row, fresh_onnx_dir

TOOLS = ("llama-bench", "llama-perplexity", "llama-tokenize")
THREADS = 2
PROMPT_TOKENS, GEN_TOKENS = 64, 128
SECTION = "anchors"


@dataclass(frozen=True)
class LlamaBench:
    pp_tokens_per_s: float
    tg_tokens_per_s: float
    version: str  # "b4748 (c392e5094)"


def find_llama_cpp(environ=None) -> tuple[Path | None, str]:
    """(the folder with llama.cpp's tools, '') or (None, why the section is skipped)."""
    folder = (environ if environ is not None else os.environ).get("LLAMA_CPP_DIR", "").strip()
    if not folder:
        return None, "anchors skipped: set LLAMA_CPP_DIR to a llama.cpp build's bin/ folder to run llama.cpp beside"
    path = Path(folder).expanduser()
    missing = [t for t in TOOLS if not os.access(path / t, os.X_OK)]
    if missing:
        return None, f"anchors skipped: LLAMA_CPP_DIR={folder} has no {', '.join(missing)}"
    return path, ""


def parse_llama_bench(text: str) -> LlamaBench:
    """llama-bench's `-o json`: one record per test (n_prompt > 0: pp, n_gen > 0: tg; a run of one kind
    gives 0 for the other)."""
    records = json.loads(text)
    pp = next((r for r in records if r.get("n_prompt", 0) > 0 and r.get("n_gen", 0) == 0), None)
    tg = next((r for r in records if r.get("n_gen", 0) > 0 and r.get("n_prompt", 0) == 0), None)
    if pp is None and tg is None:
        raise ValueError("llama-bench reported no pp or tg test")
    first = pp or tg
    number, commit = first.get("build_number"), first.get("build_commit") or "unknown"
    version = f"b{number} ({commit})" if number else str(commit)
    return LlamaBench(float(pp["avg_ts"]) if pp else 0.0, float(tg["avg_ts"]) if tg else 0.0, version)


def run_llama_bench(tools: Path, gguf: Path, repeats: int, *, prompt_tokens: int = PROMPT_TOKENS,
                    gen_tokens: int = GEN_TOKENS, timeout: float = 600) -> LlamaBench:
    done = subprocess.run([str(tools / "llama-bench"), "-m", str(gguf), "-t", str(THREADS), "-p", str(prompt_tokens),
                           "-n", str(gen_tokens), "-r", str(max(repeats, 1)), "-o", "json"],
                          capture_output=True, text=True, timeout=timeout, env=foreign_environment())
    if done.returncode != 0:
        raise RuntimeError(f"llama-bench failed ({done.returncode}): {done.stderr[-500:]}")
    return parse_llama_bench(done.stdout)


def llama_tokenize(tools: Path, gguf: Path, text_file: Path, timeout: float = 300) -> list[int]:
    """The ids llama.cpp makes of the file, as llama-perplexity does (no escapes, special tokens as text)."""
    done = subprocess.run([str(tools / "llama-tokenize"), "-m", str(gguf), "-f", str(text_file), "--ids",
                           "--no-escape", "--no-parse-special", "--log-disable"],
                          capture_output=True, text=True, timeout=timeout, env=foreign_environment())
    if done.returncode != 0:
        raise RuntimeError(f"llama-tokenize failed ({done.returncode}): {done.stderr[-500:]}")
    return [int(i) for i in json.loads(done.stdout.strip().splitlines()[-1])]


def parse_llama_perplexity(stdout: str, stderr: str) -> tuple[float, int, int, int]:
    """(perplexity after the last window, windows scored, ids it had, tokens per window) from
    llama-perplexity's output."""
    values = re.findall(r"\[(\d+)\]([0-9.]+|nan|inf)", stdout)
    have = re.search(r"have (\d+) tokens\. Calculation chunk = (\d+)", stderr)
    if not values or have is None:
        raise RuntimeError(f"unexpected llama-perplexity output: {(stdout + stderr)[-500:]}")
    return float(values[-1][1]), int(values[-1][0]), int(have.group(1)), int(have.group(2))


def run_llama_perplexity(tools: Path, gguf: Path, text_file: Path, windows: int,
                         timeout: float = 1800) -> tuple[tuple[float, int, int, int], bool]:
    """(parse_llama_perplexity's figures, whether the build computes with AMX)."""
    from playground.bench.perplexity import WINDOW

    stride = WINDOW - 1
    context = WINDOW - stride // 2  # strided mode widens -c by stride/2: 129 + 127 = 256
    done = subprocess.run([str(tools / "llama-perplexity"), "-m", str(gguf), "-f", str(text_file), "-c", str(context),
                           "--ppl-stride", str(stride), "-b", str(WINDOW), "--chunks", str(windows), "--no-escape",
                           "-t", str(THREADS), "--poll", "0"],  # no spinning: an accuracy figure, not a speed
                          capture_output=True, text=True, timeout=timeout, env=foreign_environment())
    if done.returncode != 0:
        raise RuntimeError(f"llama-perplexity failed ({done.returncode}): {done.stderr[-500:]}")
    return parse_llama_perplexity(done.stdout, done.stderr), bool(re.search(r"AMX_INT8 = 1", done.stderr))


def run(session, *, quick: bool = False, repeats: int = 3, environ=None, notes: list[str] | None = None) -> list[Row]:
    """The anchor rows; a skip (or a left-out figure) is one line, printed and added to `notes`."""
    from playground.core.models import sources

    def say(line: str) -> None:
        print(f"  {line}")
        if notes is not None:
            notes.append(line)

    tools, note = find_llama_cpp(environ)
    gguf = sources.builtin_gguf()
    if tools is None or gguf is None:
        say(note or "anchors skipped: the built-in GGUF is not installed")
        return []
    bench = run_llama_bench(tools, gguf, 1 if quick else repeats)
    name = f"llama.cpp {bench.version}, {gguf.name}"
    rows = [Row(SECTION, f"{name}, pp{PROMPT_TOKENS} ({THREADS} threads)", bench.pp_tokens_per_s, "tok/s"),
            Row(SECTION, f"{name}, tg{GEN_TOKENS} ({THREADS} threads)", bench.tg_tokens_per_s, "tok/s")]
    print(f"  {name}: pp{PROMPT_TOKENS} {bench.pp_tokens_per_s:.1f} tok/s, tg{GEN_TOKENS} "
          f"{bench.tg_tokens_per_s:.1f} tok/s")
    rows += _interleaved_rows(session, tools, gguf, 1 if quick else PAIRED_ROUNDS)
    return rows + _perplexity_rows(session, tools, gguf, name, quick, say)


PAIRED_ROUNDS = 5
RATIO_FLOORS = (("fast", 1.0), ("exact", 0.8))  # issue 18's targets: decode vs llama.cpp's tg128


def _interleaved_rows(session, tools: Path, gguf: Path, rounds: int) -> list[Row]:
    """The GGUF engine's decode on the chat's path (128 greedy tokens, full logits, softmax and top-5 every
    token) against llama.cpp's tg128, in rounds: llama-bench once, then each mode once, and so on. A shared
    machine's speed drifts by tens of percent within minutes, so the targets are the median of the rounds'
    ratios, not two figures measured minutes apart."""
    from playground.bench.engines import STORY, _generate
    from playground.core.engines.gguf_engine import open_gguf_engine
    from playground.core.generation.stream import encode_chat

    prompt = encode_chat(session.tokenizer, [{"role": "user", "content": STORY}])
    with fresh_onnx_dir("bench-anchor-engine-"):
        engines = {mode: open_gguf_engine(gguf, mode) for mode, _ in RATIO_FLOORS}
        for engine in engines.values():
            _generate(engine, session, prompt, 4)  # warm-up
        theirs, mine = [], {mode: [] for mode in engines}
        for _ in range(rounds):
            theirs.append(run_llama_bench(tools, gguf, 1, prompt_tokens=0).tg_tokens_per_s)
            for mode, engine in engines.items():
                mine[mode].append(_generate(engine, session, prompt, GEN_TOKENS).tokens_per_second)
    rows = [interleaved_row(engines[mode].name, floor, mine[mode], theirs) for mode, floor in RATIO_FLOORS]
    for mode, row in zip(mine, rows):
        print(f"  {engines[mode].name}: {row.figure:.1f} tok/s, median ratio {row.ratio:.3f} to llama.cpp "
              f"(rounds: {', '.join(f'{a / b:.2f}' for a, b in zip(mine[mode], theirs))})")
    return rows


def interleaved_row(engine: str, floor: float, mine: list[float], theirs: list[float]) -> Row:
    """One row from paired rounds (`mine[i]` measured right after `theirs[i]`): the figure is the median of
    mine, the ratio the median of the rounds' ratios (the reference is the figure over that ratio)."""
    ratio = statistics.median(a / b for a, b in zip(mine, theirs))
    tps = statistics.median(mine)
    return Row(SECTION, f"{engine}, decode with softmax + top-5 every token vs llama.cpp tg{GEN_TOKENS}, "
                        f"interleaved ({len(mine)} rounds; ratio: the rounds' median)",
               tps, "tok/s", tps / ratio, f"llama.cpp tg{GEN_TOKENS}, same rounds (median {statistics.median(theirs):.1f})",
               f">= {floor:g}x", ratio >= floor)


def _perplexity_rows(session, tools: Path, gguf: Path, name: str, quick: bool, say) -> list[Row]:
    from playground.bench.perplexity import WINDOW, bench_ids, bench_text, torch_logits, window_perplexity

    ids = bench_ids(session.tokenizer, windows=2 if quick else None)
    windows = (len(ids) - 1) // (WINDOW - 1)
    with tempfile.TemporaryDirectory(prefix="bench-anchor-") as tmp:
        text_file = Path(tmp) / "text.txt"
        text_file.write_text(bench_text(), encoding="utf-8")
        theirs = llama_tokenize(tools, gguf, text_file)
        if theirs[:len(ids)] != ids:
            first = next((i for i, (a, b) in enumerate(zip(theirs, ids)) if a != b), min(len(theirs), len(ids)))
            say(f"anchors: llama.cpp perplexity left out: it tokenizes the text differently from id {first} on")
            return []
        (ppl, scored_windows, had, chunk), amx = run_llama_perplexity(tools, gguf, text_file, windows)
    if amx:
        say("anchors: this llama.cpp build computes with AMX, whose Q4_1 results were wrong (perplexity ~10x); "
            "build with -mno-amx-tile -mno-amx-int8 -mno-amx-bf16 to compare")
    if (had, chunk, scored_windows) != (len(theirs), WINDOW, windows):
        say(f"anchors: llama.cpp perplexity left out: llama-perplexity scored {scored_windows} chunks of {chunk} "
            f"of {had} ids, not {windows} of {WINDOW} of {len(theirs)}")
        return []
    reference = window_perplexity(torch_logits(session.model), ids)
    scored = len(ids) - 1
    print(f"  perplexity on {scored} ids ({windows} windows of {WINDOW}): llama.cpp {ppl:.3f}, "
          f"PyTorch float32 {reference:.3f}")
    return [Row(SECTION, f"{name}, perplexity on the bench's {scored} ids ({windows} windows of {WINDOW}, "
                         "tokenized identically)", ppl, "ppl", reference, "Exact float32, same ids",
                "within 2%", abs(ppl / reference - 1) <= 0.02)]


def ratio_rows(rows: list[Row]) -> list[Row]:
    """The engines section's GGUF decode against the tg128 above: measured minutes apart, so for reference
    only (the targets are the interleaved rows'); nothing when either section did not run."""
    tg = next((r for r in rows if r.section == SECTION and f", tg{GEN_TOKENS} " in r.what), None)
    if tg is None:
        return []
    out = []
    for prefix in ("Fast (GGUF", "Exact (GGUF"):
        row = next((r for r in rows if r.section == "engines" and r.what.startswith(prefix) and ", decode, " in r.what),
                   None)
        if row is not None:
            engine = row.what.split(", decode, ")[0]
            out.append(Row(SECTION, f"{engine}, decode (engines section) vs llama.cpp tg{GEN_TOKENS} above, minutes "
                                    "apart", row.figure, "tok/s", tg.figure, f"llama.cpp tg{GEN_TOKENS}"))
    return out
