"""Pruning: unstructured magnitude pruning, and structured pruning of attention heads / MLP channels.

Structured pruning ranks heads or channels by an importance score, slices the weight matrices, writes
the smaller sizes into the config and rebuilds the model from it, so the result is an ordinary model
of a smaller shape that saves and reloads like any other.

Importance of query head h (Llama-style attention, o_proj: (C, H·D)):
    activation: mean over calibration tokens of ‖o_proj[:, h] · x_h‖   (the head's contribution)
    weight:     ‖o_proj[:, h]‖ · ‖q_proj[h]‖
Importance of MLP channel j (down: (C, I)):
    activation: mean |a_j| · ‖down[:, j]‖   (a = the input of the down projection)
    weight:     ‖down[:, j]‖ · ‖up[j]‖ (· ‖gate[j]‖)
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn

from playground.core.optimize.compression.quantize import _check, weight_layers
from playground.core.progress import ProgressFn, progress
from playground.core.optimize.compression.spec import CompressionError, attention_shape


def magnitude_prune(model: nn.Module, sparsity: float, on_progress: ProgressFn | None = None,
                    should_stop=None) -> nn.Module:
    """Zero the `sparsity` fraction of smallest-|w| weights in every block layer (in place on a copy)."""
    import torch.nn.utils.prune as prune

    layers = weight_layers(model)
    for i, (name, module) in enumerate(layers):
        _check(should_stop)
        prune.l1_unstructured(module, "weight", amount=float(sparsity))
        prune.remove(module, "weight")  # permanent: the mask is folded into the weight
        if on_progress is not None and i % 8 == 0:
            on_progress(progress(i / len(layers), f"Pruning {name}"))
    return model


# ------------------------------------------------------------------ structured
@dataclass
class Block:
    attn: str | None  # module name of a Llama-style attention (q/k/v/o_proj), if any
    mlp: str | None  # module name of the MLP
    mlp_kind: str = "llama"  # "llama" (gate/up/down) or "gpt2" (c_fc/c_proj)


def find_blocks(model: nn.Module) -> list[Block]:
    blocks: dict[str, Block] = {}
    for name, module in model.named_modules():
        parent = name.rpartition(".")[0]
        if all(hasattr(module, p) for p in ("q_proj", "k_proj", "v_proj", "o_proj")):
            blocks.setdefault(parent, Block(None, None)).attn = name
        elif all(hasattr(module, p) for p in ("gate_proj", "up_proj", "down_proj")):
            blocks.setdefault(parent, Block(None, None)).mlp = name
        elif hasattr(module, "c_fc") and hasattr(module, "c_proj"):
            block = blocks.setdefault(parent, Block(None, None))
            block.mlp, block.mlp_kind = name, "gpt2"
    return list(blocks.values())


def _mlp_down(model: nn.Module, block: Block) -> tuple[nn.Module, torch.Tensor]:
    """The down projection module and its (C, I) weight."""
    mlp = model.get_submodule(block.mlp)
    if block.mlp_kind == "gpt2":
        return mlp.c_proj, mlp.c_proj.weight.t()
    return mlp.down_proj, mlp.down_proj.weight


@contextmanager
def _input_hooks(modules: list[nn.Module], reducer):
    """Forward pre-hooks that call reducer(i, x) with the input of modules[i]; always removed."""
    handles = [m.register_forward_pre_hook(lambda _m, args, i=i: reducer(i, args[0].detach()))
               for i, m in enumerate(modules)]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


@torch.no_grad()
def _run_calibration(model: nn.Module, ids: list[int], should_stop, window: int = 128) -> None:
    device = next(model.parameters()).device
    for start in range(0, max(len(ids) - 1, 1), window):
        _check(should_stop)
        chunk = ids[start:start + window]
        if len(chunk) > 1:
            model(input_ids=torch.tensor([chunk], device=device), use_cache=False)


@torch.no_grad()
def head_scores(model: nn.Module, blocks: list[Block], importance: str, calibration_ids, should_stop) -> list:
    """Per layer, a (H,) tensor of query-head importance."""
    heads, _ = attention_shape(model.config)
    attns = [model.get_submodule(b.attn) for b in blocks]
    if importance == "weight":
        return [a.o_proj.weight.float().reshape(a.o_proj.weight.shape[0], heads, -1).norm(dim=(0, 2))
                * a.q_proj.weight.float().reshape(heads, -1).norm(dim=1) for a in attns]
    sums = [torch.zeros(heads) for _ in attns]
    counts = [0] * len(attns)

    def reduce(i: int, x: torch.Tensor) -> None:  # x: (B, T, H·D), the input of o_proj
        w_o = attns[i].o_proj.weight.float()  # (C, H·D)
        xs = x.float().reshape(-1, heads, w_o.shape[1] // heads)  # (N, H, D)
        per_head = torch.einsum("nhd,chd->nhc", xs, w_o.reshape(w_o.shape[0], heads, -1))  # (N, H, C)
        sums[i] += per_head.norm(dim=-1).sum(dim=0).cpu()
        counts[i] += xs.shape[0]

    with _input_hooks([a.o_proj for a in attns], reduce):
        _run_calibration(model, calibration_ids, should_stop)
    return [s / max(c, 1) for s, c in zip(sums, counts)]


@torch.no_grad()
def channel_scores(model: nn.Module, blocks: list[Block], importance: str, calibration_ids, should_stop) -> list:
    """Per layer, an (I,) tensor of MLP hidden-channel importance."""
    downs = [_mlp_down(model, b) for b in blocks]
    out_norms = [w.float().norm(dim=0).cpu() for _, w in downs]  # (I,)
    if importance == "weight":
        scores = []
        for block, norm in zip(blocks, out_norms):
            mlp = model.get_submodule(block.mlp)
            if block.mlp_kind == "gpt2":
                scores.append(norm * mlp.c_fc.weight.float().norm(dim=0).cpu())
            else:
                scores.append(norm * mlp.up_proj.weight.float().norm(dim=1).cpu()
                              * mlp.gate_proj.weight.float().norm(dim=1).cpu())
        return scores
    sums = [torch.zeros_like(n) for n in out_norms]
    counts = [0] * len(downs)

    def reduce(i: int, a: torch.Tensor) -> None:  # a: (B, T, I)
        flat = a.float().reshape(-1, a.shape[-1])
        sums[i] += flat.abs().sum(dim=0).cpu()
        counts[i] += flat.shape[0]

    with _input_hooks([m for m, _ in downs], reduce):
        _run_calibration(model, calibration_ids, should_stop)
    return [s / max(c, 1) * n for s, c, n in zip(sums, counts, out_norms)]


def _kept_heads(scores: torch.Tensor, heads: int, kv_heads: int, remove: int) -> list[int]:
    """Keep the best heads of every key/value group, in order, so each group stays contiguous."""
    per_group, drop = heads // kv_heads, remove // kv_heads
    kept = []
    for g in range(kv_heads):
        group = list(range(g * per_group, (g + 1) * per_group))
        best = sorted(group, key=lambda h: float(scores[h]), reverse=True)[:per_group - drop]
        kept += sorted(best)
    return kept


def _rows(index: list[int], width: int) -> torch.Tensor:
    """Row indices of the heads in `index`, each `width` rows wide."""
    return torch.tensor([h * width + d for h in index for d in range(width)], dtype=torch.long)


def prune_heads(model: nn.Module, remove: int, importance: str, calibration_ids=None,
                on_progress: ProgressFn | None = None, should_stop=None) -> nn.Module:
    """A new model with `remove` fewer query heads in every layer (grouped-query layout kept)."""
    heads, kv_heads = attention_shape(model.config)
    blocks = [b for b in find_blocks(model) if b.attn]
    if not blocks:
        raise CompressionError("Head pruning found no Llama-style attention layers in this model.")
    _report(on_progress, 0.1, "Scoring attention heads…")
    scores = head_scores(model, blocks, importance, calibration_ids or [], should_stop)
    head_dim = model.get_submodule(blocks[0].attn).o_proj.weight.shape[1] // heads
    state = model.state_dict()
    for block, score in zip(blocks, scores):
        rows = _rows(_kept_heads(score, heads, kv_heads, remove), head_dim)
        q, o = f"{block.attn}.q_proj", f"{block.attn}.o_proj"
        state[f"{q}.weight"] = state[f"{q}.weight"][rows].clone()
        if f"{q}.bias" in state:
            state[f"{q}.bias"] = state[f"{q}.bias"][rows].clone()
        state[f"{o}.weight"] = state[f"{o}.weight"][:, rows].clone()
    config = copy.deepcopy(model.config)
    config.num_attention_heads, config.num_key_value_heads, config.head_dim = heads - remove, kv_heads, head_dim
    _report(on_progress, 0.7, "Rebuilding the smaller model…")
    return rebuild(model, config, state)


def prune_mlp(model: nn.Module, fraction: float, importance: str, calibration_ids=None,
              on_progress: ProgressFn | None = None, should_stop=None) -> nn.Module:
    """A new model with `fraction` of every MLP's hidden channels removed (the least important)."""
    blocks = [b for b in find_blocks(model) if b.mlp]
    if not blocks:
        raise CompressionError("MLP pruning found no feed-forward layers it knows in this model.")
    _report(on_progress, 0.1, "Scoring MLP channels…")
    scores = channel_scores(model, blocks, importance, calibration_ids or [], should_stop)
    width = scores[0].numel()
    keep_n = max(1, width - round(fraction * width))
    state = model.state_dict()
    for block, score in zip(blocks, scores):
        keep = torch.sort(torch.topk(score, keep_n).indices).values
        m = block.mlp
        if block.mlp_kind == "gpt2":
            state[f"{m}.c_fc.weight"] = state[f"{m}.c_fc.weight"][:, keep].clone()
            state[f"{m}.c_fc.bias"] = state[f"{m}.c_fc.bias"][keep].clone()
            state[f"{m}.c_proj.weight"] = state[f"{m}.c_proj.weight"][keep].clone()
            continue
        for name in ("gate_proj", "up_proj"):
            state[f"{m}.{name}.weight"] = state[f"{m}.{name}.weight"][keep].clone()
            if f"{m}.{name}.bias" in state:
                state[f"{m}.{name}.bias"] = state[f"{m}.{name}.bias"][keep].clone()
        state[f"{m}.down_proj.weight"] = state[f"{m}.down_proj.weight"][:, keep].clone()
    config = copy.deepcopy(model.config)
    setattr(config, "n_inner" if blocks[0].mlp_kind == "gpt2" else "intermediate_size", keep_n)
    _report(on_progress, 0.7, "Rebuilding the smaller model…")
    return rebuild(model, config, state)


