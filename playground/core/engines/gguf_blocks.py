"""A GGUF file's own quantized blocks, re-packed (a pure reorder, no rounding) for ONNX Runtime's
`MatMulNBits`.

GGUF rows: each weight matrix is stored as N rows (one per output) of K/32 blocks:
  Q4_0  fp16 d, 16 bytes qs                 w = d·(q − 8)
  Q4_1  fp16 d, fp16 m, 16 bytes qs         w = d·q + m
  Q8_0  fp16 d, 32 × int8 q                 w = d·q
where 4-bit weight j (0..15) of a block is the low nibble of qs[j] and weight j+16 its high nibble.
`MatMulNBits` wants B as [N, K/32, 16] with weight k in byte k//2, low nibble for even k, so the
nibbles are re-ordered; its default zero point (8 for 4 bits, 128 for 8) is Q4_0's and Q8_0's offset
(Q8_0's q is stored as q + 128). Q4_1 is d·(q − 8) + (m + 8d): the same zero point (its kernel is the
fastest; an explicit zero point 0 is ~25% slower) and a per-block term kept apart,
x·w = Σ_b d_b·(x_b·(q_b − 8)) + m'_b·Σx_b.

llama.cpp's converter permutes the rows of attn_q / attn_k (its rotary pairs adjacent dims);
`unpermute_rows` puts them back in Hugging Face order (whole rows: the blocks are untouched).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

GRAPH_VERSION = 8  # part of the GGUF engine's cache key (gguf_build): bump when the packing or the graph changes
BLOCK = 32
QUANTIZED = ("Q4_0", "Q4_1", "Q8_0")  # the block types kept as they are
FLOAT = ("F32", "F16")  # norms (and anything small) are read as float32
ARCHITECTURES = ("llama",)
_BLOCK_BYTES = {"Q4_0": 18, "Q4_1": 20, "Q8_0": 34}


class GgufFormatError(ValueError):
    """The file is not a GGUF this engine can read (truncated, garbage, unsupported); the message names it."""


@dataclass(frozen=True)
class Packed:
    """One weight matrix (N outputs × K inputs) as MatMulNBits inputs, its scales as the GGUF stores them."""

    kind: str  # "Q4_0", "Q4_1" or "Q8_0" (what the GGUF held)
    n: int
    k: int
    b: np.ndarray  # uint8 (N, K/32, 16) for 4 bits, (N, K/32, 32) for 8 bits; zero point 8 / 128
    d: np.ndarray  # float16 (N, K/32): the block scales
    m: np.ndarray | None = None  # float16 (N, K/32): Q4_1's block minimums
    bits: int = 4

    @property
    def scales(self) -> np.ndarray:
        """float32 (N, K/32): d (exact)."""
        return self.d.astype(np.float32)

    @property
    def mins(self) -> np.ndarray | None:
        """float32 (N, K/32): the per-block term over zero point 8, m + 8d (Q4_1); None otherwise."""
        return None if self.m is None else self.m.astype(np.float32) + np.float32(8.0) * self.scales

    def dequantize(self) -> np.ndarray:
        """(N, K) float32, as the GGUF defines it (for tests and the embedding)."""
        if self.bits == 8:
            q = self.b.astype(np.float32) - 128.0
        else:
            low, high = self.b & 0x0F, self.b >> 4
            q = np.stack([low, high], axis=-1).reshape(self.n, self.k // BLOCK, BLOCK).astype(np.float32) - 8.0
        w = q * self.scales[..., None]
        if self.m is not None:
            w = w + self.mins[..., None]
        return w.reshape(self.n, self.k)


def pack_rows(kind: str, raw: np.ndarray, n: int, k: int) -> Packed:
    """`raw`: the tensor's bytes, uint8 (N, K/32 · block bytes), as GGUFReader gives them."""
    blocks = np.ascontiguousarray(raw).reshape(n, k // BLOCK, _BLOCK_BYTES[kind])
    d = blocks[..., 0:2].copy().view(np.float16)[..., 0]
    if kind == "Q8_0":
        q = blocks[..., 2:].view(np.int8)
        return Packed(kind, n, k, (q.astype(np.int16) + 128).astype(np.uint8), d, bits=8)
    qs = blocks[..., 4:] if kind == "Q4_1" else blocks[..., 2:]  # (N, K/32, 16)
    weights = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # (N, K/32, 32): weight j at j
    b = (weights[..., 0::2] | (weights[..., 1::2] << 4)).astype(np.uint8)
    m = blocks[..., 2:4].copy().view(np.float16)[..., 0] if kind == "Q4_1" else None
    return Packed(kind, n, k, np.ascontiguousarray(b), d, m)


def nibble_pairs(p: Packed) -> np.ndarray:
    """An 8-bit matrix as a 4-bit one over K' = 2K, for x' = [x, x]: q + 128 = 16h + l, so
    d·q = 16d·(h − 8) + d·(l − 8) + 8d (exact): uint8 (N, 2K/32, 16), the high blocks, then the low ones,
    with scales [16d | d] and the per-block term 8d over the first K/32 blocks (the graph makes both from d).
    The CPU kernel packs 4-bit weights for float32 activations; 8-bit ones only for int8 activations (at
    accuracy level 0 it dequantizes the whole matrix every call)."""
    high, low = p.b >> 4, p.b & 0x0F  # (N, K/32, 32)

    def pack(w: np.ndarray) -> np.ndarray:
        return (w[..., 0::2] | (w[..., 1::2] << 4)).astype(np.uint8)

    return np.ascontiguousarray(np.concatenate([pack(high), pack(low)], axis=1))


def unpermute_rows(packed: Packed, n_head: int) -> Packed:
    """Undo llama.cpp's rotary row permutation of attn_q / attn_k (rows (head, i, pair) → (head, pair, i))."""
    half = packed.n // n_head // 2

    def undo(a: np.ndarray | None) -> np.ndarray | None:
        if a is None:
            return None
        return np.ascontiguousarray(a.reshape(n_head, half, 2, *a.shape[1:]).swapaxes(1, 2).reshape(a.shape))

    return Packed(packed.kind, packed.n, packed.k, undo(packed.b), undo(packed.d), undo(packed.m), packed.bits)


def concat_rows(parts: list[Packed]) -> Packed:
    """Stack matrices of one kind over N (q, k, v → qkv): exact, one kernel call instead of three."""
    if len({(p.kind, p.bits, p.k) for p in parts}) != 1:
        return None
    m = None if parts[0].m is None else np.concatenate([p.m for p in parts])
    return Packed(parts[0].kind, sum(p.n for p in parts), parts[0].k, np.concatenate([p.b for p in parts]),
                  np.concatenate([p.d for p in parts]), m, parts[0].bits)


# ---------------------------------------------------------------- reading a file
@dataclass
class GgufModel:
    """What the graph needs from a Llama-family GGUF."""

    path: Path
    config: dict  # n_layer, n_embd, n_ff, n_head, n_head_kv, head_dim, vocab, eps, rope_theta, context
    tensors: dict  # name -> (type name, shape (K, N) as GGUF lists it, raw bytes)
    offsets: dict = field(default_factory=dict)  # name -> (byte offset in the file, bytes)

    def tensor_table(self) -> dict:
        """What the native decode step needs to map the file without parsing it again (`native`):
        the config, the file's size, and each tensor's type, shape, offset and size."""
        return {"config": self.config, "file_bytes": self.path.stat().st_size,
                "tensors": {name: [kind, shape, *self.offsets[name]]
                            for name, (kind, shape, _) in self.tensors.items() if name in self.offsets}}

    def float_tensor(self, name: str) -> np.ndarray:
        kind, _, raw = self.tensors[name]
        return np.asarray(raw, dtype=np.float32).reshape(-1)

    def packed(self, name: str) -> Packed:
        kind, shape, raw = self.tensors[name]
        k, n = int(shape[0]), int(shape[1])
        return pack_rows(kind, raw, n, k)


def _field(reader, key: str, default=None):
    field = reader.fields.get(key)
    if field is None:
        return default
    value = field.contents()
    return value


def read_gguf(path: Path) -> GgufModel:
    """Open `path` (memory-mapped); raise GgufFormatError naming the file if it cannot be used."""
    from gguf import GGUFReader

    path = Path(path)
    try:
        reader = GGUFReader(str(path), "r")
    except Exception as exc:  # noqa: BLE001 - truncated / garbage files raise anything from struct to numpy
        raise GgufFormatError(f"{path.name} is not a readable GGUF file ({type(exc).__name__}: {exc})") from exc
    arch = _field(reader, "general.architecture", "?")
    if arch not in ARCHITECTURES:
        raise GgufFormatError(f"{path.name}: the GGUF engine runs the Llama family only, and this is {arch}")

    def need(key: str):
        value = _field(reader, f"{arch}.{key}")
        if value is None:
            raise GgufFormatError(f"{path.name} has no {arch}.{key}")
        return value

    tensors = {t.name: (t.tensor_type.name, [int(s) for s in t.shape], t.data) for t in reader.tensors}
    offsets = {t.name: (int(t.data_offset), int(t.n_bytes)) for t in reader.tensors}
    n_embd, n_head = int(need("embedding_length")), int(need("attention.head_count"))
    head_dim = int(_field(reader, f"{arch}.rope.dimension_count", n_embd // n_head))
    vocab = int(tensors["token_embd.weight"][1][1]) if "token_embd.weight" in tensors else 0
    config = dict(n_layer=int(need("block_count")), n_embd=n_embd, n_ff=int(need("feed_forward_length")),
                  n_head=n_head, n_head_kv=int(_field(reader, f"{arch}.attention.head_count_kv", n_head)),
                  head_dim=head_dim, vocab=vocab, eps=float(need("attention.layer_norm_rms_epsilon")),
                  rope_theta=float(_field(reader, f"{arch}.rope.freq_base", 10000.0)),
                  context=int(need("context_length")))
    return GgufModel(path, config, tensors, offsets)


PROJECTIONS = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")


def rotary_caches(config: dict) -> tuple[np.ndarray, np.ndarray]:
    """cos / sin (context, head_dim/2) in float32, as transformers' Llama computes them (no torch needed)."""
    dim = config["head_dim"]
    exponent = np.arange(0, dim, 2, dtype=np.int64).astype(np.float32) / np.float32(dim)
    inv_freq = (np.float32(1.0) / (np.float32(config["rope_theta"]) ** exponent)).astype(np.float32)
    freqs = np.outer(np.arange(config["context"], dtype=np.float32), inv_freq).astype(np.float32)
    return np.cos(freqs), np.sin(freqs)


def unsupported_reason(model: GgufModel) -> str:
    """Why the engine cannot run `model`'s tensors as they are ("" if it can)."""
    c, t = model.config, model.tensors
    if c["head_dim"] * c["n_head"] != c["n_embd"]:
        return "its attention heads do not span the embedding"
    if c.get("rope_scaling"):
        return "it uses scaled rotary embeddings"
    names = ["token_embd.weight", "output_norm.weight"]
    for i in range(c["n_layer"]):
        names += [f"blk.{i}.{p}.weight" for p in PROJECTIONS]
        names += [f"blk.{i}.attn_norm.weight", f"blk.{i}.ffn_norm.weight"]
    for name in names:
        if name not in t:
            return f"it has no tensor {name}"
        kind = t[name][0]
        if name.endswith("norm.weight"):
            if kind not in FLOAT:
                return f"its {name} is {kind}"
        elif kind not in QUANTIZED:
            return f"its {name} is {kind}; the engine keeps {', '.join(QUANTIZED)} blocks only"
    head = t.get("output.weight")
    if head is not None and head[0] not in QUANTIZED:
        return f"its output.weight is {head[0]}; the engine keeps {', '.join(QUANTIZED)} blocks only"
    if any(f"blk.0.{n}" in t for n in ("attn_q.bias", "attn_qkv.weight")):
        return "its attention layout is not Llama's"
    if c["n_embd"] % BLOCK or c["n_ff"] % BLOCK:
        return "its widths are not multiples of 32"
    return ""
