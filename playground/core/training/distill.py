"""Knowledge distillation: train a small student on the current model's soft targets.

The student is built from a `ModelConfigSpec` by the Training tab's model builder and shares the
teacher's tokenizer; the text comes from the training data pipeline (`prepare_data`). Each step:

    loss = alpha · T² · KL(softmax(teacher / T) ‖ softmax(student / T)) + (1 − alpha) · CE(student, text)

T > 1 softens both distributions so the student also learns how the teacher ranks the wrong
tokens ("dark knowledge"); T² keeps the KL gradient on the same scale as the cross-entropy's.
torch is imported inside the functions, so the UI can build its form from `DistillConfig` early.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from playground.core.training.config import DataConfig, ModelConfigSpec, OptimConfig, TrainConfig
from playground.core.types import Cancelled, PlaygroundError

if TYPE_CHECKING:
    import torch


class DistillError(PlaygroundError):
    pass


@dataclass(frozen=True)
class DistillConfig:
    student: ModelConfigSpec = field(default_factory=lambda: ModelConfigSpec(
        family="llama", n_layer=4, n_head=4, n_kv_head=2, n_embd=128, context_length=256, tie_embeddings=True))
    data: DataConfig = field(default_factory=lambda: DataConfig(source="builtin", tokenizer="model"))
    optim: OptimConfig = field(default_factory=lambda: OptimConfig(lr=2e-3, warmup_steps=10))
    steps: int = 200  # optimizer steps
    batch_size: int = 8  # sequences per step
    seq_len: int = 64  # tokens per sequence
    temperature: float = 2.0  # T: softens teacher and student distributions
    alpha: float = 0.5  # share of the loss from the teacher (KL); the rest is cross-entropy on the text
    eval_every: int = 25  # steps between validation losses (and at the end); 0 = only at the end
    eval_batches: int = 2  # batches per validation loss
    seed: int = 1337

    def train_config(self) -> TrainConfig:
        """The Training tab's view of this run (for its data pipeline and model checks)."""
        return TrainConfig(name="distill", model=self.student, data=self.data, optim=self.optim,
                           max_steps=self.steps, batch_size=self.batch_size, seq_len=self.seq_len, seed=self.seed)

    def problems(self) -> list[str]:
        out = [p for p in self.train_config().problems() if not p.startswith("data.tokenizer")]
        if not self.temperature > 0:
            out.append(f"temperature: must be positive (got {self.temperature})")
        if not 0.0 <= self.alpha <= 1.0:
            out.append(f"alpha: the teacher's share must be between 0 and 1 (got {self.alpha})")
        if self.seq_len < 2:
            out.append(f"seq_len: must be at least 2 (got {self.seq_len})")
        return out

    def validate(self) -> None:
        problems = self.problems()
        if problems:
            raise DistillError(problems[0])


@dataclass(frozen=True)
class DistillStep:
    """One step's report; has StepMetrics' fields, so the Training tab's plots draw it as is."""

    step: int
    max_steps: int
    tokens: int
    loss: float  # the blended training loss
    lr: float
    grad_norm: float
    tokens_per_s: float
    elapsed: float
    val_loss: float | None = None  # blended loss on held-out text, on evaluation steps
    kl: float = 0.0  # this step's T²·KL to the teacher
    ce: float = 0.0  # this step's cross-entropy on the text
    val_kl: float | None = None  # held-out T²·KL, on evaluation steps


@dataclass
class DistillResult:
    model: object  # the student (eval mode)
    tokenizer: object
    steps: int
    first_val_kl: float  # before training
    last_val_kl: float
    n_params: int
    stopped: bool


