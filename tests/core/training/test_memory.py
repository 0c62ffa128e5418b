"""Will a run fit? The estimate against the memory available, checked before anything is allocated."""

from __future__ import annotations

import pytest


def test_the_trainer_refuses_before_allocating():
    from playground.core.models.spec import ModelSpec
    from playground.core.training.config import TrainConfig
    from playground.core.training.memory import NotEnoughMemory, memory_problem
    from playground.core.training.trainer import train

    small = TrainConfig.from_dict({"model": {"n_layer": 2, "n_head": 2, "n_embd": 32, "context_length": 32},
                                   "max_steps": 1, "batch_size": 4})
    assert memory_problem(small, 105) is None
    problem = memory_problem(small, 105, available=1e6, total=8e9)
    assert problem.startswith("Not enough memory") and "976.6 KiB available (of 7.5 GiB)" in problem
    huge = small.replace(model=ModelSpec("llama", 80, 64, 8, 8192, 28672, 4096), batch_size=1)
    with pytest.raises(NotEnoughMemory, match="needs ≈ .* TiB"):
        train(huge, on_metrics=lambda m: None)  # refused in a moment: a 70B would take minutes to fail
