"""Generation engines: the GGUF engine (the built-in file's own blocks, Fast and Exact) and the builder's
ONNX engine (int4/int8/fp32) vs the exact PyTorch one, through the app's chat path (per-token softmax +
top-5 alternatives included).

Per engine × precision: decode tokens/s, time to first token for a ~20-token prompt, and how many of
the first 32 greedy tokens equal PyTorch float32 (the length of the identical prefix). The ONNX models
are built from scratch in a temp folder, so the build time is measured too.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace

from playground.bench.common import Row, fresh_onnx_dir

STORY = "Write a long story about a lighthouse keeper who finds a message in a bottle."
SHORT = "The lighthouse keeper walked down to the beach at dawn and found a green bottle with a letter"
AGREEMENT_TOKENS = 32


def _generate(engine, session, prompt_ids, n_tokens: int, settings=None):
    """Greedy unless `settings` (SamplingSettings) say otherwise; never stops before `n_tokens`."""
    from playground.core.generation.stream import generate_stream
    from playground.core.generation.sampling import GREEDY

    steps = []
    result = generate_stream(engine, session.tokenizer, prompt_ids, replace(settings or GREEDY, max_new_tokens=n_tokens),
                             stop_ids=set(), on_token=steps.append)  # on_token: softmax + top-5 every token
    return result


def _sampled_tps(engine, session, prompt_ids, n_tokens: int, repeats: int) -> float:
    """Decode tok/s with the chat's default sampling settings (temperature, top-k, top-p), seeded."""
    from playground.core.generation.sampling import SamplingSettings

    return statistics.median(_generate(engine, session, prompt_ids, n_tokens, SamplingSettings(seed=i))
                             .tokens_per_second for i in range(repeats))


def _measure(engine, session, story_ids, short_ids, n_tokens: int, repeats: int) -> tuple[float, float, list]:
    """(decode tok/s, time to first token on the short prompt, first 32 greedy tokens)."""
    _generate(engine, session, story_ids, 4)  # warm-up
    tps = statistics.median(_generate(engine, session, story_ids, n_tokens).tokens_per_second
                            for _ in range(repeats))
    ttft = []
    for _ in range(repeats):
        engine.reset()  # a cold prompt: no cache reuse
        ttft.append(_generate(engine, session, short_ids, 1).time_to_first_token)
    greedy = list(_generate(engine, session, story_ids, AGREEMENT_TOKENS).token_ids)
    return tps, statistics.median(ttft), greedy


def _stepped_logits(engine):
    """`logits_of` scoring a window token by token: the first token as a prompt, then one step per token
    (the path a chat reply takes), so the native decode step's logits are what is scored."""
    import torch

    def logits_of(chunk: list[int]):
        engine.reset()
        return torch.stack([engine.prefill(chunk[:1])] + [engine.step(t) for t in chunk[1:]])

    return logits_of


def _step_path(engine) -> str:
    native = getattr(engine, "native", None)
    return f"the native step, {native.kernel}" if native is not None else "ONNX Runtime"


def _same_prefix(a: list, b: list) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def run(session, *, n_tokens: int, repeats: int, quick: bool = False) -> list[Row]:
    from playground.core.engines import onnx_build
    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.stream import encode_chat, encode_text
    from playground.core.engines.onnx_engine import OnnxEngine
    from playground.core.engines.names import engine_name

    story = encode_chat(session.tokenizer, [{"role": "user", "content": STORY}])
    short = encode_text(session.tokenizer, SHORT)
    tps, ttft, reference = _measure(TorchEngine(session.model), session, story, short, n_tokens, repeats)
    rows = [Row("engines", f"Exact (PyTorch) float32, decode, {n_tokens} greedy tokens", tps, "tok/s"),
            Row("engines", f"Exact (PyTorch) float32, time to first token ({len(short)}-token prompt)",
                ttft * 1000, "ms")]
    print(f"  exact float32: {tps:.1f} tok/s, ttft {ttft * 1000:.0f} ms")
    if not onnx_build.onnx_available():
        print("  onnxruntime-genai is not installed: fast engine skipped")
        return rows
    rows += gguf_rows(session, story, short, n_tokens, repeats, tps, reference, quick)
    folder = session.folder
    with fresh_onnx_dir("bench-onnx-"):  # build from scratch: the build time is a figure too
        for precision in ("int4",) if quick else onnx_build.PRECISIONS:
            started = time.perf_counter()
            built = onnx_build.build_onnx_model(folder, precision)
            build_s = time.perf_counter() - started
            engine = OnnxEngine(built, precision)
            tps_fast, ttft_fast, greedy = _measure(engine, session, story, short, n_tokens, repeats)
            same = _same_prefix(greedy, reference)
            size = onnx_build.folder_size(built) / 2**20
            name = engine_name(precision)
            target_tps = {"int4": 100.0, "int8": None, "fp32": 40.0}[precision]
            rows += [
                Row("engines", f"{name}, decode, {n_tokens} greedy tokens", tps_fast, "tok/s", tps,
                    "Exact float32", f">= {target_tps:.0f} tok/s" if target_tps else "",
                    tps_fast >= target_tps if target_tps else None),
                Row("engines", f"{name}, time to first token ({len(short)}-token prompt)", ttft_fast * 1000,
                    "ms", ttft * 1000, "Exact float32", "<= 100 ms", ttft_fast <= 0.1),
                Row("engines", f"{name}, first {AGREEMENT_TOKENS} greedy tokens equal to PyTorch float32",
                    same, "tokens", AGREEMENT_TOKENS, "all", "= 32" if precision == "fp32" else "",
                    same == AGREEMENT_TOKENS if precision == "fp32" else None),
                Row("engines", f"{name}, build (first time only), {size:.0f} MiB on disk", build_s, "s"),
            ]
            print(f"  {name}: {tps_fast:.1f} tok/s, ttft {ttft_fast * 1000:.0f} ms, "
                  f"{same}/{AGREEMENT_TOKENS} tokens as PyTorch, built in {build_s:.0f} s, {size:.0f} MiB")
            del engine
    return rows


