"""Knowledge distillation: train a small student on the current model's soft targets.

The student is built from a `ModelSpec` by the Training tab's model builder and shares the
teacher's tokenizer; the text comes from the training data pipeline (`prepare_data`). Each step:

    loss = alpha · T² · KL(softmax(teacher / T) ‖ softmax(student / T)) + (1 − alpha) · CE(student, text)

T > 1 softens both distributions so the student also learns how the teacher ranks the wrong
tokens ("dark knowledge"); T² keeps the KL gradient on the same scale as the cross-entropy's.
torch is imported inside the functions, so the UI can build its form from `DistillConfig` early.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from playground.core.models.spec import ModelSpec

from playground.core.training.config import DataConfig, OptimConfig, TrainConfig
from playground.core.errors import Cancelled, PlaygroundError

if TYPE_CHECKING:
    import torch

    from playground.core.training.loop import LoopConfig, StepMetrics


class DistillError(PlaygroundError):
    pass


@dataclass(frozen=True)
class DistillConfig:
    student: ModelSpec = field(default_factory=lambda: ModelSpec(
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

    def loop_config(self, device: str) -> LoopConfig:
        """The shared loop's view: a report every step, a validation loss every `eval_every` and at the end."""
        from playground.core.training.loop import LoopConfig

        return LoopConfig(max_steps=self.steps, batch_size=self.batch_size, optim=self.optim, log_every=1,
                          eval_every=self.eval_every, eval_at_end=True, eval_batches=self.eval_batches,
                          eval_seed=self.seed + 2, device=device)

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


def distill(teacher, tokenizer, cfg: DistillConfig, *, on_metrics: Callable[[StepMetrics], None] | None = None,
            on_status: Callable[[str], None] | None = None, should_stop: threading.Event | None = None,
            teacher_lock=None) -> DistillResult:
    """Train a student on `teacher`'s soft targets with the shared loop (`loop.Loop`), reporting every step;
    each report's `parts` has "kl" and "ce" (and "val_kl", "val_ce" on evaluation steps).
    `teacher_lock` is held around each teacher forward."""
    from contextlib import nullcontext

    import torch

    from playground.core.training.data import prepare_data
    from playground.core.training.loop import Loop, LoopState
    from playground.core.training.optim import make_optimizer

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

    def loss_fn(model, x: torch.Tensor, y: torch.Tensor):
        with lock, torch.no_grad():
            target = teacher(input_ids=x, use_cache=False).logits  # (B, T, V)
        loss, kl, ce = distill_loss(model(input_ids=x, use_cache=False).logits, target, y, cfg.temperature,
                                    cfg.alpha)
        return loss, {"kl": kl, "ce": ce}

    state = LoopState()
    report = (lambda metrics, _last_step: on_metrics(metrics)) if on_metrics is not None else None
    loop = Loop(student, optimizer, data, torch.Generator().manual_seed(cfg.seed + 1), loss_fn,
                cfg.loop_config(str(device)), state, on_report=report, should_stop=stop)
    first_kl = loop.evaluate()[1]["val_kl"]
    status("Distilling…")
    end = loop.run()
    if end.status == "diverged":
        raise DistillError(f"The loss became {end.bad_loss} at step {state.step}: lower the learning rate.")
    if stop.is_set() and state.step == 0:
        raise Cancelled("Distillation cancelled before the first step.")
    # a finished run was evaluated at its last step; a stopped one is measured where it stopped
    last_kl = loop.last_val_parts["val_kl"] if state.step == cfg.steps else loop.evaluate()[1]["val_kl"]
    student.eval()
    return DistillResult(student, tokenizer, state.step, first_kl, last_kl,
                         sum(p.numel() for p in student.parameters()), stopped=state.step < cfg.steps)
