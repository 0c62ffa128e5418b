"""Will a run fit? The training-memory estimate (core/models/sizing.py) against the memory the device has
free, checked before anything is allocated: by `setup.prepare` (so the CLI and the app refuse alike) and by
the Training tab, which disables Start and says how much the run needs and how much there is."""

from __future__ import annotations

from pathlib import Path

from playground.core import format as fmt
from playground.core.errors import PlaygroundError
from playground.core.models.sizing import TrainingMemory, param_breakdown, training_memory
from playground.core.training.config import TrainConfig

# cgroup limits (a container's or a session's memory cap), which psutil's "available" does not see.
CGROUP_FILES = (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"))
NO_LIMIT = 2**60  # cgroup v1 writes ~2^63 for "unlimited"


class NotEnoughMemory(PlaygroundError):
    """The run's estimate exceeds the memory available; raised before the model is built."""


def run_memory(cfg: TrainConfig, vocab_size: int) -> TrainingMemory:
    """The estimate for a from-scratch run of `cfg` with this vocabulary (the one the Training tab shows)."""
    spec = cfg.model.with_vocab(vocab_size)
    seq_len = cfg.seq_len or min(spec.context_length, 1024)  # as core/training/data.py picks it
    return training_memory(spec, batch_size=cfg.batch_size, seq_len=seq_len, bf16=cfg.bf16,
                           optimizer=cfg.optim.optimizer, n_params=param_breakdown(spec).total)


def _cgroup_room() -> tuple[float, float] | None:
    """(room left, limit) under this process's cgroup memory cap, or None when there is none."""
    for limit_file, usage_file in CGROUP_FILES:
        try:
            limit_text = Path(limit_file).read_text().strip()
            usage = float(Path(usage_file).read_text().strip())
        except (OSError, ValueError):
            continue
        if limit_text == "max" or not limit_text.isdigit() or int(limit_text) >= NO_LIMIT:
            return None
        return max(float(limit_text) - usage, 0.0), float(limit_text)
    return None


def available_memory(device: str = "cpu") -> tuple[float, float]:
    """(available, total) bytes where `device` keeps its tensors: the GPU's own memory for cuda, else the
    machine's RAM (mps shares it), capped by a cgroup limit if the process runs under one."""
    if device.startswith("cuda"):
        import torch

        free, total = torch.cuda.mem_get_info(torch.device(device))
        return float(free), float(total)
    import psutil

    vm = psutil.virtual_memory()
    available, total = float(vm.available), float(vm.total)
    room = _cgroup_room()
    if room is not None:
        available, total = min(available, room[0]), min(total, room[1])
    room = _address_space_room()
    if room is not None:
        available, total = min(available, room[0]), min(total, room[1])
    return available, total


def _address_space_room() -> tuple[float, float] | None:
    """(room left, limit) under this process's address-space limit (`ulimit -v`, RLIMIT_AS), if any."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    import psutil

    return max(float(soft) - psutil.Process().memory_info().vms, 0.0), float(soft)


def memory_problem(cfg: TrainConfig, vocab_size: int, *, available: float | None = None,
                   total: float | None = None) -> str | None:
    """Why this from-scratch run cannot fit (needed vs available, in words), or None if it fits.
    `available`/`total` default to this machine's (see `available_memory`). Fine-tuning is not checked:
    its size is the base model's, known once loaded."""
    if cfg.is_finetune:
        return None
    if available is None or total is None:
        available, total = available_memory(cfg.device)
    needed = run_memory(cfg, vocab_size).total
    if needed <= available:
        return None
    where = "GPU" if cfg.device.startswith("cuda") else "machine"
    return (f"Not enough memory: training this model needs ≈ {fmt.nbytes(needed)} (weights, gradients, optimizer "
            f"state and activations), but this {where} has {fmt.nbytes(available)} available "
            f"(of {fmt.nbytes(total)}). Choose fewer layers, a smaller width, batch or context.")


def check_memory(cfg: TrainConfig, vocab_size: int) -> None:
    """Raise NotEnoughMemory (before anything is allocated) if the run cannot fit."""
    problem = memory_problem(cfg, vocab_size)
    if problem:
        raise NotEnoughMemory(problem)
