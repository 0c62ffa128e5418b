"""Which devices and dtypes this machine offers."""

from __future__ import annotations

DTYPE_NAMES = ("float32", "bfloat16", "float16")


def available_devices() -> list[str]:
    import torch

    devices = ["cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append("mps")
    return devices


def dtypes_for(device: str) -> list[str]:
    """float16 is only offered where it is fast and safe (GPUs); CPUs get bfloat16."""
    if device == "cpu":
        return ["float32", "bfloat16"]
    return list(DTYPE_NAMES)


def torch_dtype(name: str):
    import torch

    try:
        return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[name]
    except KeyError:
        raise ValueError(f"Unknown dtype {name!r}; choose one of {', '.join(DTYPE_NAMES)}.") from None


def dtype_name(dtype) -> str:
    return str(dtype).removeprefix("torch.")


def process_memory_bytes(device: str = "cpu") -> int:
    """Memory the model lives in: the process's resident set, or the GPU's allocated bytes."""
    if device.startswith("cuda"):
        import torch

        return int(torch.cuda.memory_allocated())
    import psutil

    return int(psutil.Process().memory_info().rss)
