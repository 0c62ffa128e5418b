"""`playground train CONFIG.json`: headless training with the Training tab's exported config, a
terminal progress bar, the same run folder the app reads, and a clean stop on Ctrl+C.

Under `torchrun --nproc_per_node=N -m playground train CONFIG.json` it trains with
DistributedDataParallel (see playground/core/training/distributed.py); only rank 0 prints and writes."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from playground.core.errors import PlaygroundError

EXIT_STOPPED = 130  # like a shell's Ctrl+C: the run is resumable, but it did not finish


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", help="a training config JSON: the Training tab's 'Export run config', or a "
                                       "run's config.json")
    parser.add_argument("--out", metavar="DIR", help="the run folder to write (default: a new folder in the "
                                                     "app's runs folder, named after the config's name)")
    parser.add_argument("--resume", nargs="?", const="", metavar="RUN", help="continue from the newest "
                        "checkpoint of --out (or of the run folder / checkpoint given here)")
    parser.add_argument("--device", help="override the config's device (cpu, cuda, mps)")
    parser.add_argument("--max-steps", type=int, metavar="N", help="override the config's max_steps")
    parser.add_argument("--samples", action="store_true", help="print the text samples the run generates")


def is_main_process() -> bool:
    return os.environ.get("RANK", "0") == "0"


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except PlaygroundError:
        if is_main_process():
            raise  # one line on stderr (playground.cli.run); the other ranks stay quiet
        return 1


def _run(args: argparse.Namespace) -> int:
    from playground.core.training.config import ConfigError, load_train_config

    cfg = load_train_config(args.config)  # before importing torch: a bad config fails in a moment
    changes = {k: v for k, v in (("device", args.device), ("max_steps", args.max_steps)) if v is not None}
    if changes:
        cfg = cfg.replace(**changes)
        cfg.validate()
    if args.resume and args.out and Path(args.resume).resolve() != Path(args.out).resolve():
        raise ConfigError("--resume RUN and --out DIR name different folders; give one of them.")
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size == 1:
        plan = _plan(cfg, args)
        if isinstance(plan, str):
            raise PlaygroundError(plan)
        return _train(cfg, args, *plan, None)
    return _run_distributed(cfg, args, world_size)


def _run_distributed(cfg, args: argparse.Namespace, world_size: int) -> int:
    """Under torchrun: rank 0 picks the run folder and tells the others; all ranks train together."""
    from playground.core.training import distributed

    distributed.check_batch(cfg.batch_size, world_size)
    group = distributed.init_from_env(cfg.device)
    try:
        cfg = cfg.replace(device=f"cuda:{group.local_rank}" if group.backend == "nccl" else "cpu")
        plan = group.broadcast(_plan(cfg, args) if group.is_main else None)
        if isinstance(plan, str):
            raise PlaygroundError(plan)
        code = _train(cfg, args, *plan, group)
        group.barrier()  # rank 0 may still be writing the last checkpoint
        return code
    finally:
        distributed.shutdown()


def _plan(cfg, args) -> tuple[Path, Path | None] | str:
    """(run folder, checkpoint to resume from), or the reason it cannot start (broadcast to all ranks)."""
    from playground.core import paths
    from playground.core.training import runs

    try:
        if args.resume is None:
            if args.out:
                out = Path(args.out).expanduser()
                if runs.latest_checkpoint(out) is not None or (out / "metrics.jsonl").exists():
                    return (f"{out} already holds a run. Pass --resume to continue it, or choose another --out.")
                out.mkdir(parents=True, exist_ok=True)
                return out, None
            return runs.new_run_dir(cfg.name), None
        target = args.resume or args.out or (str(paths.runs_dir() / cfg.name) if cfg.name else "")
        if not target:
            return "--resume needs the run folder: pass --out DIR or --resume DIR (or give the config a name)."
        checkpoint = runs.resolve_checkpoint(Path(target).expanduser())
        return checkpoint.parent.parent, checkpoint
    except (PlaygroundError, OSError) as exc:
        return str(exc)


def _train(cfg, args, run_dir: Path, resume_from: Path | None, group) -> int:
    from playground.cli.models import quiet_transformers
    from playground.core.training.trainer import train

    quiet_transformers()
    main = group is None or group.is_main
    if group is not None:
        from playground.core.training.distributed import AgreedStop

        stop = AgreedStop(group)
    else:
        stop = threading.Event()
    view = _Progress(enabled=main, samples=args.samples, total=cfg.max_steps)
    previous = _on_interrupt(stop, view)
    try:
        result = train(cfg, on_metrics=view.on_metrics, on_sample=view.on_sample, should_stop=stop,
                       resume_from=resume_from, run_dir=run_dir, on_status=view.on_status,
                       on_started=view.on_started, group=group)
    finally:
        view.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if main:
        _report(result)
    return {"finished": 0, "stopped": EXIT_STOPPED}.get(result.status, 1)


def _on_interrupt(stop, view: "_Progress") -> dict:
    """First Ctrl+C (or SIGTERM, which torchrun forwards): stop after this step and keep a checkpoint.
    A second one aborts at once."""
    pressed: list[int] = []

    def handler(signum, _frame) -> None:
        if pressed:
            raise KeyboardInterrupt
        pressed.append(signum)
        stop.set()
        view.write("Stopping after this step and saving a checkpoint (press Ctrl+C again to abort)…")

    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}


def _report(result) -> None:
    from playground.core import paths

    print(result.message, file=sys.stderr)
    print(f"Run folder: {result.run_dir}", file=sys.stderr)
    if result.checkpoint is not None:
        print(f"Last checkpoint: {result.checkpoint.name} (resume with --resume)", file=sys.stderr)
    if result.model_dir is not None:
        in_runs = Path(result.run_dir).resolve().parent == paths.runs_dir().resolve()
        name = result.run_dir.name if in_runs else str(result.model_dir)
        print(f"Chat with it: playground chat --model {name}", file=sys.stderr)


class _Progress:
    """A tqdm bar on stderr with loss, validation loss, tokens/s and the learning rate (rank 0 only)."""

    def __init__(self, *, enabled: bool, samples: bool, total: int) -> None:
        self.enabled, self.samples, self.total = enabled, samples, total
        self.bar = None
        self.val: float | None = None

    def on_started(self, started) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        resumed = f", resuming at step {started.start_step}" if started.start_step else ""
        self.write(f"Run folder: {started.run_dir}\n{started.n_params:,} parameters "
                   f"({started.trainable_params:,} trained), vocabulary {started.vocab_size}, sequences of "
                   f"{started.seq_len} tokens{resumed}\n{started.data_description}")
        self.bar = tqdm(total=self.total, initial=started.start_step, unit="step", file=sys.stderr,
                        dynamic_ncols=True, mininterval=0.25 if sys.stderr.isatty() else 10.0)

    def on_metrics(self, m) -> None:
        if self.bar is None:
            return
        self.val = m.val_loss if m.val_loss is not None else self.val
        val = f" val {self.val:.4f}" if self.val is not None else ""
        self.bar.set_postfix_str(f"loss {m.loss:.4f}{val} | {m.tokens_per_s:,.0f} tok/s | lr {m.lr:.2e}",
                                 refresh=False)
        self.bar.update(m.step - self.bar.n)

    def on_sample(self, sample) -> None:
        if self.enabled and self.samples:
            self.write(f"--- sample at step {sample.step} ---\n{sample.prompt}{sample.text}")

    def on_status(self, message: str) -> None:
        if self.enabled and self.bar is None:
            self.write(message)

    def write(self, text: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

