"""Training throughput: the app's core trainer vs a plain hand-written loop on the same model and data,
and a minimal nanoGPT-style model as the outside bar (4 layers, 4 heads, width 128, context 128,
batch 32, AdamW, the built-in corpus at character level).

The three runs alternate (trainer, plain loop, nanoGPT, trainer, …) so a busy machine slows them alike;
every step is timed, and each figure is tokens per step / the median step time over all repeats (a
burst of other work slows a few steps, not the median). Each is also given per CPU-second (the
process's CPU time, all threads), which a shared machine disturbs differently. nanoGPT's loop did ~21,500 tokens/s on this config
on this machine, uncontended.
"""

from __future__ import annotations

import statistics
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from playground.bench.common import Row

NANOGPT_REFERENCE = 21_500  # tokens/s, nanoGPT on this config, 2 uncontended cores (issue 9)


def bench_config(*, quick: bool, steps: int):
    """The benchmark's run: no evals, samples or checkpoints in the hot loop (they are not training)."""
    from playground.core.models.spec import ModelSpec
    from playground.core.training.config import DataConfig, OptimConfig, TrainConfig

    width, layers = (32, 1) if quick else (128, 4)
    return TrainConfig(
        name="bench", model=ModelSpec(family="gpt2", n_layer=layers, n_head=4, n_embd=width,
                                            context_length=32 if quick else 128),
        data=DataConfig(source="builtin", tokenizer="char"),
        optim=OptimConfig(optimizer="adamw", lr=1e-3, schedule="constant", grad_clip=1.0),
        max_steps=steps, batch_size=8 if quick else 32, eval_every=0, sample_every=0, checkpoint_every=0)


# ---------------------------------------------------------------- the app's trainer
Steps = list[tuple[float, float]]  # (wall seconds, CPU seconds) of each timed step


def trainer_steps(cfg, warmup: int) -> Steps:
    """Each step of `core.trainer.train` after `warmup`, from one report to the next (reporting,
    metrics.jsonl and the callback included; set-up and the final save excluded)."""
    from playground.core.training.trainer import train

    marks: list[tuple[float, float]] = []

    def on_metrics(m) -> None:
        if m.step >= warmup:
            marks.append((time.perf_counter(), time.process_time()))

    with tempfile.TemporaryDirectory(prefix="bench-run-") as run_dir:
        train(cfg.replace(log_every=1), on_metrics=on_metrics, run_dir=run_dir)
    return [(w1 - w0, c1 - c0) for (w0, c0), (w1, c1) in zip(marks, marks[1:])]


# ---------------------------------------------------------------- the plain loop, same model and data
def plain_loop_steps(cfg, warmup: int) -> Steps:
    """The textbook loop on the very model and batches the trainer uses (`setup.prepare`), with AdamW as
    one writes it by hand (`torch.optim.AdamW(model.parameters())`: torch's defaults, same settings)."""
    from playground.core.training.setup import prepare

    with tempfile.TemporaryDirectory(prefix="bench-plain-") as run_dir:
        s = prepare(cfg, run_dir=run_dir)
    model, data, gen = s.model, s.data, s.generator
    o = cfg.optim
    opt = torch.optim.AdamW(model.parameters(), lr=o.lr, betas=(o.beta1, o.beta2), weight_decay=o.weight_decay)
    model.train()

    def step() -> None:
        x, y = data.batch("train", cfg.batch_size, gen)  # (B, T), (B, T)
        logits = model(input_ids=x, use_cache=False).logits  # (B, T, V)
        loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.optim.grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()

    return _timed_steps(step, warmup, cfg.max_steps - warmup)


def _timed_steps(step, warmup: int, steps: int) -> Steps:
    for _ in range(warmup):
        step()
    out = []
    for _ in range(steps):
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        out.append((time.perf_counter() - wall, time.process_time() - cpu))
    return out


# ---------------------------------------------------------------- nanoGPT, the outside bar
class _Block(nn.Module):
    def __init__(self, C: int, H: int) -> None:
        super().__init__()
        self.C, self.H = C, H
        self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.fc, self.out = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x):  # (B, T, C)
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, 2)
        q, k, v = (t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in (q, k, v))  # (B, H, T, C/H)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, C)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class NanoGPT(nn.Module):
    """nanoGPT's model in miniature: pre-LayerNorm blocks, learned positions, tied head."""

    def __init__(self, V: int, C: int, H: int, L: int, T: int) -> None:
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.blocks = nn.ModuleList(_Block(C, H) for _ in range(L))
        self.ln_f, self.head = nn.LayerNorm(C), nn.Linear(C, V, bias=False)
        self.head.weight = self.wte.weight

    def forward(self, idx):  # (B, T) → (B, T, V)
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def nanogpt_steps(cfg, warmup: int, vocab_size: int) -> Steps:
    spec = cfg.model
    torch.manual_seed(0)
    model = NanoGPT(vocab_size, spec.n_embd, spec.n_head, spec.n_layer, spec.context_length)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.optim.lr)
    data = torch.randint(0, vocab_size, (200_000,))
    T, B = spec.context_length, cfg.batch_size

    def step() -> None:
        ix = torch.randint(len(data) - T - 1, (B,))
        chunk = data[ix[:, None] + torch.arange(T + 1)]  # (B, T+1)
        loss = F.cross_entropy(model(chunk[:, :-1]).flatten(0, 1), chunk[:, 1:].flatten())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()

    return _timed_steps(step, warmup, cfg.max_steps - warmup)


