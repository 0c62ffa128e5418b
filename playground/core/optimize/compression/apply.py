"""`compress(model, spec)`: one entry point for every technique; always returns a new model."""

from __future__ import annotations

import threading
from copy import deepcopy

import torch
from torch import nn

from playground.core.optimize.compression import prune
from playground.core.optimize.compression import quantize
from playground.core.optimize.compression.quantize import _check
from playground.core.progress import ProgressFn, reporter
from playground.core.optimize.compression.spec import CompressionError, CompressionSpec, validate


def compress(model: nn.Module, spec: CompressionSpec, *, calibration_ids: list[int] | None = None,
             on_progress: ProgressFn | None = None, should_stop: threading.Event | None = None,
             copy: bool = True) -> nn.Module:
    """Apply `spec` to a deep copy of `model` and return the copy (eval mode). `model` is never modified.

    `copy=False` works on `model` itself: for callers that already hold a private copy (the worker
    copies the shared model under its lock, then compresses without blocking the other tabs).
    `calibration_ids` (a few hundred token ids of ordinary text) feed activation-based importance.
    Raises CompressionError for choices that cannot apply, Cancelled when `should_stop` is set.
    """
    device = str(next(model.parameters()).device)
    if not isinstance(spec, CompressionSpec):  # an onnx_variants.OnnxVariant: the fast engine's own model
        raise CompressionError(f"{spec.describe()} is built with ONNX Runtime, not compressed in torch: use "
                               "playground.core.optimize.onnx_variants.evaluate_onnx.")
    validate(spec, model, device)
    report = reporter(on_progress)
    report(0.0, "Copying the model…")
    work = (deepcopy(model) if copy else model).eval()
    _check(should_stop)
    method, note = spec.method, ""
    if method in ("bfloat16", "float16"):
        result = quantize.cast_weights(work, getattr(torch, method))
    elif method == "int8-dynamic":
        work = work.float()
        skip = quantize.outlier_layers(work, calibration_ids or [], spec.outlier_threshold)
        result = quantize.quantize_dynamic_int8(work, skip)
        note = f"{len(skip)} layers with outlier inputs kept in float32" if skip else ""
    elif method in ("int8-weight", "int4-weight"):
        bits = 8 if method == "int8-weight" else 4
        result = quantize.quantize_weight_only(work, bits, spec.group_size, on_progress, should_stop)
    elif method == "magnitude":
        result = prune.magnitude_prune(work, spec.sparsity, on_progress, should_stop)
    elif method == "heads":
        result = prune.prune_heads(work, spec.heads_per_layer, spec.importance, calibration_ids, on_progress,
                                    should_stop)
    else:  # "mlp" (validate() rejected anything else)
        result = prune.prune_mlp(work, spec.mlp_fraction, spec.importance, calibration_ids, on_progress,
                                  should_stop)
    del work
    result.eval()
    result.compression, result.compression_note = spec, note  # remembered for the report and saving
    report(1.0, "Done.")
    return result
