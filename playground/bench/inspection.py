"""Looking inside: attention capture on the built-in model, and the Architecture tab's numbers for a 70B
config (instantiated on the meta device: shapes only, no memory)."""

from __future__ import annotations

import statistics
import time

from playground.bench.common import Row


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def attention_rows(session, *, n_tokens: int, repeats: int) -> list[Row]:
    """`capture_attention` (eager attention, every map kept, thumbnails) vs one bare forward pass with
    `output_attentions=True` on the same ids: the price of what the Attention view shows."""
    import torch

    from playground.core.inspect.attention import capture_attention, eager_attention

    model, tokenizer = session.model, session.tokenizer
    vocab = int(model.config.vocab_size)
    ids = [(101 + 37 * i) % vocab for i in range(n_tokens)]
    input_ids = torch.tensor([ids])  # (1, T)

    def bare() -> None:
        with eager_attention(model), torch.inference_mode():
            model(input_ids=input_ids, output_attentions=True, use_cache=False, logits_to_keep=1)

    with session.lock:
        capture_attention(model, tokenizer, token_ids=ids[:8])  # warm-up
        ours, ref = [], []
        for _ in range(repeats):  # side by side
            ours.append(_median_seconds(lambda: capture_attention(model, tokenizer, token_ids=ids), 1))
            ref.append(_median_seconds(bare, 1))
    o, r = statistics.median(ours), statistics.median(ref)
    print(f"  attention capture of {n_tokens} tokens: {o:.2f} s (bare forward with attentions {r:.2f} s)")
    return [Row("inspection", f"attention capture, {n_tokens} tokens, built-in model", o, "s", r,
                "bare forward, output_attentions", "< 2 s", o < 2.0)]


def architecture_rows(*, repeats: int, preset: str = "Llama-2-70B") -> list[Row]:
    """What the Architecture tab computes for a config: the closed-form numbers, the meta-device
    instantiation that checks them, and the module map (a forward pass on the meta device)."""
    from playground.core.inspect.anatomy import anatomy_of_config, check_config
    from playground.core.models.presets import PRESETS
    from playground.core.models.sizing import model_stats
    from playground.core.models.spec import ModelSpec

    config = PRESETS[preset]
    stats = model_stats(ModelSpec.from_config(config))
    formulas = _median_seconds(lambda: model_stats(ModelSpec.from_config(config)), repeats)
    checked = check_config(config)
    check = _median_seconds(lambda: check_config(config), repeats)
    anatomy = _median_seconds(lambda: anatomy_of_config(config, preset), repeats)
    print(f"  {preset}: {stats.n_params:,} parameters by formula, {checked.n_params:,} on meta; "
          f"formulas {formulas * 1000:.2f} ms, meta check {check:.2f} s, module map {anatomy:.2f} s")
    return [
        Row("inspection", f"{preset}: parameters by formula vs counted on the meta device", stats.n_params / 1e9,
            "B params", checked.n_params / 1e9, "meta-device count", "= 1.0x (exact)",
            stats.n_params == checked.n_params),
        Row("inspection", f"{preset}: size/memory/FLOPs formulas", formulas * 1000, "ms", target="< 10 ms",
            passed=formulas < 0.01),
        Row("inspection", f"{preset}: build on the meta device + count", check, "s", target="< 2 s",
            passed=check < 2.0),
        Row("inspection", f"{preset}: module map (meta forward, shapes)", anatomy, "s", target="< 2 s",
            passed=anatomy < 2.0),
    ]


def run(session, *, quick: bool, repeats: int) -> list[Row]:
    rows = attention_rows(session, n_tokens=32 if quick else 256, repeats=repeats)
    return rows + architecture_rows(repeats=repeats, preset="GPT-2 small (124M)" if quick else "Llama-2-70B")