def distill_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, targets: torch.Tensor,
                 temperature: float, alpha: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(blended loss, T²·KL, CE) over (B, T, V) logits; KL is averaged per token."""
    import torch.nn.functional as F

    t = temperature
    s = F.log_softmax(student_logits.float().flatten(0, 1) / t, dim=-1)  # (N, V)
    p = F.log_softmax(teacher_logits.float().flatten(0, 1) / t, dim=-1)  # (N, V)
    kl = F.kl_div(s, p, log_target=True, reduction="batchmean") * t * t
    ce = F.cross_entropy(student_logits.float().flatten(0, 1), targets.flatten())
    return alpha * kl + (1 - alpha) * ce, kl, ce


def build_student(cfg: DistillConfig, teacher, tokenizer):
    import torch

    from playground.core.models.builder import hf_config, model_from_hf_config

    vocab = int(teacher.config.vocab_size)  # the student must score the teacher's whole vocabulary
    config = hf_config(cfg.student, vocab, bos_id=tokenizer.bos_token_id, eos_id=tokenizer.eos_token_id)
    torch.manual_seed(cfg.seed)
    return model_from_hf_config(config)


def distill(teacher, tokenizer, cfg: DistillConfig, *, on_metrics: Callable[[DistillStep], None] | None = None,
            on_status: Callable[[str], None] | None = None, should_stop: threading.Event | None = None,
            teacher_lock=None) -> DistillResult:
    """Train a student on `teacher`'s soft targets. `teacher_lock` is held around each teacher forward."""
    from contextlib import nullcontext

    import torch

    from playground.core.training.data import prepare_data
    from playground.core.training.optim import lr_at, make_optimizer

    cfg.validate()
    status = on_status or (lambda _m: None)
    stop = should_stop or threading.Event()
    lock = teacher_lock or nullcontext()
    status("Reading and tokenizing the text…")
    data = prepare_data(cfg.train_config(), base_tokenizer=tokenizer, on_status=status)
    device = next(teacher.parameters()).device
    status("Building the student…")
    student = build_student(cfg, teacher, tokenizer).to(device)
    optimizer = make_optimizer(student, cfg.optim, str(device))
    generator = torch.Generator().manual_seed(cfg.seed + 1)

    def teacher_logits(x: torch.Tensor) -> torch.Tensor:
        with lock, torch.no_grad():
            return teacher(input_ids=x, use_cache=False).logits  # (B, T, V)

    def evaluate() -> tuple[float, float]:
        """(blended loss, T²·KL) on the same held-out batches every time."""
        val_gen = torch.Generator().manual_seed(cfg.seed + 2)
        student.eval()
        totals = [0.0, 0.0]
        with torch.no_grad():
            for _ in range(cfg.eval_batches):
                x, y = (t.to(device) for t in data.batch("val", cfg.batch_size, val_gen))
                loss, kl, _ce = distill_loss(student(input_ids=x, use_cache=False).logits, teacher_logits(x), y,
                                             cfg.temperature, cfg.alpha)
                totals[0] += float(loss) / cfg.eval_batches
                totals[1] += float(kl) / cfg.eval_batches
        student.train()
        return totals[0], totals[1]

    _val, first_kl = evaluate()
    last_kl, step, tokens, elapsed = first_kl, 0, 0, 0.0
    params = [p for p in student.parameters() if p.requires_grad]
    student.train()
    status("Distilling…")
    while step < cfg.steps and not stop.is_set():
        started = time.perf_counter()
        lr = lr_at(step, cfg.steps, cfg.optim)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = (t.to(device) for t in data.batch("train", cfg.batch_size, generator))
        target = teacher_logits(x)
        loss, kl, ce = distill_loss(student(input_ids=x, use_cache=False).logits, target, y,
                                    cfg.temperature, cfg.alpha)
        loss.backward()
        clip = cfg.optim.grad_clip if cfg.optim.grad_clip > 0 else float("inf")
        grad_norm = float(torch.nn.utils.clip_grad_norm_(params, clip))
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        step, tokens = step + 1, tokens + x.numel()
        took = time.perf_counter() - started
        elapsed += took
        loss_value = float(loss.detach())
        if not math.isfinite(loss_value):
            raise DistillError(f"The loss became {loss_value} at step {step}: lower the learning rate.")
        val = val_kl = None
        if step == cfg.steps or (cfg.eval_every and step % cfg.eval_every == 0):
            val, val_kl = evaluate()
            last_kl = val_kl
        if on_metrics is not None:
            on_metrics(DistillStep(step, cfg.steps, tokens, loss_value, lr, grad_norm, x.numel() / took, elapsed,
                                   val, float(kl.detach()), float(ce.detach()), val_kl))
    if stop.is_set() and step == 0:
        raise Cancelled("Distillation cancelled before the first step.")
    if step < cfg.steps:
        _val, last_kl = evaluate()
    student.eval()
    return DistillResult(student, tokenizer, step, first_kl, last_kl, sum(p.numel() for p in student.parameters()),
                         stopped=step < cfg.steps)