# ---------------------------------------------------------------- the rows
def _tokens_per_s(steps: Steps, i: int, tokens_per_step: int) -> float:
    return tokens_per_step / max(statistics.median(s[i] for s in steps), 1e-9)


def run(*, quick: bool, repeats: int) -> list[Row]:
    steps, warmup = (6, 2) if quick else (30, 5)
    cfg = bench_config(quick=quick, steps=steps)
    from playground.core.training.data import prepare_data

    vocab = prepare_data(cfg).vocab_size
    ours, plain, nano = [], [], []
    for _ in range(max(repeats, 3) if not quick else repeats):  # short alternating rounds ride out bursts
        ours += trainer_steps(cfg, warmup)
        plain += plain_loop_steps(cfg, warmup)
        nano += nanogpt_steps(cfg, warmup, vocab)
    per_step = cfg.batch_size * cfg.model.context_length
    o, p, n = (_tokens_per_s(v, 0, per_step) for v in (ours, plain, nano))
    oc, pc, nc = (_tokens_per_s(v, 1, per_step) for v in (ours, plain, nano))
    print(f"  tok/s (wall): trainer {o:,.0f}, plain loop {p:,.0f}, nanoGPT-style {n:,.0f}; per CPU-second: "
          f"{oc:,.0f}, {pc:,.0f}, {nc:,.0f} (threads {torch.get_num_threads()})")
    size = f"{cfg.model.n_layer}L/{cfg.model.n_head}H/{cfg.model.n_embd}d, T={cfg.model.context_length}, " \
           f"B={cfg.batch_size}"
    return [
        Row("training", f"core trainer, char GPT ({size})", o, "tok/s", p, "plain loop, same model+data",
            ">= 0.95x", o >= 0.95 * p),
        Row("training", "core trainer, per CPU-second", oc, "tok/CPU-s", pc,
            "plain loop, same model+data", ">= 0.95x", oc >= 0.95 * pc),
        Row("training", "core trainer vs nanoGPT-style model, same run", o, "tok/s", n, "nanoGPT-style loop",
            ">= 1.0x (be at or above nanoGPT)", o >= n),
        Row("training", "core trainer vs nanoGPT-style model, per CPU-second", oc, "tok/CPU-s", nc,
            "nanoGPT-style loop", ">= 1.0x", oc >= nc),
        Row("training", "nanoGPT-style loop vs its uncontended figure", n, "tok/s", NANOGPT_REFERENCE,
            "nanoGPT here, uncontended (issue 9)"),
        *tokenizing_rows(quick=quick),
    ]


_PEAK_SCRIPT = """
import sys
from playground.core.training.data import builtin_corpus
from playground.core.training.tokenization import char_tokenizer, encode, encode_long
def kib(field):
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(field))
text = (builtin_corpus() * {copies})
tok = char_tokenizer(text)
before = kib("VmRSS:")
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # the peak (VmHWM) starts again from now
ids = encode_long(tok, text) if sys.argv[1] == "pieces" else encode(tok, text)
print(max(kib("VmHWM:") - before, 1) * 1024 / len(text))
"""


def tokenizing_rows(*, quick: bool) -> list[Row]:
    """Peak memory per text byte of tokenizing a corpus at character level: the app's `encode_long`
    (pieces of 64 K characters) vs one tokenizer call, each in a fresh process (its peak RSS)."""
    import subprocess
    import sys

    copies = 2 if quick else 18  # ~0.9 MB / ~8.4 MB of text (over encode_long's 4 MB one-call limit)
    script = _PEAK_SCRIPT.format(copies=copies)
    if quick:
        script = script.replace("encode_long(tok, text)", "encode_long(tok, text, one_call=0)")
    peak = {how: float(subprocess.run([sys.executable, "-c", script, how], capture_output=True, text=True,
                                      check=True).stdout) for how in ("pieces", "one-call")}
    print(f"  tokenizing, peak bytes per text byte: pieces {peak['pieces']:.1f}, one call {peak['one-call']:.1f}")
    return [Row("training", "char tokenizing a corpus: peak memory per text byte", peak["pieces"], "B/B",
                peak["one-call"], "one tokenizer call", "<= 0.1x", peak["pieces"] <= 0.1 * peak["one-call"])]
