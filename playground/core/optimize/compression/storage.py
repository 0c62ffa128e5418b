"""Sizes of a (possibly quantized) model, and its saved form.

Saved variant folder (`save_variant`), loadable by `load_variant` and by the app's model loader:
- plain variants (casts, pruned models): an ordinary Hugging Face folder — config.json,
  model.safetensors, tokenizer files — that any transformers code loads;
- quantized variants: config.json + tokenizer files + `quantized.safetensors` holding the integer
  weights as they live in memory (int8, or int4 packed two per byte as uint8) with their scales, plus
  the float tensors (embeddings, norms), and `quantization.json`, the manifest saying which module is
  quantized how. There is deliberately no model.safetensors, so tools that do not read the manifest
  fail loudly instead of running random weights.
- `variant.json`: what was done (the spec) and the measured report row, for people.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import threading
from pathlib import Path

import torch
from torch import nn

from playground.core.optimize.compression.quantize import WeightOnlyLinear, conv1d_to_linear, is_dynamic_int8, set_submodule

MANIFEST = "quantization.json"
QUANTIZED_WEIGHTS = "quantized.safetensors"
VARIANT_INFO = "variant.json"
FORMAT = "llm-playground-quantized"


# ------------------------------------------------------------------ counting
def parameter_counts(model: nn.Module) -> tuple[int, int]:
    """(total, non-zero) weights, counting quantized weights (which live in buffers) once each."""
    total = nonzero = 0
    seen: set[int] = set()
    for module in model.modules():
        tensors = list(module.parameters(recurse=False))
        if isinstance(module, WeightOnlyLinear):
            q = module.int_weight()
            total, nonzero = total + q.numel(), nonzero + int(torch.count_nonzero(q))
        elif is_dynamic_int8(module):
            q = module.weight().int_repr()
            total, nonzero = total + q.numel(), nonzero + int(torch.count_nonzero(q))
            bias = module.bias()
            tensors += [bias] if bias is not None else []
        for t in tensors:
            if id(t) not in seen:
                seen.add(id(t))
                total, nonzero = total + t.numel(), nonzero + int(torch.count_nonzero(t))
    return total, nonzero


def parameter_total(model: nn.Module) -> int:
    """Number of weights, quantized ones included (they live in buffers, not parameters)."""
    total = sum(p.numel() for p in model.parameters())
    for module in model.modules():
        if isinstance(module, WeightOnlyLinear):
            total += module.in_features * module.out_features
        elif is_dynamic_int8(module):
            total += module.weight().numel() + (module.bias().numel() if module.bias() is not None else 0)
    return total


def memory_bytes(model: nn.Module) -> int:
    """Bytes of every tensor the model holds (parameters, buffers, packed int8 weights), shared ones once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for t in list(model.parameters()) + list(model.buffers()):
        key = (t.untyped_storage().data_ptr(), t.untyped_storage().nbytes())
        if key not in seen:
            seen.add(key)
            total += t.untyped_storage().nbytes()
    for module in model.modules():
        if is_dynamic_int8(module):
            w = module.weight()
            total += w.numel() + 16 * w.shape[0]  # int8 values + a float64 scale and int64 zero point per row
            bias = module.bias()
            total += bias.numel() * bias.element_size() if bias is not None else 0
    return total


def disk_bytes(model: nn.Module) -> int:
    """Bytes of the tensors `save_variant` writes (the safetensors header and small JSON files aside)."""
    tensors, _ = export_tensors(model)
    return sum(t.numel() * t.element_size() for t in tensors.values())


# ------------------------------------------------------------------ export
def export_tensors(model: nn.Module) -> tuple[dict[str, torch.Tensor], dict | None]:
    """The tensors to save and, for a quantized model, the manifest describing its quantized modules."""
    modules: dict[str, dict] = {}
    tensors: dict[str, torch.Tensor] = {}
    dynamic_prefixes = []
    for name, module in model.named_modules():
        if isinstance(module, WeightOnlyLinear):
            modules[name] = {"kind": "weight-only", "bits": module.bits, "group_size": module.group_size,
                             "in_features": module.in_features, "out_features": module.out_features,
                             "bias": module.bias is not None}
        elif is_dynamic_int8(module):
            w, bias = module.weight(), module.bias()
            modules[name] = {"kind": "dynamic-int8", "in_features": w.shape[1], "out_features": w.shape[0],
                             "bias": bias is not None}
            tensors[f"{name}.qweight"] = w.int_repr()
            tensors[f"{name}.scales"] = w.q_per_channel_scales()
            tensors[f"{name}.zero_points"] = w.q_per_channel_zero_points()
            if bias is not None:
                tensors[f"{name}.bias"] = bias.detach()
            dynamic_prefixes.append(name + ".")
    seen: set[int] = set()
    for key, value in model.state_dict().items():
        if not isinstance(value, torch.Tensor) or any(key.startswith(p) for p in dynamic_prefixes):
            continue
        ptr = value.untyped_storage().data_ptr()
        if ptr in seen:  # tied weights (lm_head = embedding) are saved once
            continue
        seen.add(ptr)
        tensors[key] = value.detach().contiguous()
    if not modules:
        return tensors, None
    spec = getattr(model, "compression", None)
    manifest = {"format": FORMAT, "version": 1, "float_dtype": _float_dtype(model),
                "spec": dataclasses.asdict(spec) if spec is not None else None, "modules": modules}
    return tensors, manifest


