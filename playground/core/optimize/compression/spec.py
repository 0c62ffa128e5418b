"""What to compress and how, and whether it can apply to a model. No torch at import time."""

from __future__ import annotations

from dataclasses import dataclass

from playground.core.errors import PlaygroundError
from playground.core.i18n import QT_TRANSLATE_NOOP


class CompressionError(PlaygroundError):
    """A compression choice that cannot apply to this model/platform (message meant for the user)."""


# key -> (label shown to the user, one-line explanation), marked for the UI's translation (core/i18n.py)
METHODS: dict[str, tuple[str, str]] = {
    "bfloat16": (
        QT_TRANSLATE_NOOP("Core", "bfloat16 cast"),
        QT_TRANSLATE_NOOP("Core", "Every weight in 16-bit brain float: half the memory, same layers.")),
    "float16": (
        QT_TRANSLATE_NOOP("Core", "float16 cast"),
        QT_TRANSLATE_NOOP("Core", "Every weight in 16-bit IEEE float: half the memory; fast on GPUs.")),
    "int8-dynamic": (
        QT_TRANSLATE_NOOP("Core", "Dynamic int8 (torch)"),
        QT_TRANSLATE_NOOP("Core", "Linear weights in int8 with per-channel scales; activations are quantized on "
                          "the fly and the matmul runs in int8 kernels (CPU only).")),
    "int8-weight": (
        QT_TRANSLATE_NOOP("Core", "Weight-only int8"),
        QT_TRANSLATE_NOOP("Core", "Linear weights stored as int8 + a scale per group; dequantized to float in "
                          "every forward pass. Works on every device.")),
    "int4-weight": (
        QT_TRANSLATE_NOOP("Core", "Weight-only int4"),
        QT_TRANSLATE_NOOP("Core", "Linear weights packed two per byte (int4) + a scale per group; dequantized in "
                          "every forward pass.")),
    "magnitude": (
        QT_TRANSLATE_NOOP("Core", "Magnitude pruning"),
        QT_TRANSLATE_NOOP("Core", "Zero the smallest weights of every Linear layer (unstructured). The matrices "
                          "keep their shape; the zeros are what a sparse format could skip.")),
    "heads": (
        QT_TRANSLATE_NOOP("Core", "Prune attention heads"),
        QT_TRANSLATE_NOOP("Core", "Remove whole query heads in every layer, least important first: the "
                          "attention projections really shrink.")),
    "mlp": (
        QT_TRANSLATE_NOOP("Core", "Prune MLP channels"),
        QT_TRANSLATE_NOOP("Core", "Remove the least important hidden channels of every MLP: the feed-forward "
                          "matrices really shrink.")),
}
QUANTIZED = ("int8-dynamic", "int8-weight", "int4-weight")
IMPORTANCE = ("activation", "weight")

# Magnitude pruning on the built-in SmolLM2-135M, perplexity on the held-out text (15.8 unpruned): sparsity
# 0.1 → 16.4, 0.2 → 17.8, 0.3 → 24.5, 0.35 → 34.7 (the answer goes wrong), 0.4 → 52.5, 0.5 → 352 (gibberish).
SAFE_SPARSITY = 0.2  # the default: the model stays usable
BREAKING_SPARSITY = 0.35  # from here on the built-in model breaks


# what sparsity_warning says (the UI shows it translated: core_text(SPARSITY_WARNING).format(…))
SPARSITY_WARNING = QT_TRANSLATE_NOOP("Core", "Sparsity {sparsity:.2f} breaks small models: on the built-in one perplexity "
                                             "goes from 15.8 to 35 at 0.35, 53 at 0.4 and 352 at 0.5, and replies turn to "
                                             "gibberish. {safe:g} keeps it usable (17.8).")


def sparsity_warning(sparsity: float, template: str = SPARSITY_WARNING) -> str:
    """What to expect from magnitude pruning at `sparsity` ("" while the model stays usable); `template`:
    SPARSITY_WARNING or its translation."""
    if sparsity < BREAKING_SPARSITY - 1e-9:
        return ""
    return template.format(sparsity=sparsity, safe=SAFE_SPARSITY)


@dataclass(frozen=True)
class CompressionSpec:
    method: str  # a key of METHODS
    sparsity: float = SAFE_SPARSITY  # magnitude: fraction of each Linear's weights set to zero
    heads_per_layer: int = 3  # heads: query heads removed in every layer
    mlp_fraction: float = 0.25  # mlp: fraction of hidden MLP channels removed in every layer
    group_size: int = 64  # weight-only int8/int4: input columns sharing one scale
    importance: str = "activation"  # heads/mlp: "activation" (needs calibration text) or "weight" norms
    outlier_threshold: float = 200.0  # int8-dynamic: layers whose input max|x|/mean|x| exceeds this stay float

    @property
    def quantized(self) -> bool:
        return self.method in QUANTIZED

    def label(self) -> str:
        """A short, file-name-friendly name for the variant, e.g. 'int4-g64' or 'prune-heads-3'."""
        return {
            "int8-weight": f"int8-g{self.group_size}", "int4-weight": f"int4-g{self.group_size}",
            "magnitude": f"magnitude-{round(self.sparsity * 100)}pct",
            "heads": f"heads-minus{self.heads_per_layer}-{self.importance}",
            "mlp": f"mlp-minus{round(self.mlp_fraction * 100)}pct-{self.importance}",
        }.get(self.method, self.method)

    def describe(self) -> str:
        return METHODS.get(self.method, (self.method, ""))[0]


