"""The GGUF engine's native decode step (decode.c), loaded with ctypes: one token through a Llama-family GGUF's
own blocks, with float32 activations (Exact) or int8 ones (Fast), reading and writing the engine's KV cache
in place.

The library is built by `make` (`python -m playground.core.engines.native build`) next to this file, or
shipped with the packaged app; where there is none (no C compiler at set-up), `load()` returns None and the
engine runs every step on ONNX Runtime as before. The call releases the GIL (ctypes does for every call).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "decode.c"
GGUF_TYPES = {"Q4_0": 2, "Q4_1": 3, "Q8_0": 8}
KERNELS = {0: "portable C", 1: "AVX2", 2: "AVX-512", 3: "AVX-512 VNNI"}
_library: ctypes.CDLL | None = None
_loaded = False


def library_name() -> str:
    """The file name, keyed by the source's hash: an edited decode.c is never run from a stale build."""
    digest = hashlib.sha1(SOURCE.read_bytes()).hexdigest()[:10] if SOURCE.exists() else "shipped"
    return f"libpgdecode-{digest}{'.dll' if sys.platform == 'win32' else '.so'}"


def library_path() -> Path:
    override = os.environ.get("PLAYGROUND_NATIVE_LIB")
    if override:
        return Path(override)
    if not SOURCE.exists():  # the packaged app: the one library it ships
        return next(iter(sorted(HERE.glob("libpgdecode-*"))), HERE / library_name())
    return HERE / library_name()


def build(out: Path | None = None, compiler: str | None = None, *, force: bool = False) -> Path:
    """Compile decode.c (atomically: a temp file renamed into place), unless that build is there already.
    Raises OSError / CalledProcessError."""
    out = out or HERE / library_name()
    if out.exists() and not force:
        return out
    cc = compiler or os.environ.get("CC", "cc")
    tmp = out.with_name(out.name + f".tmp-{os.getpid()}")
    try:
        subprocess.run([cc, "-O3", "-std=c11", "-shared", "-fPIC", "-pthread", "-o", str(tmp), str(SOURCE), "-lm"],
                       check=True, capture_output=True, text=True)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    for stale in out.parent.glob("libpgdecode-*"):  # builds of an earlier decode.c
        if stale != out:
            stale.unlink(missing_ok=True)
    return out


def load() -> ctypes.CDLL | None:
    """The library, or None where it was not built (or cannot be loaded here). Set PLAYGROUND_NATIVE=0 to
    run every step on ONNX Runtime."""
    global _library, _loaded
    if _loaded:
        return _library
    _loaded = True
    path = library_path()
    if os.environ.get("PLAYGROUND_NATIVE", "1") == "0" or not path.exists():
        return None
    try:
        lib = ctypes.CDLL(str(path))
    except OSError:
        return None
    lib.pg_new.restype = ctypes.c_void_p
    lib.pg_new.argtypes = [ctypes.POINTER(ctypes.c_int), ctypes.c_float, ctypes.c_void_p, ctypes.c_void_p,
                           ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int),
                           ctypes.POINTER(ctypes.c_void_p)]
    lib.pg_free.argtypes = [ctypes.c_void_p]
    lib.pg_step.restype = ctypes.c_int
    lib.pg_step.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p),
                            ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_void_p]
    lib.pg_kernel.restype = ctypes.c_int
    lib.pg_set_kernel.restype = ctypes.c_int
    lib.pg_int8_kernel.restype = ctypes.c_int
    lib.pg_set_kernel.argtypes = [ctypes.c_int]
    _library = lib
    return lib


def _pointer(array: np.ndarray) -> int:
    return array.ctypes.data


