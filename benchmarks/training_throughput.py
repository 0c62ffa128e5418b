"""Training throughput of `core.trainer.train` against a minimal nanoGPT-style loop, same machine.

    python benchmarks/training_throughput.py [--steps 30] [--rounds 2]

Both train a 4-layer, 4-head, width-128 GPT with context 128 and batch 32 on random tokens with AdamW.
Runs alternate (ours, reference, ours, …) so a busy machine slows both alike; the ratio is what to
compare. nanoGPT's bar on 2 uncontended CPU cores is ~21,500 tokens/s.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

C, H, L, T, B, V = 128, 4, 4, 128, 32, 105


class _Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.fc, self.out = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x):  # (B, T, C)
        q, k, v = self.qkv(self.ln1(x)).split(C, 2)
        q, k, v = (t.view(x.shape[0], x.shape[1], H, C // H).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(x.shape)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class NanoGPT(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.blocks = nn.ModuleList(_Block() for _ in range(L))
        self.ln_f, self.head = nn.LayerNorm(C), nn.Linear(C, V, bias=False)
        self.head.weight = self.wte.weight

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def reference_tokens_per_s(steps: int) -> float:
    torch.manual_seed(0)
    model = NanoGPT()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    data = torch.randint(0, V, (200_000,))

    def step() -> None:
        ix = torch.randint(len(data) - T - 1, (B,))
        chunk = data[ix[:, None] + torch.arange(T + 1)]
        loss = F.cross_entropy(model(chunk[:, :-1]).flatten(0, 1), chunk[:, 1:].flatten())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()

    for _ in range(3):
        step()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * B * T / (time.perf_counter() - started)


def ours_tokens_per_s(steps: int) -> float:
    from playground.core.train_config import TrainConfig
    from playground.core.trainer import train

    cfg = TrainConfig.from_dict({
        "model": {"n_layer": L, "n_head": H, "n_embd": C, "context_length": T},
        "max_steps": steps + 3, "batch_size": B, "eval_every": 0, "sample_every": 0, "checkpoint_every": 0,
        "optim": {"optimizer": "adamw", "lr": 1e-3, "schedule": "constant"}})
    speeds: list[float] = []
    train(cfg, on_metrics=lambda m: speeds.append(m.tokens_per_s) if m.step > 3 else None,
          run_dir=tempfile.mkdtemp(prefix="bench-run-"))
    return len(speeds) / sum(1 / s for s in speeds)  # harmonic mean = total tokens / total time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("PLAYGROUND_DATA_DIR", tempfile.mkdtemp(prefix="bench-data-"))
    ours, ref = [], []
    for _ in range(args.rounds):
        ours.append(ours_tokens_per_s(args.steps))
        ref.append(reference_tokens_per_s(args.steps))
    o, r = max(ours), max(ref)
    print(f"threads={torch.get_num_threads()}  playground train(): {o:,.0f} tokens/s   "
          f"nanoGPT-style loop: {r:,.0f} tokens/s   ratio {o / r:.2f}")


if __name__ == "__main__":
    main()
