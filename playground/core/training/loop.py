"""The one optimization loop, for every kind of training in the app (the trainer's language modelling,
distillation). Each step:

    forward → loss → backward → (L1) → clip → optimizer step → learning rate of every param group

and every `log_every` steps a report: divergence check → periodic evaluation → `StepMetrics` to a hook.
Pause and stop are checked once per step. What differs between kinds of training is only the loss, a
function `loss_fn(model, x, y)` of one batch, and what the caller does with each report (its hook:
metrics.jsonl, samples and checkpoints for the trainer; nothing more for distillation). No Qt.

The hot loop reads the loss from the device only when it reports.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Union

import torch

from playground.core.training.config import OptimConfig
from playground.core.training.optim import add_l1_gradient, lr_at

# loss_fn(model, x, y) → the loss, or (the loss, {name: a term of it}) when the loss has parts to show
LossOutput = Union[torch.Tensor, tuple[torch.Tensor, dict[str, torch.Tensor]]]
LossFn = Callable[[Any, torch.Tensor, torch.Tensor], LossOutput]


@dataclass(frozen=True)
class StepMetrics:
    """One report from the loop (also one line of metrics.jsonl, see `row()`)."""

    step: int  # optimizer steps done
    max_steps: int
    tokens: int  # training tokens seen so far
    loss: float  # training loss of this step (mean over its micro-batches)
    lr: float  # learning rate used for this step
    grad_norm: float  # global gradient norm before clipping
    tokens_per_s: float  # training throughput since the last report (evals and samples excluded)
    elapsed: float  # seconds of training so far (pauses excluded)
    val_loss: float | None = None  # validation loss, on the steps where it was measured
    # The loss's named terms when it has several (distillation: "kl", "ce"; "val_kl", "val_ce" on the
    # steps with a validation loss); None for a plain loss. Read it, never change it.
    parts: dict[str, float] | None = None

    def row(self) -> dict:
        """This report as a metrics.jsonl line: the fields, with the loss's parts among them."""
        row = {k: v for k, v in self.__dict__.items() if k != "parts"}
        return {**row, **(self.parts or {})}


@dataclass
class LoopState:
    """Where a run stands; the loop advances it. (`setup.TrainSetup` has the same three fields and is
    passed as is, so a resumed run continues from its checkpoint's figures.)"""

    step: int = 0  # optimizer steps done
    tokens: int = 0  # training tokens seen
    elapsed: float = 0.0  # seconds of training (pauses, evals and samples excluded)


@dataclass(frozen=True)
class LoopConfig:
    """How the loop steps; the trainer's and distillation's configs both map onto it."""

    max_steps: int
    batch_size: int  # sequences per micro-batch (the global batch under DDP: each rank keeps its rows)
    optim: OptimConfig = field(default_factory=OptimConfig)  # lr schedule, L1, clipping
    grad_accum: int = 1  # micro-batches per optimizer step
    log_every: int = 1  # steps between reports (each reads the loss from the device)
    eval_every: int = 0  # steps between validation losses (and at the last step); 0 = none…
    eval_at_end: bool = False  # …unless this is set: then one at the last step
    eval_batches: int = 1  # batches per validation loss
    eval_seed: int = 0  # seeds the validation batches: the same ones every time
    bf16: bool = False  # bfloat16 autocast around the loss
    device: str = "cpu"


@dataclass(frozen=True)
class LoopEnd:
    status: str  # "finished" | "stopped" | "diverged"
    bad_loss: float | None = None  # the non-finite loss that ended a diverged run


