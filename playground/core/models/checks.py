"""Does a model folder's config.json describe its weights? Checked from the safetensors headers (a few KB
read, nothing allocated) before `from_pretrained`, and from transformers' loading report after it, so a
folder that would load with random or garbage weights is refused with the reason instead.

Caught: a config with absurd or non-finite numbers (10⁶ layers would hang the model's construction; a NaN
`rms_norm_eps` gives NaN logits), layers in the config that the weights do not have (or the other way
round), integer (already quantized) tensors, and tensors the model does not have or lacks (another
`model_type` on the same weights)."""

from __future__ import annotations

import json
import math
import re
import struct
from pathlib import Path

from playground.core.errors import ModelLoadError

# Sizes a config may give, with the most any loadable model has (Llama-3-405B: 126 layers, 16,384 wide).
SIZE_LIMITS = {"num_hidden_layers": 1_000, "n_layer": 1_000, "hidden_size": 65_536, "n_embd": 65_536,
               "intermediate_size": 262_144, "n_inner": 262_144, "num_attention_heads": 1_024, "n_head": 1_024,
               "num_key_value_heads": 1_024, "vocab_size": 4_000_000, "max_position_embeddings": 10_000_000,
               "n_positions": 10_000_000, "head_dim": 4_096}
FLOAT_FIELDS = ("rms_norm_eps", "layer_norm_eps", "layer_norm_epsilon", "rope_theta", "initializer_range")
FLOAT_DTYPES = {"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2"}
_LAYER = re.compile(r"(?:^|\.)(?:layers|h|blocks|layer)\.(\d+)\.")
_LAYER_COUNT_KEYS = ("num_hidden_layers", "n_layer")


def check_config(config: dict, folder_name: str) -> None:
    """Numbers that no real model has, or that are not numbers."""
    for key, limit in SIZE_LIMITS.items():
        if key not in config or config[key] is None:
            continue
        value = config[key]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= limit:
            raise ModelLoadError(f"config.json in {folder_name}: {key} is {str(value)[:30]}, which no model this "
                                 f"app can load has (it must be a whole number from 1 to {limit:,}).")
    for key in FLOAT_FIELDS:
        value = config.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ModelLoadError(f"config.json in {folder_name}: {key} is {str(value)[:30]}; it must be a finite, "
                                 "non-negative number.")


def read_headers(files: list[Path]) -> dict[str, dict]:
    """{tensor name: {"dtype", "shape"}} from the safetensors headers (the first bytes of each file)."""
    tensors: dict[str, dict] = {}
    for file in files:
        with open(file, "rb") as handle:
            head = handle.read(8)
            size = struct.unpack("<Q", head)[0] if len(head) == 8 else 0
            if not 0 < size <= 100 * 2**20:
                raise ModelLoadError(f"The weights file {file.name} is corrupt or truncated (bad header).")
            try:
                header = json.loads(handle.read(size))
            except (ValueError, RecursionError) as exc:
                raise ModelLoadError(f"The weights file {file.name} is corrupt (its header is not JSON).") from exc
        if not isinstance(header, dict):
            raise ModelLoadError(f"The weights file {file.name} is corrupt (its header is not an object).")
        tensors.update({k: v for k, v in header.items() if k != "__metadata__" and isinstance(v, dict)})
    return tensors


def check_weights(config: dict, tensors: dict[str, dict], folder_name: str) -> None:
    """The weights against the config, from their headers alone."""
    integer = sorted(name for name, t in tensors.items() if t.get("dtype") not in FLOAT_DTYPES)
    if integer:
        dtype = tensors[integer[0]].get("dtype")
        raise ModelLoadError(
            f"{folder_name} holds {dtype} tensors ({integer[0]}{' and more' if len(integer) > 1 else ''}): "
            "already-quantized weights this app cannot load as a model. Use the original weights, or a "
            "variant the Optimize tab saved.")
    layers = {int(m.group(1)) for name in tensors if (m := _LAYER.search(name))}
    said = next((config[k] for k in _LAYER_COUNT_KEYS if isinstance(config.get(k), int)), None)
    if layers and said is not None and said != max(layers) + 1:
        raise ModelLoadError(f"config.json in {folder_name} says {said:,} layers, but the weights hold "
                             f"{max(layers) + 1:,}. The config belongs to another model: use the one saved with "
                             "these weights.")


def check_loading_report(info: dict, folder_name: str) -> None:
    """transformers' `output_loading_info`: tensors the model lacks or does not know mean random or unused
    weights (only the tied LM head may be missing: it shares the embedding)."""
    missing = [k for k in info.get("missing_keys", ()) if not k.endswith("lm_head.weight")]
    unexpected = list(info.get("unexpected_keys", ()))
    mismatched = list(info.get("mismatched_keys", ()))
    problems = []
    if missing:
        problems.append(f"{len(missing)} of the model's tensors are not in the weights (e.g. {missing[0]}), "
                        "so they would be random")
    if unexpected:
        problems.append(f"{len(unexpected)} tensors in the weights are not part of this model "
                        f"(e.g. {unexpected[0]})")
    if mismatched:
        problems.append(f"{len(mismatched)} tensors have another shape than the config says")
    if problems:
        raise ModelLoadError(f"{folder_name} does not load as the model its config.json describes: "
                             + "; ".join(problems) + ". Check that config.json and the weights were saved together.")