def _config(model_or_config):
    return getattr(model_or_config, "config", model_or_config)


def attention_shape(config) -> tuple[int, int] | None:
    """(query heads, key/value heads) for Llama-style attention with separate q/k/v/o projections."""
    heads = getattr(config, "num_attention_heads", None)
    if heads is None or getattr(config, "model_type", "") in ("gpt2", "gpt_neo", "gptj", "bloom", "opt"):
        return None
    return int(heads), int(getattr(config, "num_key_value_heads", None) or heads)


def int8_engines() -> list[str]:
    """torch's quantized int8 engines on this platform (fbgemm/x86 on Intel/AMD, qnnpack on ARM)."""
    import torch

    return [e for e in torch.backends.quantized.supported_engines if e != "none"]


def check_int8_kernels(device: str = "cpu") -> None:
    """Raise CompressionError if torch's dynamic int8 kernels cannot run here."""
    import torch

    if not device.startswith("cpu"):
        raise CompressionError(
            f"Dynamic int8 runs on the CPU only, and the model is on {device}. Switch Device to cpu, or use "
            "weight-only int8, which works on every device.")
    engines = int8_engines()
    if not engines:
        raise CompressionError(
            "This build of PyTorch has no int8 kernels (torch.backends.quantized.supported_engines is empty), "
            "so dynamic int8 cannot run here. Use weight-only int8 instead: it stores int8 weights and works "
            "everywhere.")
    if torch.backends.quantized.engine == "none":
        torch.backends.quantized.engine = engines[0]


def validate(spec: CompressionSpec, model, device: str = "cpu") -> None:
    """Raise CompressionError, in words, if `spec` cannot apply to `model` (or its config)."""
    config = _config(model)
    if spec.method not in METHODS:
        raise CompressionError(f"Unknown method {spec.method!r}; choose one of {', '.join(METHODS)}.")
    if spec.method == "magnitude" and not 0.0 <= spec.sparsity <= 0.99:
        raise CompressionError(f"Sparsity must be between 0 and 0.99 (it is {spec.sparsity:g}): it is the "
                               "fraction of weights set to zero.")
    if spec.method in ("int8-weight", "int4-weight") and spec.group_size < 8:
        raise CompressionError(f"Group size must be at least 8 (it is {spec.group_size}).")
    if spec.method in ("heads", "mlp") and spec.importance not in IMPORTANCE:
        raise CompressionError(f"Importance must be one of {', '.join(IMPORTANCE)}.")
    if spec.method == "heads":
        _validate_heads(spec, config)
    if spec.method == "mlp":
        if not 0.0 < spec.mlp_fraction < 1.0:
            raise CompressionError(f"The MLP fraction to remove must be between 0 and 1 (it is "
                                   f"{spec.mlp_fraction:g}).")
        if getattr(config, "model_type", "") not in ("gpt2",) and not hasattr(config, "intermediate_size"):
            raise CompressionError(f"MLP pruning does not know the {config.model_type} layout yet.")
    if spec.method == "int8-dynamic":
        check_int8_kernels(device)


def _validate_heads(spec: CompressionSpec, config) -> None:
    shape = attention_shape(config)
    if shape is None:
        raise CompressionError(
            f"Head pruning needs Llama-style attention (separate q/k/v/o projections); this is a "
            f"{getattr(config, 'model_type', '?')} model. Try MLP pruning instead.")
    heads, kv_heads = shape
    n, most = spec.heads_per_layer, heads - kv_heads
    if n <= 0:
        raise CompressionError("Choose at least one head to remove per layer.")
    if n > most:
        raise CompressionError(f"The model has {heads} heads per layer and must keep at least one per key/value "
                               f"group ({kv_heads} groups), so at most {most} can be removed; you asked for {n}.")
    if n % kv_heads:
        raise CompressionError(
            f"The {heads} query heads share {kv_heads} key/value heads ({heads // kv_heads} per group), and every "
            f"group must lose the same number, so remove a multiple of {kv_heads} heads per layer.")
    hidden = getattr(config, "hidden_size", None)
    if hidden and hidden % (heads - n):
        fits = [r for r in range(kv_heads, most + 1, kv_heads) if hidden % (heads - r) == 0]
        raise CompressionError(
            f"transformers needs the width ({hidden}) to be a multiple of the number of heads, and {heads - n} "
            f"heads would not divide it. " + (f"Remove {' or '.join(map(str, fits))} heads instead." if fits
                                               else "This model's heads cannot be pruned evenly."))