def due(every: int, last_step: int, step: int, final: bool) -> bool:
    """True when a multiple of `every` lies in (last_step, step] (reports may skip steps), or at the end."""
    return bool(every) and (step // every > last_step // every or final)


class _Window:
    """What accumulates between two reports: the loss (on the device), tokens, steps and busy time."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.reset()

    def reset(self) -> None:
        self.loss = torch.zeros((), device=self.device)
        self.parts: dict[str, torch.Tensor] = {}
        self.tokens, self.steps, self.busy = 0, 0, 0.0

    def add(self, loss: torch.Tensor, parts: dict[str, torch.Tensor]) -> None:
        self.loss += loss.detach()
        for name, value in parts.items():
            self.parts[name] = self.parts.get(name, 0) + value.detach()


class Loop:
    """Steps `model` with `optimizer` on `data`'s training batches (drawn with `generator`) until
    `cfg.max_steps`, a stop request, or a non-finite loss; see the module docstring.

    on_report(metrics, last_step): after each report, with the step of the report before it (the hook
    decides from it whether a sample or checkpoint is due). pause: while set, the loop waits (the clock
    stops). group: a `distributed.Distributed` under torchrun; only its main rank evaluates and reports.
    """

    def __init__(self, model, optimizer: torch.optim.Optimizer, data, generator: torch.Generator,
                 loss_fn: LossFn, cfg: LoopConfig, state, *,
                 on_report: Callable[[StepMetrics, int], None] | None = None,
                 should_stop: threading.Event | None = None, pause: threading.Event | None = None,
                 group=None) -> None:
        self.model, self.optimizer, self.data, self.generator = model, optimizer, data, generator
        self.loss_fn, self.cfg, self.state = loss_fn, cfg, state
        self.on_report = on_report
        self.should_stop = should_stop or threading.Event()
        self.pause = pause
        self.group, self.main = group, group is None or group.is_main
        self.world = group.world_size if group is not None else 1
        self.train_model = group.wrap(model) if group is not None else model  # DDP syncs the gradients
        self.device = torch.device(cfg.device)
        self.autocast = torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=cfg.bf16)
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.last_loss: float | None = None  # the newest reported training loss
        self.last_val: float | None = None  # the newest validation loss
        self.last_val_parts: dict[str, float] = {}  # its terms ("val_kl", …)

    def run(self) -> LoopEnd:
        cfg, state = self.cfg, self.state
        window = _Window(self.device)
        self.model.train()
        while state.step < cfg.max_steps:
            if self._wait_while_paused():
                return LoopEnd("stopped")
            started = time.perf_counter()
            lr = lr_at(state.step, cfg.max_steps, cfg.optim)
            for group in self.optimizer.param_groups:
                group["lr"] = lr
            grad_norm = self._step(window)
            state.step += 1
            window.steps += 1
            took = time.perf_counter() - started
            window.busy += took
            state.elapsed += took
            if state.step % cfg.log_every and state.step != cfg.max_steps:
                continue
            loss, parts = self._window_means(window)
            if not math.isfinite(loss):
                return LoopEnd("diverged", loss)
            self._report(window, loss, parts, lr, grad_norm)
            window.reset()
        return LoopEnd("finished")

    def _step(self, window: _Window) -> torch.Tensor:
        """One optimizer step over `grad_accum` micro-batches; the gradient norm before clipping."""
        cfg, state = self.cfg, self.state
        for _ in range(cfg.grad_accum):
            x, y = self.data.batch("train", cfg.batch_size, self.generator)  # (B, T), (B, T)
            if self.group is not None:  # every rank drew the same global batch: keep this rank's rows
                x, y = self.group.shard(x, y)
            x, y = x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)
            loss, parts = self._loss(self.train_model, x, y)
            (loss / cfg.grad_accum).backward()
            window.add(loss, parts)
            window.tokens += x.numel() * self.world
            state.tokens += x.numel() * self.world
        if cfg.optim.l1:
            add_l1_gradient(self.optimizer, cfg.optim.l1)
        clip = cfg.optim.grad_clip if cfg.optim.grad_clip > 0 else float("inf")
        grad_norm = torch.nn.utils.clip_grad_norm_(self.params, clip)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        return grad_norm

    def _loss(self, model, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        with self.autocast:
            out = self.loss_fn(model, x, y)
        return out if isinstance(out, tuple) else (out, {})

    def _window_means(self, window: _Window) -> tuple[float, dict[str, float]]:
        """The window's mean loss and terms, read from the device (averaged over ranks under DDP)."""
        count = self.cfg.grad_accum * window.steps
        mean = self.group.mean if self.group is not None else (lambda t: t)
        parts = {name: float(mean(total)) / count for name, total in window.parts.items()}
        return float(mean(window.loss)) / count, parts

    def _report(self, window: _Window, loss: float, parts: dict[str, float], lr: float, grad_norm) -> None:
        state, cfg = self.state, self.cfg
        last, done = state.step - window.steps, state.step == cfg.max_steps
        val = None
        if self.main and (due(cfg.eval_every, last, state.step, done) or (done and cfg.eval_at_end)):
            val, self.last_val_parts = self.evaluate()
            parts = {**parts, **self.last_val_parts}
        metrics = StepMetrics(state.step, cfg.max_steps, state.tokens, loss, lr, float(grad_norm),
                              window.tokens / window.busy if window.busy > 0 else 0.0, state.elapsed, val,
                              parts or None)
        self.last_loss, self.last_val = loss, val if val is not None else self.last_val
        if self.main and self.on_report is not None:
            self.on_report(metrics, last)

    def _wait_while_paused(self) -> bool:
        """Block while paused; True if asked to stop. Called once per step on every rank: under DDP
        `should_stop.is_set()` is a collective (distributed.AgreedStop), so every rank stops together."""
        while self.pause is not None and self.pause.is_set() and not self.should_stop.is_set():
            time.sleep(0.05)
        return self.should_stop.is_set()

    @torch.no_grad()
    def evaluate(self) -> tuple[float, dict[str, float]]:
        """Mean loss over `eval_batches` validation batches (the same ones every time), and its terms
        named "val_<term>"."""
        cfg, model = self.cfg, self.model
        model.eval()
        generator = torch.Generator().manual_seed(cfg.eval_seed)
        total, terms = 0.0, {}
        for _ in range(cfg.eval_batches):
            x, y = self.data.batch("val", cfg.batch_size, generator)
            loss, parts = self._loss(model, x.to(self.device), y.to(self.device))
            total += float(loss)
            for name, value in parts.items():
                terms[name] = terms.get(name, 0.0) + float(value)
        model.train()
        return total / cfg.eval_batches, {f"val_{k}": v / cfg.eval_batches for k, v in terms.items()}


__all__ = ["Loop", "LoopConfig", "LoopEnd", "LoopState", "StepMetrics", "due"]
