"""Optimizers, learning-rate schedules and the L1 penalty, from an `OptimConfig`."""

from __future__ import annotations

import math

import torch

from playground.core.training.config import OptimConfig


def param_groups(model, weight_decay: float) -> list[dict]:
    """Weight matrices and embeddings decay; biases and norm gains do not (as in nanoGPT)."""
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": weight_decay}]
    if no_decay:
        groups.append({"params": no_decay, "weight_decay": 0.0})
    return groups


def make_optimizer(model, cfg: OptimConfig, device: str = "cpu") -> torch.optim.Optimizer:
    """SGD, SGD+Momentum, AdaGrad, RMSprop: weight decay is L2 added to the gradient.
    Adam too; AdamW decouples it (shrinks the weights directly)."""
    groups = param_groups(model, cfg.weight_decay)
    name = cfg.optimizer
    # torch only picks its multi-tensor kernels by itself on GPUs; on the CPU it updates one parameter
    # at a time from Python (~10 small ops each), which was a quarter of a training step here (bench).
    many = {"foreach": True}
    if name == "sgd":
        return torch.optim.SGD(groups, lr=cfg.lr, **many)
    if name == "momentum":
        return torch.optim.SGD(groups, lr=cfg.lr, momentum=cfg.momentum, **many)
    if name == "adagrad":
        return torch.optim.Adagrad(groups, lr=cfg.lr, **many)
    if name == "rmsprop":
        return torch.optim.RMSprop(groups, lr=cfg.lr, alpha=cfg.beta2, **many)
    fused = device.split(":")[0] in ("cpu", "cuda")  # one fused kernel per step for every parameter
    cls = torch.optim.AdamW if name == "adamw" else torch.optim.Adam
    return cls(groups, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), **({"fused": True} if fused else many))


def lr_at(step: int, max_steps: int, cfg: OptimConfig) -> float:
    """Learning rate for optimizer step `step` (0-based): linear warm-up, then the schedule."""
    if cfg.warmup_steps and step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    if cfg.schedule == "constant":
        return cfg.lr
    min_lr = cfg.lr * cfg.min_lr_ratio
    span = max(1, max_steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    if cfg.schedule == "linear":
        return cfg.lr - (cfg.lr - min_lr) * progress
    return min_lr + 0.5 * (cfg.lr - min_lr) * (1 + math.cos(math.pi * progress))


def add_l1_gradient(optimizer: torch.optim.Optimizer, strength: float) -> None:
    """d/dw of strength·Σ|w| for the decayed weights: adds strength·sign(w) to their gradients."""
    params = [p for p in optimizer.param_groups[0]["params"] if p.grad is not None]
    if params and strength:
        torch._foreach_add_([p.grad for p in params], torch._foreach_sign(params), alpha=strength)
