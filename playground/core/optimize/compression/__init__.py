"""Model compression: quantization, pruning and their saved formats.

Every transform works on a deep copy: the model passed in is never modified.

    spec = CompressionSpec("int4-weight", group_size=64)
    validate(spec, model)                      # CompressionError with a message for the user
    small = compress(model, spec)              # a new model
    save_variant(small, tokenizer, folder)     # loadable again with load_variant / load_model

`spec` is torch-free (the UI lists the methods before torch is imported); the rest loads lazily.
"""

from playground.core.optimize.compression.spec import (METHODS, CompressionError, CompressionSpec, check_int8_kernels,
                                              validate)

_LAZY = {"compress": "apply", "export_tensors": "storage", "load_variant": "storage", "save_variant": "storage",
         "memory_bytes": "storage", "disk_bytes": "storage"}

__all__ = ["METHODS", "CompressionError", "CompressionSpec", "check_int8_kernels", "validate", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(name)