def rebuild_empty(model_cls, config, dtype: torch.dtype) -> nn.Module:
    """A model of `config` without paying for a random init (its weights are about to be overwritten)."""
    try:
        from transformers.initialization import no_init_weights
    except ImportError:  # older transformers: pay for a random init
        no_init_weights = contextmanager(lambda: (yield))
    with no_init_weights():
        new = model_cls.from_config(config) if hasattr(model_cls, "from_config") else model_cls(config)
    return new.to(dtype)


def rebuild(model: nn.Module, config, state: dict) -> nn.Module:
    """Build a model of `type(model)` from `config` and load `state` into it (strict)."""
    param = next(model.parameters())
    new = rebuild_empty(type(model), config, param.dtype).to(param.device)
    tied = bool(getattr(config, "tie_word_embeddings", False))
    missing, unexpected = new.load_state_dict(state, strict=False)
    missing = [k for k in missing if not (tied and k.endswith("lm_head.weight"))]
    if missing or unexpected:
        raise CompressionError(f"Rebuilding the pruned model failed: missing {missing[:3]}, "
                               f"unexpected {unexpected[:3]}.")
    if tied:
        new.tie_weights()
    return new.eval()


def _report(on_progress: ProgressFn | None, fraction: float, message: str) -> None:
    if on_progress is not None:
        on_progress(progress(fraction, message))