class NativeDecoder:
    """One GGUF's decode step over the file's memory-mapped blocks (no copy; pages are read on first use,
    in the step, without the GIL) and its norms as small float32 arrays. `table`: what gguf_build wrote
    (`GgufModel.tensor_table`): opening needs no parse of the file. Not thread-safe (the engine's session
    lock covers it)."""

    def __init__(self, lib: ctypes.CDLL, table: dict, gguf_path: Path, threads: int, fast: bool = False) -> None:
        from playground.core.engines.gguf_blocks import PROJECTIONS, rotary_caches

        c, t = table["config"], table["tensors"]
        if Path(gguf_path).stat().st_size != table["file_bytes"]:
            raise ValueError(f"{Path(gguf_path).name} is not the file its engine was built from")
        self._lib, self._file = lib, np.memmap(gguf_path, dtype=np.uint8, mode="r")

        def raw(name: str) -> np.ndarray:
            _, _, offset, size = t[name]
            return self._file[offset:offset + size]

        head = "output.weight" if "output.weight" in t else "token_embd.weight"
        names = ["token_embd.weight", head] + [f"blk.{i}.{p}.weight" for i in range(c["n_layer"]) for p in PROJECTIONS]
        self._mats = [raw(n) for n in names]
        types = [GGUF_TYPES[t[n][0]] for n in names]
        norm_names = ["output_norm.weight"] + [f"blk.{i}.{k}.weight" for i in range(c["n_layer"])
                                               for k in ("attn_norm", "ffn_norm")]
        self._norms = [raw(n).view(np.float32 if t[n][0] == "F32" else np.float16).astype(np.float32)
                       for n in norm_names]
        self._cos, self._sin = (np.ascontiguousarray(a) for a in rotary_caches(c))
        cfg = (ctypes.c_int * 10)(c["n_layer"], c["n_embd"], c["n_ff"], c["n_head"], c["n_head_kv"], c["head_dim"],
                                  c["vocab"], c["context"], max(1, int(threads)), int(fast))
        mats = (ctypes.c_void_p * len(names))(*[_pointer(a) for a in self._mats])
        norms = (ctypes.c_void_p * len(self._norms))(*[_pointer(a) for a in self._norms])
        self._handle = lib.pg_new(cfg, c["eps"], _pointer(self._cos), _pointer(self._sin), mats,
                                  (ctypes.c_int * len(types))(*types), norms)
        if not self._handle:
            raise ValueError("the native decode step cannot run this model's shapes")
        self.vocab, self.threads, self.fast = c["vocab"], max(1, int(threads)), bool(fast)
        self._caches: tuple | None = None

    @property
    def kernel(self) -> str:
        """The kernel its matmuls run ("AVX-512", "AVX-512 VNNI", "AVX2", "portable C")."""
        return KERNELS.get(self._lib.pg_int8_kernel() if self.fast else self._lib.pg_kernel(), "?")

    def step(self, token: int, position: int, keys: list[np.ndarray], values: list[np.ndarray],
             logits: np.ndarray) -> None:
        """Run `token` at `position` (the cache holds 0..position-1) into `logits` (V,) float32; `keys` /
        `values`: the engine's (1, kv_heads, capacity, head_dim) float32 buffers, one per layer."""
        if self._caches is None or self._caches[0] is not keys[0]:
            self._caches = (keys[0], (ctypes.c_void_p * len(keys))(*[_pointer(a) for a in keys]),
                            (ctypes.c_void_p * len(values))(*[_pointer(a) for a in values]))
        _, kp, vp = self._caches
        if self._lib.pg_step(self._handle, int(token), int(position), kp, vp, keys[0].shape[2], _pointer(logits)):
            raise ValueError(f"token {token} at position {position} is outside the model or its cache")

    def close(self) -> None:
        if getattr(self, "_handle", None):
            self._lib.pg_free(self._handle)
            self._handle = None

    def __del__(self) -> None:
        self.close()


def open_decoder(folder: Path, gguf_path: Path | None, threads: int, fast: bool = False) -> NativeDecoder | None:
    """The native step for the GGUF engine built in `folder` (its native.json), or None where there is no
    library, no table, or the file is not the one the table describes (the engine then runs on ONNX
    Runtime alone). `gguf_path` None: the file the folder was built from (its marker's "source")."""
    import json

    from playground.core.engines.gguf_build import NATIVE_TABLE
    from playground.core.engines.onnx_build import COMPLETE_MARKER

    lib = load()
    if lib is None:
        return None
    try:
        table = json.loads((Path(folder) / NATIVE_TABLE).read_text(encoding="utf-8"))
        if gguf_path is None:
            gguf_path = Path(json.loads((Path(folder) / COMPLETE_MARKER).read_text(encoding="utf-8"))["source"])
        return NativeDecoder(lib, table, Path(gguf_path), threads, fast)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _main(argv: list[str]) -> int:
    if argv[:1] == ["build"]:
        try:
            print(build())
        except (OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", "") or exc
            print(f"The native decode step was not built (the engine runs on ONNX Runtime alone): {detail}",
                  file=sys.stderr)
            return 1
        return 0
    print("usage: python -m playground.core.engines.native build", file=sys.stderr)
    return 2

