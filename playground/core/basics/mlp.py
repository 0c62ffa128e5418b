"""A multi-layer perceptron from a spec, and the settings a Basics run trains it with.

    x → [Linear → BatchNorm? → activation → Dropout?] × hidden_layers → Linear → logits
A residual block adds its input back (h + block(h)) where its input and output widths match: every
hidden layer but the first. The classic digits network is `MLPSpec(64, 10, 1, 128, "relu", dropout=0.2)`:
Dense(128, relu) → Dropout(0.2) → Dense(10, softmax) (the softmax is inside the cross-entropy loss).
torch is imported when a network is built, not when the tab reads a spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playground.core.errors import PlaygroundError

ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu")
OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "adagrad": "AdaGrad", "rmsprop": "RMSprop", "adam": "Adam"}
MAX_HIDDEN_LAYERS = 6


@dataclass(frozen=True)
class MLPSpec:
    in_features: int = 2
    out_features: int = 2  # classes
    hidden_layers: int = 2  # 0..MAX_HIDDEN_LAYERS (0: logistic regression)
    neurons: int = 8  # per hidden layer
    activation: str = "relu"  # one of ACTIVATIONS
    dropout: float = 0.0  # after each hidden activation, while training
    batch_norm: bool = False  # BatchNorm1d before each hidden activation
    residual: bool = False  # h + block(h) where widths match


@dataclass(frozen=True)
class TrainSettings:
    """What a Basics run trains with. The loss is cross-entropy + l1·Σ|w| + l2·Σw² (weights, not biases)."""

    mlp: MLPSpec = field(default_factory=MLPSpec)
    optimizer: str = "adam"  # one of OPTIMIZERS
    lr: float = 0.03
    batch_size: int = 16
    l1: float = 0.0
    l2: float = 0.0
    seed: int = 0  # initial weights and batch order
    epochs: int = 0  # 0: until stopped


def check(settings: TrainSettings) -> None:
    """Raise PlaygroundError naming the control for a setting that cannot train."""
    m = settings.mlp
    if not 0 <= m.hidden_layers <= MAX_HIDDEN_LAYERS:
        raise PlaygroundError(f"Hidden layers: must be 0 to {MAX_HIDDEN_LAYERS} (got {m.hidden_layers}).")
    if m.hidden_layers and m.neurons < 1:
        raise PlaygroundError(f"Neurons per layer: must be at least 1 (got {m.neurons}).")
    if m.activation not in ACTIVATIONS:
        raise PlaygroundError(f"Activation: unknown {m.activation!r} (choose one of {', '.join(ACTIVATIONS)}).")
    if not 0.0 <= m.dropout < 1.0:
        raise PlaygroundError(f"Dropout: must be at least 0 and below 1 (got {m.dropout:g}).")
    if settings.optimizer not in OPTIMIZERS:
        raise PlaygroundError(f"Optimizer: unknown {settings.optimizer!r}.")
    if not settings.lr > 0:
        raise PlaygroundError(f"Learning rate: must be above 0 (got {settings.lr:g}).")
    if settings.batch_size < 1:
        raise PlaygroundError(f"Batch size: must be at least 1 (got {settings.batch_size}).")
    if settings.l1 < 0 or settings.l2 < 0:
        raise PlaygroundError("L1 / L2 strength: must be 0 or more.")
    if settings.epochs < 0:
        raise PlaygroundError("Epochs: must be 0 (no limit) or more.")


def build_mlp(spec: MLPSpec):
    """The network as a torch.nn.Module; `hidden(x)` returns each hidden layer's output."""
    import torch
    from torch import nn

    activations = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}

    class Block(nn.Module):
        def __init__(self, width_in: int, width_out: int) -> None:
            super().__init__()
            self.linear = nn.Linear(width_in, width_out)
            self.norm = nn.BatchNorm1d(width_out) if spec.batch_norm else nn.Identity()
            self.act = activations[spec.activation]()
            self.drop = nn.Dropout(spec.dropout) if spec.dropout > 0 else nn.Identity()
            self.residual = spec.residual and width_in == width_out

        def forward(self, h: torch.Tensor) -> torch.Tensor:  # (B, width_in) -> (B, width_out)
            out = self.drop(self.act(self.norm(self.linear(h))))
            return h + out if self.residual else out

    class MLP(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            widths = [spec.in_features] + [spec.neurons] * spec.hidden_layers
            self.blocks = nn.ModuleList(Block(a, b) for a, b in zip(widths, widths[1:]))
            self.head = nn.Linear(widths[-1], spec.out_features)

        def hidden(self, x: torch.Tensor) -> list[torch.Tensor]:
            outs = []
            for block in self.blocks:
                x = block(x)
                outs.append(x)
            return outs

        def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, classes) logits
            for block in self.blocks:
                x = block(x)
            return self.head(x)

    return MLP()


def make_optimizer(name: str, params, lr: float):
    """SGD, Momentum (SGD with momentum 0.9), AdaGrad, RMSprop or Adam."""
    import torch

    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    raise PlaygroundError(f"Optimizer: unknown {name!r}.")


def weights(model) -> list:
    """The weight matrices the penalty and the weight norm count (Linear weights; not biases or norms)."""
    from torch import nn

    return [m.weight for m in model.modules() if isinstance(m, nn.Linear)]


def penalty(model, l1: float, l2: float):
    """λ₁·Σ|w| + λ₂·Σw² over the weights (a 0-d tensor; 0 when both are 0)."""
    import torch

    total = torch.zeros(())
    for w in weights(model):
        if l1:
            total = total + l1 * w.abs().sum()
        if l2:
            total = total + l2 * w.pow(2).sum()
    return total


def weight_norm(model) -> float:
    """√Σw² over the weights."""
    return float(sum(float(w.detach().pow(2).sum()) for w in weights(model)) ** 0.5)