def _max_stall(action) -> tuple[float, object]:
    """Run `action` in a thread while this one ticks every 5 ms: (the longest gap between ticks, s; its result)."""
    import threading

    out, done = {}, threading.Event()

    def work():
        try:
            out["value"] = action()
        finally:
            done.set()

    worker = threading.Thread(target=work)
    last, worst = time.perf_counter(), 0.0
    worker.start()
    while not done.is_set():
        time.sleep(0.005)
        now = time.perf_counter()
        worst, last = max(worst, now - last), now
    worker.join()
    return worst, out.get("value")


def gguf_rows(session, story, short, n_tokens: int, repeats: int, tps_torch: float, reference: list,
              quick: bool) -> list[Row]:
    """The GGUF engine on the built-in model: first use (packing its blocks, from scratch), the stall it
    causes, then per mode decode / time to first token / greedy agreement / perplexity against PyTorch."""
    from playground.core.engines.gguf_engine import GgufEngine, open_gguf_engine
    from playground.core.engines.selection import session_gguf
    from playground.core.optimize.evaluation import EvalSettings, perplexity, perplexity_of, text_ids

    gguf = session_gguf(session)
    if gguf is None:
        return []
    rows: list[Row] = []
    with fresh_onnx_dir("bench-gguf-"):
        started = time.perf_counter()
        stall_first, engine = _max_stall(lambda: open_gguf_engine(gguf, "fast"))
        first_use = time.perf_counter() - started
        folder = engine.path.parent
        del engine
        stall_open, _ = _max_stall(lambda: GgufEngine(folder / "exact.onnx", "exact"))
        rows += [Row("engines", "GGUF engine, first use (pack the blocks, write both graphs, load)", first_use, "s",
                     target="<= 5 s", passed=first_use <= 5.0),
                 Row("engines", "GGUF engine, longest stall of another thread while it starts (cached)",
                     stall_open * 1000, "ms", target="<= 50 ms", passed=stall_open <= 0.05),
                 Row("engines", "GGUF engine, longest stall of another thread during first use",
                     stall_first * 1000, "ms", target="<= 50 ms", passed=stall_first <= 0.05)]
        print(f"  GGUF engine: first use {first_use:.1f} s, stall {stall_open * 1000:.0f} ms "
              f"(first use {stall_first * 1000:.0f} ms)")
        ids = text_ids(session.tokenizer, EvalSettings(ppl_tokens=512 if quick else 2048))
        ppl_torch = perplexity(session.model, ids, window=256)
        for mode in ("fast", "exact"):
            engine = GgufEngine(folder / f"{mode}.onnx", mode)
            tps_mode, ttft, greedy = _measure(engine, session, story, short, n_tokens, repeats)
            tps_sampled = _sampled_tps(engine, session, story, n_tokens, repeats)
            same = _same_prefix(greedy, reference)
            ppl = perplexity_of(engine.score, ids, window=256)
            change = ppl / ppl_torch - 1
            stepped = perplexity_of(_stepped_logits(engine), ids, window=256)  # the decode path: the native step
            stepped_change = stepped / ppl_torch - 1
            rows += [
                Row("engines", f"{engine.name}, decode, {n_tokens} greedy tokens", tps_mode, "tok/s", tps_torch,
                    "Exact float32"),
                Row("engines", f"{engine.name}, decode, {n_tokens} tokens sampled with the chat's defaults "
                    "(temperature 0.7, top-k 50, top-p 0.95)", tps_sampled, "tok/s", tps_mode, "greedy, same engine",
                    ">= 0.95x", tps_sampled >= 0.95 * tps_mode),
                Row("engines", f"{engine.name}, time to first token ({len(short)}-token prompt)", ttft * 1000, "ms",
                    target="<= 50 ms", passed=ttft <= 0.05),
                Row("engines", f"{engine.name}, first {AGREEMENT_TOKENS} greedy tokens equal to PyTorch float32",
                    same, "tokens", AGREEMENT_TOKENS, "all"),
                Row("engines", f"{engine.name}, perplexity ({len(ids)} tokens, windows of 256)", ppl, "",
                    ppl_torch, "PyTorch float32", "within 0.5%", abs(change) <= 0.005),
                Row("engines", f"{engine.name}, perplexity token by token through its decode steps "
                    f"({_step_path(engine)}; same tokens and windows)", stepped, "", ppl_torch, "PyTorch float32",
                    "within 0.5%", abs(stepped_change) <= 0.005),
            ]
            print(f"  {engine.name}: {tps_mode:.1f} tok/s ({tps_sampled:.1f} sampled), ttft {ttft * 1000:.0f} ms, {same}/{AGREEMENT_TOKENS} "
                  f"tokens as PyTorch, perplexity {ppl:.3f} vs {ppl_torch:.3f} ({change:+.2%}; "
                  f"through its steps {stepped:.3f}, {stepped_change:+.2%})")
            del engine
    return rows