def _float_dtype(model: nn.Module) -> str:
    return str(next(model.parameters()).dtype).removeprefix("torch.")


# ------------------------------------------------------------------ save / load
def save_variant(model: nn.Module, tokenizer, folder: str | Path, info: dict | None = None) -> Path:
    """Write `model` (+ tokenizer) as a loadable folder, atomically (temp folder, then rename)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tensors, manifest = export_tensors(model)
        if manifest is None:
            model.save_pretrained(tmp, safe_serialization=True)
        else:
            _save_quantized(model, tmp, tensors, manifest)
        if tokenizer is not None:
            tokenizer.save_pretrained(tmp)
        spec = getattr(model, "compression", None)
        record = {"spec": dataclasses.asdict(spec) if spec is not None else None,
                  "note": getattr(model, "compression_note", ""), **(info or {})}
        (tmp / VARIANT_INFO).write_text(json.dumps(record, indent=2, default=str), encoding="utf-8")
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _save_quantized(model: nn.Module, tmp: Path, tensors: dict, manifest: dict) -> None:
    from safetensors.torch import save_file

    tmp.mkdir(parents=True)
    model.config.save_pretrained(tmp)
    if getattr(model, "generation_config", None) is not None:
        model.generation_config.save_pretrained(tmp)
    save_file({k: v.cpu() for k, v in tensors.items()}, str(tmp / QUANTIZED_WEIGHTS), metadata={"format": "pt"})
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def is_quantized_folder(folder: str | Path) -> bool:
    return (Path(folder) / MANIFEST).exists()


def load_quantized_model(folder: str | Path, dtype: str | None = None) -> nn.Module:
    """Rebuild a quantized variant saved by `save_variant` (CPU; float parts in `dtype` or as saved)."""
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModelForCausalLM

    from playground.core.optimize.compression.prune import rebuild_empty

    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{MANIFEST} is not a {FORMAT} manifest.")
    kinds = {m["kind"] for m in manifest["modules"].values()}
    float_dtype = "float32" if "dynamic-int8" in kinds else (dtype or manifest.get("float_dtype", "float32"))
    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    model = rebuild_empty(AutoModelForCausalLM, config, getattr(torch, float_dtype))
    tensors = load_file(str(folder / QUANTIZED_WEIGHTS))
    if "dynamic-int8" in kinds:
        conv1d_to_linear(model)
    dynamic = {n: e for n, e in manifest["modules"].items() if e["kind"] == "dynamic-int8"}
    for name, entry in manifest["modules"].items():
        if entry["kind"] == "weight-only":
            set_submodule(model, name, WeightOnlyLinear(entry["in_features"], entry["out_features"], entry["bits"],
                                                        entry["group_size"], entry["bias"], model.dtype))
    prefixes = tuple(n + "." for n in dynamic)
    floats = {k: v for k, v in tensors.items() if not k.startswith(prefixes)}
    missing, unexpected = model.load_state_dict(floats, strict=False)
    tied = bool(getattr(config, "tie_word_embeddings", False))
    missing = [k for k in missing if not k.startswith(prefixes) and not (tied and k.endswith("lm_head.weight"))]
    if missing or unexpected:
        raise ValueError(f"{QUANTIZED_WEIGHTS} does not match the model: missing {missing[:3]}, "
                         f"unexpected {unexpected[:3]}.")
    for name, entry in dynamic.items():  # after loading: torch's quantized modules load only their own format
        set_submodule(model, name, _dynamic_linear(name, entry, tensors))
    if tied:
        model.tie_weights()
    restore_variant_info(model, folder)
    return model.eval()


def _dynamic_linear(name: str, entry: dict, tensors: dict) -> nn.Module:
    import warnings

    from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        qweight = torch._make_per_channel_quantized_tensor(
            tensors[f"{name}.qweight"], tensors[f"{name}.scales"], tensors[f"{name}.zero_points"], 0)
        layer = DynamicLinear(entry["in_features"], entry["out_features"], bias_=entry["bias"], dtype=torch.qint8)
        layer.set_weight_bias(qweight, tensors.get(f"{name}.bias"))
    return layer


def load_variant(folder: str | Path, device: str = "cpu", dtype: str | None = None):
    """(model, tokenizer) from a folder written by `save_variant` (or any HF folder)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = Path(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    if is_quantized_folder(folder):
        model = load_quantized_model(folder, dtype)
    else:
        kwargs = {"dtype": getattr(torch, dtype)} if dtype else {"dtype": "auto"}
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, use_safetensors=True, **kwargs)
    restore_variant_info(model, folder)
    return model.to(torch.device(device)).eval(), tokenizer


def variant_info(folder: str | Path) -> dict:
    """What `save_variant` recorded about a folder (empty for an ordinary model folder)."""
    try:
        return json.loads((Path(folder) / VARIANT_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def restore_variant_info(model: nn.Module, folder: str | Path) -> None:
    """Put `compression` (the spec) and `compression_note` back on a reloaded variant."""
    from playground.core.optimize.compression.spec import CompressionSpec

    info = variant_info(folder)
    if info.get("spec"):
        try:
            model.compression = CompressionSpec(**info["spec"])
        except TypeError:  # written by a different version: the spec is informational only
            pass
        model.compression_note = info.get("note", "")
