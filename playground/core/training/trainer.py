"""The training loop: data → model → forward → loss → backward → optimizer step, reported through
plain callbacks. No Qt: the Training tab, the CLI and tests all call `train()` the same way.

The hot loop reads the loss from the device only when it reports (every `log_every` steps).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F

from playground.core.training import runs
from playground.core.training.data import IGNORE, TrainData
from playground.core.training.optim import add_l1_gradient, lr_at
from playground.core.training.setup import TrainSetup, prepare
from playground.core.training.config import TrainConfig


@dataclass(frozen=True)
class StepMetrics:
    """One report from the loop (also one line of metrics.jsonl)."""

    step: int  # optimizer steps done
    max_steps: int
    tokens: int  # training tokens seen so far
    loss: float  # training loss of this step (mean over its micro-batches)
    lr: float  # learning rate used for this step
    grad_norm: float  # global gradient norm before clipping
    tokens_per_s: float  # training throughput since the last report (evals and samples excluded)
    elapsed: float  # seconds of training so far (pauses excluded)
    val_loss: float | None = None  # validation loss, on the steps where it was measured


@dataclass(frozen=True)
class TrainStarted:
    run_dir: Path
    n_params: int
    trainable_params: int
    vocab_size: int
    seq_len: int
    start_step: int  # > 0 when resuming
    data_description: str


@dataclass(frozen=True)
class Sample:
    step: int
    prompt: str
    text: str  # what the model wrote after the prompt
    accuracy: float | None = None  # synthetic tasks: share of exact answers among the prompts shown


@dataclass(frozen=True)
class TrainResult:
    run_dir: Path
    status: str  # "finished" | "stopped" | "diverged"
    message: str
    step: int
    tokens: int
    loss: float | None
    val_loss: float | None
    checkpoint: Path | None  # the newest checkpoint on disk (the last good one after a divergence)
    model_dir: Path | None  # the loadable HF folder, or None if nothing was saved yet
    elapsed: float


def train(cfg: TrainConfig, *, on_metrics: Callable[[StepMetrics], None],
          on_sample: Callable[[Sample], None] | None = None,
          should_stop: threading.Event | None = None, pause: threading.Event | None = None,
          resume_from: str | Path | None = None, run_dir: str | Path | None = None,
          on_status: Callable[[str], None] | None = None,
          on_started: Callable[[TrainStarted], None] | None = None, group=None) -> TrainResult:
    """Train `cfg` until max_steps, a stop request, or a NaN/inf loss.

    resume_from: a run folder or one of its checkpoints; training continues exactly where it stopped.
    run_dir: where the run is written (default: a new folder in the runs dir).
    pause: while set, the loop waits (and the clock stops).
    group: a `distributed.Distributed` when torchrun started several processes (DDP); every rank calls
    train() with the same run_dir, and only rank 0 reports, evaluates, samples and writes files.
    """
    cfg.validate()
    main = group is None or group.is_main
    setup = prepare(cfg, resume_from=resume_from, run_dir=run_dir, on_status=on_status, write_files=main)
    if on_started is not None and main:
        on_started(TrainStarted(setup.run_dir, setup.n_params, setup.trainable_params, setup.data.vocab_size,
                                setup.data.seq_len, setup.step, setup.data.description))
    if main:
        runs.write_status(setup.run_dir, "running", step=setup.step)
    try:
        result = _Loop(cfg, setup, on_metrics, on_sample, should_stop, pause, group).run()
    except BaseException as exc:
        if main:
            runs.write_status(setup.run_dir, "failed", str(exc), step=setup.step)
        raise
    if main:
        runs.write_status(setup.run_dir, result.status, result.message, step=result.step, loss=result.loss)
    return result


def _due(every: int, last_step: int, step: int, final: bool) -> bool:
    """True when a multiple of `every` lies in (last_step, step] (reports may skip steps), or at the end."""
    return bool(every) and (step // every > last_step // every or final)


class _Loop:
    def __init__(self, cfg, setup: TrainSetup, on_metrics, on_sample, should_stop, pause, group=None) -> None:
        self.cfg, self.s = cfg, setup
        self.group, self.main = group, group is None or group.is_main
        self.world = group.world_size if group is not None else 1
        self.train_model = group.wrap(setup.model) if group is not None else setup.model  # DDP syncs grads
        self.on_metrics, self.on_sample = on_metrics, on_sample
        self.should_stop = should_stop or threading.Event()
        self.pause = pause
        self.device = torch.device(cfg.device)
        self.autocast = torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=cfg.bf16)
        self.params = [p for p in setup.model.parameters() if p.requires_grad]
        self.saved_step = setup.step if setup.resumed else -1
        self.last_loss: float | None = None
        self.last_val: float | None = None

    def run(self) -> TrainResult:
        cfg, s = self.cfg, self.s
        model, optimizer = s.model, s.optimizer
        log = runs.MetricsLog(s.run_dir, keep_up_to_step=s.step if s.resumed else None) if self.main else None
        model.train()
        busy, window_tokens, window_steps = 0.0, 0, 0
        loss_sum = torch.zeros((), device=self.device)
        status, message = "finished", f"Finished {cfg.max_steps} steps."
        try:
            while s.step < cfg.max_steps:
                if self._wait_while_paused():
                    status, message = "stopped", f"Stopped at step {s.step}."
                    break
                started = time.perf_counter()
                lr = lr_at(s.step, cfg.max_steps, cfg.optim)
                for group in optimizer.param_groups:
                    group["lr"] = lr
                for _ in range(cfg.grad_accum):
                    x, y = s.data.batch("train", cfg.batch_size, s.generator)
                    if self.group is not None:  # every rank drew the same global batch: keep this rank's rows
                        x, y = self.group.shard(x, y)
                    x, y = x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)
                    with self.autocast:
                        logits = self.train_model(input_ids=x, use_cache=False).logits  # (B, T, V)
                    loss = F.cross_entropy(logits.float().flatten(0, 1), y.flatten(), ignore_index=IGNORE)
                    (loss / cfg.grad_accum).backward()
                    loss_sum += loss.detach()
                    window_tokens += x.numel() * self.world
                    s.tokens += x.numel() * self.world
                if cfg.optim.l1:
                    add_l1_gradient(optimizer, cfg.optim.l1)
                clip = cfg.optim.grad_clip if cfg.optim.grad_clip > 0 else float("inf")
                grad_norm = torch.nn.utils.clip_grad_norm_(self.params, clip)
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
                s.step += 1
                window_steps += 1
                took = time.perf_counter() - started
                busy += took
                s.elapsed += took
                if s.step % cfg.log_every and s.step != cfg.max_steps:
                    continue
                total = self.group.mean(loss_sum) if self.group is not None else loss_sum
                loss_value = float(total) / (cfg.grad_accum * window_steps)
                if not math.isfinite(loss_value):
                    status, message = "diverged", self._diverged_message(s.step, loss_value)
                    break
                last, done = s.step - window_steps, s.step == cfg.max_steps
                val = self._evaluate() if self.main and _due(cfg.eval_every, last, s.step, done) else None
                metrics = StepMetrics(s.step, cfg.max_steps, s.tokens, loss_value, lr, float(grad_norm),
                                      window_tokens / busy if busy > 0 else 0.0, s.elapsed, val)
                self.last_loss, self.last_val = loss_value, val if val is not None else self.last_val
                if self.main:
                    log.append(metrics.__dict__)
                    self.on_metrics(metrics)
                busy, window_tokens, window_steps = 0.0, 0, 0
                loss_sum.zero_()
                if self.main and self.on_sample and _due(cfg.sample_every, last, s.step, done):
                    self.on_sample(self._sample())
                if self.main and _due(cfg.checkpoint_every, last, s.step, False):
                    self._checkpoint()
            if self.main and status != "diverged" and s.step > self.saved_step:
                self._checkpoint()
        finally:
            if log is not None:
                log.close()
        return self._result(status, message)

    def _wait_while_paused(self) -> bool:
        """Block while paused; True if asked to stop. Called once per step on every rank: under DDP
        `should_stop.is_set()` is a collective (distributed.AgreedStop), so every rank stops together."""
        while self.pause is not None and self.pause.is_set() and not self.should_stop.is_set():
            time.sleep(0.05)
        return self.should_stop.is_set()

    def _diverged_message(self, step: int, value: float) -> str:
        kept = f"the last good checkpoint (step {self.saved_step}) is kept" if self.saved_step > 0 \
            else "no checkpoint had been saved yet"
        return (f"The loss became {value} at step {step}, so training stopped; {kept}. The learning rate "
                f"({self.cfg.optim.lr:g}) is probably too high: lower it, add warm-up or gradient clipping.")

    @torch.no_grad()
    def _evaluate(self) -> float:
        """Mean loss over `eval_batches` validation batches (the same ones every time)."""
        model, data = self.s.model, self.s.data
        model.eval()
        generator = torch.Generator().manual_seed(self.cfg.seed + 2)
        total = 0.0
        for _ in range(self.cfg.eval_batches):
            x, y = data.batch("val", self.cfg.batch_size, generator)
            with self.autocast:
                logits = model(input_ids=x.to(self.device), use_cache=False).logits
            total += float(F.cross_entropy(logits.float().flatten(0, 1), y.to(self.device).flatten(),
                                           ignore_index=IGNORE))
        model.train()
        return total / self.cfg.eval_batches

    def _sample(self) -> Sample:
        model = self.s.model
        model.eval()
        try:
            return generate_sample(model, self.s.data, self.cfg, self.s.step)
        finally:
            model.train()

    def _checkpoint(self) -> None:
        s = self.s
        rng = {"cpu": torch.get_rng_state(), "data": s.generator.get_state()}
        if self.device.type == "cuda":
            rng["cuda"] = torch.cuda.get_rng_state(self.device)
        weights = {name: p for name, p in s.model.named_parameters() if p.requires_grad}
        state = {"tokens": s.tokens, "elapsed": s.elapsed, "loss": self.last_loss, "val_loss": self.last_val}
        s.checkpoint = runs.save_checkpoint(s.run_dir, s.step, weights=weights, optimizer=s.optimizer, rng=rng,
                                            state=state, keep=self.cfg.keep_checkpoints)
        s.model_dir = runs.save_model_folder(s.run_dir, s.exportable_model(), s.data.tokenizer)
        self.saved_step = s.step

    def _result(self, status: str, message: str) -> TrainResult:
        s = self.s
        return TrainResult(s.run_dir, status, message, s.step, s.tokens, self.last_loss, self.last_val,
                           runs.latest_checkpoint(s.run_dir), s.model_dir, s.elapsed)


def generate_sample(model, data: TrainData, cfg: TrainConfig, step: int) -> Sample:
    """A short sample from the model. Synthetic tasks: greedy answers to held-out prompts, checked.
    Uses its own random generator, so sampling never changes the training run."""
    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.stream import eos_ids, generate_stream
    from playground.core.generation.sampling import GREEDY, SamplingSettings

    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    tokenizer = data.tokenizer
    context = int(getattr(base.config, "max_position_embeddings", 0) or getattr(base.config, "n_positions", 1024))
    engine = TorchEngine(base)
    if data.kind == "examples" and data.prompts and data.prompts[0][1]:  # synthetic: check answers
        lines, right = [], 0
        for prompt_ids, expected in data.prompts:
            settings = SamplingSettings(**{**GREEDY.__dict__, "max_new_tokens": len(expected) + 1})
            out = generate_stream(engine, tokenizer, prompt_ids, settings, context_length=context)
            answer = out.text.split("\n")[0]
            right += answer == expected
            lines.append(f"{tokenizer.decode(prompt_ids)}{answer}  {'✓' if answer == expected else '✗ ' + expected}")
        return Sample(step, "", "\n".join(lines), right / len(data.prompts))
    prompt_ids = data.prompts[0][0]
    settings = SamplingSettings(temperature=0.8, top_k=40, top_p=1.0, max_new_tokens=cfg.sample_tokens,
                                seed=cfg.seed + step)
    out = generate_stream(engine, tokenizer, prompt_ids, settings, stop_ids=eos_ids(base, tokenizer),
                          context_length=context)
    return Sample(step, tokenizer.decode(prompt_ids, skip_special_tokens=False), out.text)


__all__ = ["train", "StepMetrics", "Sample", "TrainStarted", "TrainResult", "generate_sample"]
