"""Training a language model: a run folder, data, model and optimizer (`setup.prepare`), then the shared
loop (`loop.Loop`: forward → loss → backward → optimizer step), reported through plain callbacks, with
metrics.jsonl, samples and checkpoints written as it goes. No Qt: the Training tab, the CLI and tests all
call `train()` the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F

from playground.core.training import runs
from playground.core.training.config import TrainConfig
from playground.core.training.data import IGNORE, TrainData
from playground.core.training.loop import Loop, LoopConfig, StepMetrics, due
from playground.core.training.setup import TrainSetup, prepare


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
        result = _Run(cfg, setup, on_metrics, on_sample, should_stop, pause, group).run()
    except BaseException as exc:
        if main:
            runs.write_status(setup.run_dir, "failed", str(exc), step=setup.step)
        raise
    if main:
        runs.write_status(setup.run_dir, result.status, result.message, step=result.step, loss=result.loss)
    return result


def lm_loss(model, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Next-token cross-entropy over (B, T) ids; targets marked IGNORE (a task's prompt) do not count."""
    logits = model(input_ids=x, use_cache=False).logits  # (B, T, V)
    return F.cross_entropy(logits.float().flatten(0, 1), y.flatten(), ignore_index=IGNORE)


def loop_config(cfg: TrainConfig) -> LoopConfig:
    return LoopConfig(max_steps=cfg.max_steps, batch_size=cfg.batch_size, optim=cfg.optim, grad_accum=cfg.grad_accum,
                      log_every=cfg.log_every, eval_every=cfg.eval_every, eval_batches=cfg.eval_batches,
                      eval_seed=cfg.seed + 2, bf16=cfg.bf16, device=cfg.device)


class _Run:
    """One run on disk around the shared loop: metrics.jsonl, samples and checkpoints at its reports."""

    def __init__(self, cfg, setup: TrainSetup, on_metrics, on_sample, should_stop, pause, group=None) -> None:
        self.cfg, self.s = cfg, setup
        self.main = group is None or group.is_main
        self.on_metrics, self.on_sample = on_metrics, on_sample
        self.device = torch.device(cfg.device)
        self.saved_step = setup.step if setup.resumed else -1
        self.log: runs.MetricsLog | None = None
        self.loop = Loop(setup.model, setup.optimizer, setup.data, setup.generator, lm_loss, loop_config(cfg), setup,
                         on_report=self._on_report, should_stop=should_stop, pause=pause, group=group)

    def run(self) -> TrainResult:
        s = self.s
        if self.main:
            self.log = runs.MetricsLog(s.run_dir, keep_up_to_step=s.step if s.resumed else None)
        try:
            end = self.loop.run()
            if self.main and end.status != "diverged" and s.step > self.saved_step:
                self._checkpoint()
        finally:
            if self.log is not None:
                self.log.close()
        if end.status == "diverged":
            return self._result("diverged", self._diverged_message(s.step, end.bad_loss))
        done = f"Finished {self.cfg.max_steps} steps." if end.status == "finished" else f"Stopped at step {s.step}."
        return self._result(end.status, done)

    def _on_report(self, metrics: StepMetrics, last_step: int) -> None:
        """Main rank, after each report: the metrics line, then a sample and a checkpoint when due."""
        cfg, done = self.cfg, metrics.step == metrics.max_steps
        self.log.append(metrics.row())
        self.on_metrics(metrics)
        if self.on_sample and due(cfg.sample_every, last_step, metrics.step, done):
            self.on_sample(self._sample())
        if due(cfg.checkpoint_every, last_step, metrics.step, False):
            self._checkpoint()

    def _diverged_message(self, step: int, value: float) -> str:
        kept = f"the last good checkpoint (step {self.saved_step}) is kept" if self.saved_step > 0 \
            else "no checkpoint had been saved yet"
        return (f"The loss became {value} at step {step}, so training stopped; {kept}. The learning rate "
                f"({self.cfg.optim.lr:g}) is probably too high: lower it, add warm-up or gradient clipping.")

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
        state = {"tokens": s.tokens, "elapsed": s.elapsed, "loss": self.loop.last_loss,
                 "val_loss": self.loop.last_val}
        s.checkpoint = runs.save_checkpoint(s.run_dir, s.step, weights=weights, optimizer=s.optimizer, rng=rng,
                                            state=state, keep=self.cfg.keep_checkpoints)
        s.model_dir = runs.save_model_folder(s.run_dir, s.exportable_model(), s.data.tokenizer)
        self.saved_step = s.step

    def _result(self, status: str, message: str) -> TrainResult:
        s = self.s
        return TrainResult(s.run_dir, status, message, s.step, s.tokens, self.loop.last_loss, self.loop.last_val,
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
