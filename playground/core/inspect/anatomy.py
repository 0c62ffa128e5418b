"""The module tree of a model: each module's type, output shape for a sample input, parameters.

Shapes come from forward hooks during one forward pass; on a `meta` model the pass only
propagates shapes, so a 70B config is mapped without a byte of weights.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from playground.core.i18n import QT_TRANSLATE_NOOP

# Module path → the part of the block diagram it belongs to (first match wins).
_PART_PATTERNS = [
    (r"(^|\.)(embed_tokens|wte|word_embeddings)$", "embed"),
    (r"(^|\.)(wpe|embed_positions|position_embeddings)$", "pos_embed"),
    (r"(^|\.)(rotary_emb)$", "pos_embed"),
    (r"(^|\.)(input_layernorm|ln_1)$", "attn_norm"),
    (r"(^|\.)(post_attention_layernorm|ln_2)$", "mlp_norm"),
    (r"(^|\.)(self_attn|attn|attention)(\.|$)", "attn"),
    (r"(^|\.)(mlp|feed_forward)(\.|$)", "mlp"),
    (r"(^|\.)(layers|h|blocks)\.\d+$", "block"),
    (r"(^|\.)(layers|h|blocks)$", "block"),
    (r"(^|\.)(norm|ln_f|final_layernorm|final_layer_norm)$", "final_norm"),
    (r"(^|\.)lm_head$", "lm_head"),
]
_LAYER_INDEX = re.compile(r"(?:^|\.)(?:layers|h|blocks)\.(\d+)(?:\.|$)")


def diagram_part(path: str) -> str | None:
    """Which box of the block diagram a module path belongs to ("" is the whole model)."""
    if path == "":
        return "model"
    for pattern, part in _PART_PATTERNS:
        if re.search(pattern, path):
            return part
    return None


def layer_index(path: str) -> int | None:
    match = _LAYER_INDEX.search(path)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class ModuleNode:
    path: str  # "model.layers.0.self_attn" ("" for the root)
    name: str  # last component, or the class name for the root
    type_name: str
    output_shape: tuple[int, ...] | None  # of the first tensor it returned for the sample input
    params: int  # this module and its children, every tensor counted once (tied weights: first owner)
    children: tuple["ModuleNode", ...] = ()
    tied_to: str = ""  # set when this module's weight is counted under another module

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, path: str) -> "ModuleNode | None":
        return next((n for n in self.walk() if n.path == path), None)


def _first_tensor(output: Any):
    import torch

    if isinstance(output, torch.Tensor):
        return output
    if hasattr(output, "logits") and isinstance(output.logits, torch.Tensor):
        return output.logits
    if hasattr(output, "last_hidden_state") and isinstance(output.last_hidden_state, torch.Tensor):
        return output.last_hidden_state
    if isinstance(output, (tuple, list)):
        return next((t for t in (_first_tensor(o) for o in output) if t is not None), None)
    return None


def sample_input_ids(model, length: int = 8) -> list[int]:
    """Token ids for the sample forward pass: in range for any vocabulary, none special."""
    vocab = int(model.config.vocab_size)
    return [(17 + 31 * i) % vocab for i in range(length)]


def _record_shapes(model, input_ids: list[int], should_stop: threading.Event | None) -> dict[str, tuple]:
    import torch

    shapes: dict[str, tuple] = {}
    hooks = []
    for path, module in model.named_modules():
        def hook(_module, _args, output, path=path):
            tensor = _first_tensor(output)
            if tensor is not None:
                shapes.setdefault(path, tuple(tensor.shape))
        hooks.append(module.register_forward_hook(hook))
    device = next(model.parameters()).device
    try:
        if should_stop is not None and should_stop.is_set():
            return shapes
        with torch.inference_mode():
            ids = torch.tensor([input_ids], dtype=torch.long, device=device)  # (1, T)
            model(input_ids=ids)  # (the default cache path also works on the meta device)
    finally:
        for handle in hooks:
            handle.remove()
    return shapes


def _own_params(model) -> tuple[dict[str, int], dict[str, str]]:
    """Parameters each module owns directly; a tied tensor goes to its first owner."""
    owner: dict[int, str] = {}
    own: dict[str, int] = {}
    tied: dict[str, str] = {}
    for path, module in model.named_modules(remove_duplicate=False):
        count = 0
        for param in module.parameters(recurse=False):
            if id(param) in owner:
                if owner[id(param)] != path:
                    tied[path] = owner[id(param)]
                continue
            owner[id(param)] = path
            count += param.numel()
        own[path] = own.get(path, 0) + count
    return own, tied


def module_tree(model, input_ids: list[int] | None = None, *,
                should_stop: threading.Event | None = None) -> ModuleNode:
    """The tree of `model`'s modules with output shapes for `input_ids` (a short sample by default).

    Runs one forward pass; hold the session's lock while calling this on a shared model.
    """
    ids = input_ids if input_ids is not None else sample_input_ids(model)
    shapes = _record_shapes(model, ids, should_stop)
    own, tied = _own_params(model)

    def build(path: str, name: str, module) -> ModuleNode:
        children = tuple(build(f"{path}.{child_name}" if path else child_name, child_name, child)
                         for child_name, child in module.named_children())
        return ModuleNode(path, name, type(module).__name__, shapes.get(path),
                          own.get(path, 0) + sum(c.params for c in children), children, tied.get(path, ""))

    return build("", type(model).__name__, model)


_MEASURED_LABELS = {
    "embed": QT_TRANSLATE_NOOP("Core", "Token embedding"),
    "pos_embed": QT_TRANSLATE_NOOP("Core", "Position embedding"),
    "attn_norm": QT_TRANSLATE_NOOP("Core", "Norm (before attention)"),
    "attn": QT_TRANSLATE_NOOP("Core", "Self-attention"),
    "mlp_norm": QT_TRANSLATE_NOOP("Core", "Norm (before MLP)"),
    "mlp": QT_TRANSLATE_NOOP("Core", "MLP"),
    "final_norm": QT_TRANSLATE_NOOP("Core", "Final norm"),
    "lm_head": QT_TRANSLATE_NOOP("Core", "LM head"),
    "other": QT_TRANSLATE_NOOP("Core", "Other"),
}
MEASURED = QT_TRANSLATE_NOOP("Core", "measured from the modules")  # the formula column of a measured part


def measured_breakdown(tree: ModuleNode):
    """Parameters by diagram part, counted from the modules (for families without formulas).

    Per-layer parts hold the count of all layers together (`per_layer` stays False).
    """
    from playground.core.models.sizing import ParamBreakdown, Part

    totals: dict[str, int] = {}
    layers = set()
    for node in tree.walk():
        own = node.params - sum(c.params for c in node.children)
        if layer_index(node.path) is not None:
            layers.add(layer_index(node.path))
        if own:
            part = diagram_part(node.path)
            part = part if part in _MEASURED_LABELS else "other"
            totals[part] = totals.get(part, 0) + own
    parts = tuple(Part(key, label, MEASURED, totals[key])
                  for key, label in _MEASURED_LABELS.items() if key in totals)
    return ParamBreakdown(parts, max(len(layers), 1))


@dataclass(frozen=True)
class Anatomy:
    """A model mapped for the Anatomy page."""

    title: str
    tree: ModuleNode
    n_params: int  # sum(p.numel()), tied weights once
    config: dict  # config.to_dict() with model_type
    spec: Any  # core.models.spec.ModelSpec, or None for families without formulas
    sample_tokens: int
    on_meta: bool  # instantiated on the meta device (no weights)
    seconds: float


def _config_dict(config) -> dict:
    out = config.to_dict()
    out["model_type"] = config.model_type
    return out


def _spec_or_none(config):
    from playground.core.models.spec import ModelSpec

    try:
        return ModelSpec.from_config(config)
    except (ValueError, TypeError):
        return None


def anatomy_of_model(model, title: str, *, sample_tokens: int = 8,
                     should_stop: threading.Event | None = None) -> Anatomy:
    """Map a live model (hold its session's lock): one forward pass of `sample_tokens` tokens."""
    import time

    started = time.perf_counter()
    tree = module_tree(model, sample_input_ids(model, sample_tokens), should_stop=should_stop)
    on_meta = next(model.parameters()).device.type == "meta"
    return Anatomy(title, tree, tree.params, _config_dict(model.config), _spec_or_none(model.config),
                   sample_tokens, on_meta, time.perf_counter() - started)


def anatomy_of_config(config: dict, title: str, *, sample_tokens: int = 8,
                      should_stop: threading.Event | None = None) -> Anatomy:
    """Map a config without weights: instantiated and run on the meta device."""
    from playground.core.models.builder import build_config, meta_model

    return anatomy_of_model(meta_model(build_config(config)), title, sample_tokens=sample_tokens,
                            should_stop=should_stop)


@dataclass(frozen=True)
class ConfigCheck:
    """The config builder's model, instantiated on the meta device and counted."""

    config: dict  # the full config.to_dict() with model_type (what "Train this" sends)
    n_params: int
    seconds: float


def check_config(config: dict) -> ConfigCheck:
    import time

    from playground.core.models.builder import build_config, meta_model
    from playground.core.models.sizing import count_parameters

    started = time.perf_counter()
    built = build_config(config)
    n = count_parameters(meta_model(built))
    return ConfigCheck(_config_dict(built), n, time.perf_counter() - started)
