"""Quantization: dtype casts, torch's dynamic int8, and our own weight-only int8/int4 Linear.

`WeightOnlyLinear` keeps int8 (or two int4 per byte) weights plus one float16 scale per group of
`group_size` input columns as buffers, and dequantizes in `forward`, so the model's memory really
falls on every device, at the cost of a dequantize per call. Symmetric, round-to-nearest:
    scale = max|w_group| / qmax,   q = clamp(round(w / scale), -qmax - 1, qmax),   w ≈ q * scale
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch import nn

from playground.core.progress import ProgressFn, progress


def cast_weights(model: nn.Module, dtype: torch.dtype) -> nn.Module:
    """Cast parameters and saved buffers to `dtype`, in place. Unlike `model.to(dtype)`, buffers that are
    recomputed at load time (rotary frequencies) stay float32, exactly as after a save and reload."""
    for module in model.modules():
        for name, param in module.named_parameters(recurse=False):
            if param.is_floating_point():
                param.data = param.data.to(dtype)
        for name, buffer in module.named_buffers(recurse=False):
            if buffer.is_floating_point() and name not in module._non_persistent_buffers_set:
                setattr(module, name, buffer.to(dtype))
    return model


def weight_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The Linear (and GPT-2 Conv1D) layers of the blocks; the output head (often tied to the embedding) stays."""
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    layers = []
    for name, module in model.named_modules():
        if module is head or name.endswith("lm_head"):
            continue
        if isinstance(module, nn.Linear) or type(module).__name__ == "Conv1D":
            layers.append((name, module))
    return layers


def linear_weight(module: nn.Module) -> torch.Tensor:
    """The (out, in) weight of a Linear, or of a GPT-2 Conv1D (which stores it transposed)."""
    return module.weight.t() if type(module).__name__ == "Conv1D" else module.weight


def set_submodule(model: nn.Module, name: str, new: nn.Module) -> None:
    parent_name, _, child = name.rpartition(".")
    setattr(model.get_submodule(parent_name) if parent_name else model, child, new)


