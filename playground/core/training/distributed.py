"""Multi-process training (DistributedDataParallel) for `torchrun --nproc_per_node=N -m playground train`.

The config's `batch_size` is the *global* batch: every rank draws the same global batch from the
same seeded generator and trains on its own slice of rows, so N processes follow the same
trajectory as one (up to float rounding) and a run can be resumed with a different N. Gradients are
averaged by DDP; only rank 0 evaluates, samples, logs and writes files.
"""

from __future__ import annotations

import datetime
import gc
import os
import sys
import threading
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist

from playground.core.training.config import ConfigError


@dataclass
class Distributed:
    """This process's place in the group. Methods are collectives: every rank must call them."""

    rank: int
    world_size: int
    local_rank: int
    backend: str  # "gloo" (CPU) | "nccl" (CUDA)

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def wrap(self, model):
        from torch.nn.parallel import DistributedDataParallel

        ids = [self.local_rank] if self.backend == "nccl" else None
        return DistributedDataParallel(model, device_ids=ids)

    def shard(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """This rank's rows of the global batch: (B, T) → (B / world_size, T)."""
        rows = x.shape[0] // self.world_size
        part = slice(self.rank * rows, (self.rank + 1) * rows)
        return x[part], y[part]

    def mean(self, value: torch.Tensor) -> torch.Tensor:
        """The average of a scalar tensor over all ranks."""
        value = value.detach().clone().to(self._device())
        dist.all_reduce(value, op=dist.ReduceOp.SUM)
        return value / self.world_size

    def any(self, flag: bool) -> bool:
        value = torch.tensor([1.0 if flag else 0.0], device=self._device())
        dist.all_reduce(value, op=dist.ReduceOp.MAX)
        return bool(value.item())

    def broadcast(self, obj: Any) -> Any:
        """Rank 0's `obj` on every rank (any picklable value; only used for run folders and errors)."""
        box = [obj if self.is_main else None]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def barrier(self) -> None:
        dist.barrier()

    def _device(self) -> torch.device:
        return torch.device("cuda", self.local_rank) if self.backend == "nccl" else torch.device("cpu")


class AgreedStop:
    """A stop flag all ranks agree on: `set()` locally (Ctrl+C), and `is_set()` is True on every rank
    at the same step. The trainer calls `should_stop.is_set()` once per step, on every rank."""

    def __init__(self, group: Distributed) -> None:
        self.group = group
        self.local = threading.Event()

    def set(self) -> None:
        self.local.set()

    def is_set(self) -> bool:
        return self.group.any(self.local.is_set())


def init_from_env(device: str) -> Distributed:
    """Join the process group torchrun describes (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT)."""
    world, rank = int(os.environ["WORLD_SIZE"]), int(os.environ["RANK"])
    local = int(os.environ.get("LOCAL_RANK", rank))
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ConfigError("device: cuda is not available on this machine; use cpu.")
        if local >= torch.cuda.device_count():
            raise ConfigError(f"device: process {local} has no GPU ({torch.cuda.device_count()} visible); lower "
                              "--nproc_per_node to the number of GPUs.")
        torch.cuda.set_device(local)
        backend = "nccl"
    elif device == "cpu":
        backend = "gloo"
    else:
        raise ConfigError(f"device: multi-process training runs on cpu or cuda, not {device}.")
    if not dist.is_initialized():
        dist.init_process_group(backend, rank=rank, world_size=world, timeout=datetime.timedelta(minutes=30))
    global joined
    joined = True
    return Distributed(rank, world, local, backend)


def check_batch(batch_size: int, world_size: int) -> None:
    if batch_size % world_size:
        raise ConfigError(f"batch_size: {batch_size} (the global batch) does not split evenly over {world_size} "
                          f"processes; use a multiple of {world_size}.")


joined = False  # this process took part in a group (init_from_env): see end_process


def shutdown() -> None:
    # the DDP model and its reducer hold the group in reference cycles: collect them first, so the
    # group's threads stop here and not in the interpreter's teardown
    gc.collect()
    if dist.is_initialized():
        dist.destroy_process_group()


def end_process(code: int) -> None:
    """Exit a rank without the interpreter's teardown. Gloo's worker threads and static objects can
    still be torn down there after `destroy_process_group` (torch issues #111392, #179291): now and
    then a rank then aborts with "terminate called without an active exception" (SIGABRT) after a
    run that finished and wrote everything. Our files are written atomically and closed by now."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os._exit(code)
