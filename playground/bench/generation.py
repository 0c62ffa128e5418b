"""Generation on the built-in model: the app's chat path vs bare `model.generate`, per dtype."""

from __future__ import annotations

import copy
import time

import torch

from playground.bench.common import Row

AGREEMENT_TOKENS = 32
PROMPT = "Write a long story about a lighthouse keeper who finds a message in a bottle."


def _app_path(session, model, prompt_ids, n_tokens: int) -> tuple[float, float, list[int]]:
    """tokens/s, time-to-first-token and the tokens, through generate_stream (per-token softmax + top-5
    included)."""
    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.stream import generate_stream
    from playground.core.generation.sampling import GREEDY
    from dataclasses import replace

    steps = []
    start = time.perf_counter()
    result = generate_stream(TorchEngine(model), session.tokenizer, prompt_ids,
                             replace(GREEDY, max_new_tokens=n_tokens), stop_ids=set(), on_token=steps.append)
    total = time.perf_counter() - start
    return len(result.token_ids) / total, result.time_to_first_token, list(result.token_ids)


def _bare_generate(model, prompt_ids, n_tokens: int) -> float:
    ids = torch.tensor([prompt_ids])
    start = time.perf_counter()
    with torch.inference_mode():
        out = model.generate(ids, max_new_tokens=n_tokens, min_new_tokens=n_tokens, do_sample=False,
                             top_k=None, top_p=None, temperature=None)
    return (out.shape[1] - len(prompt_ids)) / (time.perf_counter() - start)


def variants(model):
    yield "float32", model
    yield "bfloat16", copy.deepcopy(model).to(torch.bfloat16)
    try:
        yield "dynamic int8", torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), {torch.nn.Linear},
                                                                     dtype=torch.qint8)
    except Exception as exc:  # noqa: BLE001 - no quantized engine on this platform
        print(f"  dynamic int8 skipped: {exc}")


def run(session, *, n_tokens: int, repeats: int) -> list[Row]:
    from playground.core.generation.stream import encode_chat

    prompt_ids = encode_chat(session.tokenizer, [{"role": "user", "content": PROMPT}])
    rows, reference = [], None
    for name, model in variants(session.model):
        _app_path(session, model, prompt_ids, 4)  # warm-up: first-call allocations
        greedy = _app_path(session, model, prompt_ids, AGREEMENT_TOKENS)[2]
        reference = reference or greedy  # float32 comes first
        same = next((i for i, (a, b) in enumerate(zip(greedy, reference)) if a != b), len(greedy))
        app, bares = [], []
        for _ in range(repeats):  # alternating, so a busy moment of the machine slows both alike
            app.append(_app_path(session, model, prompt_ids, n_tokens))
            bares.append(_bare_generate(model, prompt_ids, n_tokens))
        bare = sorted(bares)[len(bares) // 2]
        app_tps = sorted(a[0] for a in app)[len(app) // 2]
        ttft = sorted(a[1] for a in app)[len(app) // 2]
        rows.append(Row("generation", f"app chat path, {name}, {n_tokens} greedy tokens", app_tps, "tok/s",
                        bare, "bare generate", ">= 0.95x", app_tps >= 0.95 * bare))
        rows.append(Row("generation", f"time to first token, {name} ({len(prompt_ids)}-token prompt)",
                        ttft * 1000, "ms"))
        if name != "float32":
            rows.append(Row("generation", f"{name}: first greedy tokens identical to float32 (of "
                                          f"{AGREEMENT_TOKENS}; the default dtype must match all)", same, "tokens",
                            target=f"= {AGREEMENT_TOKENS} to be the default", passed=None))
        print(f"  {name}: app {app_tps:.1f} tok/s, bare {bare:.1f} tok/s, ttft {ttft * 1000:.0f} ms")
    return rows