class WeightOnlyLinear(nn.Module):
    """A Linear whose weight lives as int8 / packed int4 + float16 group scales (buffers)."""

    def __init__(self, in_features: int, out_features: int, bits: int, group_size: int, bias: bool,
                 compute_dtype: torch.dtype = torch.float32) -> None:
        super().__init__()
        if bits not in (4, 8):
            raise ValueError("bits must be 4 or 8")
        if in_features % group_size or (bits == 4 and in_features % 2):
            group_size = in_features  # one scale per row when the columns do not split evenly
        self.in_features, self.out_features = in_features, out_features
        self.bits, self.group_size, self.compute_dtype = bits, group_size, compute_dtype
        packed = in_features // 2 if bits == 4 else in_features
        self.register_buffer("qweight", torch.zeros(out_features, packed,
                                                    dtype=torch.uint8 if bits == 4 else torch.int8))
        self.register_buffer("scales", torch.ones(out_features, in_features // group_size, dtype=torch.float16))
        self.bias = nn.Parameter(torch.zeros(out_features, dtype=compute_dtype)) if bias else None

    @property
    def qmax(self) -> int:
        return 7 if self.bits == 4 else 127

    @classmethod
    def from_weight(cls, weight: torch.Tensor, bias: torch.Tensor | None, bits: int,
                    group_size: int) -> "WeightOnlyLinear":
        out_features, in_features = weight.shape
        layer = cls(in_features, out_features, bits, group_size, bias is not None, weight.dtype)
        layer.to(weight.device)
        w = weight.detach().float().reshape(out_features, -1, layer.group_size)  # (out, groups, group)
        scales = (w.abs().amax(dim=-1) / layer.qmax).clamp(min=1e-7).to(torch.float16)  # (out, groups)
        q = torch.round(w / scales.float().unsqueeze(-1)).clamp(-layer.qmax - 1, layer.qmax)
        q = q.reshape(out_features, in_features).to(torch.int8)
        layer.scales.copy_(scales)
        layer.qweight.copy_(_pack_int4(q) if bits == 4 else q)
        if bias is not None:
            layer.bias.data.copy_(bias.detach())
        return layer

    def int_weight(self) -> torch.Tensor:
        """The integer weight, (out, in) int8 in [-qmax-1, qmax]."""
        return _unpack_int4(self.qweight) if self.bits == 4 else self.qweight

    def dequantize(self) -> torch.Tensor:
        q = self.int_weight().reshape(self.out_features, -1, self.group_size).float()  # (out, groups, group)
        return (q * self.scales.float().unsqueeze(-1)).reshape(self.out_features, self.in_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.dequantize().to(x.dtype), None if self.bias is None else self.bias.to(x.dtype))

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, bits={self.bits}, "
                f"group_size={self.group_size}")


def _pack_int4(q: torch.Tensor) -> torch.Tensor:
    """(out, in) int8 in [-8, 7] -> (out, in/2) uint8; column 2k in the low nibble, 2k+1 in the high one."""
    u = (q.to(torch.int16) + 8).to(torch.uint8)
    return u[:, 0::2] | (u[:, 1::2] << 4)


def _unpack_int4(packed: torch.Tensor) -> torch.Tensor:
    low, high = packed & 0x0F, packed >> 4
    return torch.stack((low, high), dim=-1).reshape(packed.shape[0], -1).to(torch.int8) - 8


def quantize_weight_only(model: nn.Module, bits: int, group_size: int,
                         on_progress: ProgressFn | None = None, should_stop=None) -> nn.Module:
    """Replace the block Linear layers of `model` (already a copy) by WeightOnlyLinear, in place."""
    layers = weight_layers(model)
    for i, (name, module) in enumerate(layers):
        _check(should_stop)
        bias = getattr(module, "bias", None)
        set_submodule(model, name, WeightOnlyLinear.from_weight(linear_weight(module), bias, bits, group_size))
        if on_progress is not None and i % 8 == 0:
            on_progress(progress(i / len(layers), f"Quantizing {name} to int{bits}"))
    return model


def conv1d_to_linear(model: nn.Module) -> None:
    """GPT-2's Conv1D layers become equivalent nn.Linear ones (torch's quantization knows only Linear)."""
    for name, module in weight_layers(model):
        if type(module).__name__ == "Conv1D":
            weight = module.weight.t()
            linear = nn.Linear(weight.shape[1], weight.shape[0], bias=module.bias is not None,
                               device=weight.device, dtype=weight.dtype)
            linear.weight.data.copy_(weight)
            if module.bias is not None:
                linear.bias.data.copy_(module.bias)
            set_submodule(model, name, linear)


@torch.no_grad()
def outlier_layers(model: nn.Module, calibration_ids: list[int], threshold: float) -> list[str]:
    """Block layers whose input has outliers: max|x| / mean|x| above `threshold` on the calibration text.

    A few such layers (typically some MLP down projections) hold activations hundreds of times larger
    than the rest; one int8 scale for the whole input then rounds everything else to zero.
    """
    if not calibration_ids or threshold <= 0:
        return []
    ratios: dict[str, float] = {}

    def record(name: str, x: torch.Tensor) -> None:
        a = x.detach().float().abs()
        ratios[name] = max(ratios.get(name, 0.0), float(a.max() / a.mean().clamp(min=1e-12)))

    handles = [m.register_forward_pre_hook(lambda _m, args, n=n: record(n, args[0]))
               for n, m in weight_layers(model)]
    try:
        device = next(model.parameters()).device
        model(input_ids=torch.tensor([calibration_ids[:256]], device=device), use_cache=False)
    finally:
        for handle in handles:
            handle.remove()
    return [name for name, ratio in ratios.items() if ratio > threshold]


def quantize_dynamic_int8(model: nn.Module, skip: list[str] = ()) -> nn.Module:
    """torch's dynamic int8 (per-channel weights) on the block Linear layers of `model` (a float32 copy),
    except the layers named in `skip`."""
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    conv1d_to_linear(model)
    names = [name for name, module in weight_layers(model) if isinstance(module, nn.Linear) and name not in skip]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization deprecation notices
        return quantize_dynamic(model, {name: per_channel_dynamic_qconfig for name in names},
                                dtype=torch.qint8, inplace=True)


def is_dynamic_int8(module: nn.Module) -> bool:
    return type(module).__module__.startswith("torch.ao.nn.quantized.dynamic") and hasattr(module, "weight")


def _check(should_stop) -> None:
    if should_stop is not None and should_stop.is_set():
        from playground.core.errors import Cancelled

        raise Cancelled("Cancelled; the model is unchanged.")
