"""A Llama GGUF straight into a float32 PyTorch model, in memory, in about a second: its blocks
dequantized by torch (Q4_0, Q4_1, Q8_0, F16, F32), q/k rows put back in Hugging Face's order, the model
built on the meta device and given the tensors. The result equals transformers' own GGUF loading (tested)
at ~20× its speed, so the built-in model's first start does not wait for a conversion; the safetensors
copy the other tabs' tools read (`session.folder`) is written afterwards, in the background.

Other architectures and block types go through transformers (gguf_files.ensure_gguf_converted).
The config and tokenizer come from a *seed* folder: the packaged app ships the built-in model's
(`paths.prebuilt_dir()`), since reading them from the GGUF takes transformers ~8 s.
"""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

# ggml type ids (gguf.GGMLQuantizationType) → bytes per block of 32 weights (None: not a block type)
F32, F16, Q4_0, Q4_1, Q8_0 = 0, 1, 2, 3, 8
FAST_TYPES = {F32, F16, Q4_0, Q4_1, Q8_0}
FAST_ARCHITECTURES = {"llama"}
_LAYER_NAMES = {
    "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
    "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}


_SCALAR_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}  # GGUF value types
_STRING, _ARRAY = 8, 9
_BLOCK_BYTES = {F32: (1, 4), F16: (1, 2), Q4_0: (32, 18), Q4_1: (32, 20), Q8_0: (32, 34)}


@dataclass(frozen=True)
class GgufTensor:
    name: str
    shape: tuple[int, ...]  # GGUF order: the row length first
    tensor_type: int
    data: np.ndarray  # uint8 view of its bytes in the memory-mapped file
    offset: int = -1  # where those bytes start in the file


@dataclass(frozen=True)
class GgufFile:
    architecture: str
    tensors: tuple[GgufTensor, ...]


def read_gguf(path: Path) -> GgufFile:
    """The architecture and the tensors of a GGUF file, memory-mapped (~50 ms: gguf.GGUFReader takes ~2.5 s
    on the built-in model, parsing its 49,152-token vocabulary into numpy views, which this skips)."""
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    buf = memoryview(mm)
    pos = 0

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return values[0] if len(values) == 1 else values

    def string() -> str:
        nonlocal pos
        n = take("<Q")
        text = bytes(buf[pos:pos + n]).decode("utf-8", "replace")
        pos += n
        return text

    def skip(kind: int) -> None:
        nonlocal pos
        if kind == _STRING:
            n = take("<Q")  # (not `pos += take(…)`: that adds to the position from before the read)
            pos += n
        elif kind == _ARRAY:
            item, count = take("<IQ")
            if item in _SCALAR_SIZES:
                pos += _SCALAR_SIZES[item] * count
            else:
                for _ in range(count):
                    skip(item)
        else:
            pos += _SCALAR_SIZES[kind]

    magic, version, n_tensors, n_kv = take("<4sIQQ")
    if magic != b"GGUF" or version not in (2, 3):
        raise ValueError(f"{path.name} is not a GGUF file of version 2 or 3")
    architecture, alignment = "", 32
    for _ in range(n_kv):
        key, kind = string(), take("<I")
        if key == "general.architecture" and kind == _STRING:
            architecture = string()
        elif key == "general.alignment" and kind == 4:
            alignment = take("<I")
        else:
            skip(kind)
    infos = []
    for _ in range(n_tensors):
        name, n_dims = string(), take("<I")
        shape = tuple(take("<Q") for _ in range(n_dims))
        infos.append((name, shape, *take("<IQ")))
    start = -(-pos // alignment) * alignment
    tensors = []
    for name, shape, kind, offset in infos:
        per_block, nbytes = _BLOCK_BYTES.get(kind, (0, 0))
        size = int(np.prod(shape)) // per_block * nbytes if per_block else 0
        if start + offset + size > len(mm):
            raise ValueError(f"{path.name} is truncated (tensor {name})")
        tensors.append(GgufTensor(name, shape, kind, mm[start + offset:start + offset + size], start + offset))
    return GgufFile(architecture, tuple(tensors))


def fast_reason(gguf: GgufFile) -> str:
    """Why this GGUF takes transformers' slower path ("" when this one can load it)."""
    if gguf.architecture not in FAST_ARCHITECTURES:
        return f"the {gguf.architecture or 'unknown'} architecture"
    odd = sorted({t.tensor_type for t in gguf.tensors if t.tensor_type not in FAST_TYPES})
    if odd:
        return f"ggml types {odd}"
    other = next((t.name for t in gguf.tensors if not _known_tensor(t.name)), None)
    return f"its tensor {other}" if other else ""


def _known_tensor(name: str) -> bool:
    """A tensor llama_state_dict maps (biases, rotary frequency tables and the like take transformers' path)."""
    if name in ("token_embd.weight", "output_norm.weight", "output.weight"):
        return True
    parts = name.split(".")
    return len(parts) == 4 and parts[0] == "blk" and parts[1].isdigit() and parts[2] in _LAYER_NAMES \
        and parts[3] == "weight"


def dequantize(raw: np.ndarray, ggml_type: int, rows: int, cols: int) -> torch.Tensor:
    """The exact float32 values of a tensor's blocks, (rows, cols): what gguf.quants.dequantize gives."""
    with warnings.catch_warnings():  # the mapped file is read-only; only new tensors are made from it
        warnings.simplefilter("ignore", UserWarning)
        data = torch.frombuffer(memoryview(np.ascontiguousarray(raw)).cast("B"), dtype=torch.uint8)
    if ggml_type == F32:
        return data.view(torch.float32).reshape(rows, cols).clone()
    if ggml_type == F16:
        return data.view(torch.float16).reshape(rows, cols).float()
    size = {Q4_0: 18, Q4_1: 20, Q8_0: 34}[ggml_type]
    blocks = data.reshape(-1, size)  # (n_blocks, bytes)
    d = blocks[:, :2].contiguous().view(torch.float16).float()  # (n_blocks, 1)
    if ggml_type == Q8_0:
        q = blocks[:, 2:].contiguous().view(torch.int8).float()  # (n_blocks, 32)
        return (d * q).reshape(rows, cols)
    start = 4 if ggml_type == Q4_1 else 2
    qs = blocks[:, start:]  # (n_blocks, 16): weight j in the low nibble of byte j, weight j+16 in the high
    q = torch.cat([qs & 0x0F, qs >> 4], dim=1).float()  # (n_blocks, 32)
    if ggml_type == Q4_1:
        m = blocks[:, 2:4].contiguous().view(torch.float16).float()
        return (d * q + m).reshape(rows, cols)
    return (d * (q - 8)).reshape(rows, cols)


def _unpermute(w: torch.Tensor, n_head: int) -> torch.Tensor:
    """Undo llama.cpp's row order for rotary (convert_hf_to_gguf's permute) on q_proj / k_proj."""
    dim = w.shape[0] // n_head // 2
    return w.reshape(n_head, dim, 2, *w.shape[1:]).swapaxes(2, 1).reshape(w.shape)


def llama_state_dict(gguf: GgufFile, config) -> dict[str, torch.Tensor]:
    """The Hugging Face state dict of a Llama GGUF, float32."""
    state: dict[str, torch.Tensor] = {}
    for tensor in gguf.tensors:
        cols, rows = tensor.shape[0], int(np.prod(tensor.shape[1:])) if len(tensor.shape) > 1 else 1
        w = dequantize(tensor.data, tensor.tensor_type, rows, cols)
        name = tensor.name
        if name == "token_embd.weight":
            state["model.embed_tokens.weight"] = w
        elif name == "output_norm.weight":
            state["model.norm.weight"] = w.reshape(-1)
        elif name == "output.weight":
            state["lm_head.weight"] = w
        elif name.startswith("blk."):
            _, layer, part, _ = name.split(".", 3)
            if part == "attn_q":
                w = _unpermute(w, config.num_attention_heads)
            elif part == "attn_k":
                w = _unpermute(w, config.num_key_value_heads)
            if part.endswith("norm"):
                w = w.reshape(-1)
            state[f"model.layers.{layer}.{_LAYER_NAMES[part]}.weight"] = w
    return state


def load_llama(path: Path, config, gguf: GgufFile | None = None):
    """The float32 LlamaForCausalLM of the GGUF at `path`, given its transformers config."""
    from transformers import AutoModelForCausalLM
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    gguf = gguf or read_gguf(path)
    reason = fast_reason(gguf)
    if reason:
        raise ValueError(f"{path.name} cannot load this way: {reason}")
    state = llama_state_dict(gguf, config)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    if "lm_head.weight" not in state:
        state["lm_head.weight"] = state["model.embed_tokens.weight"]  # tied (the GGUF stores it once)
    missing, unexpected = model.load_state_dict(state, strict=False, assign=True)
    missing = [k for k in missing if "rotary_emb" not in k]
    if missing or unexpected:
        raise ValueError(f"{path.name}: weights missing {missing[:3]}, unexpected {unexpected[:3]}")
    model.model.rotary_emb = LlamaRotaryEmbedding(config=config)  # its buffers were on the meta device
    if getattr(config, "tie_word_embeddings", False):
        model.tie_weights()
    return model.eval()


# ---------------------------------------------------------------- the seed: config and tokenizer, no weights
SEED_FILES = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
              "special_tokens_map.json", "chat_template.jinja")


def seed_name(gguf: Path) -> str:
    return f"{gguf.stem}-{gguf.stat().st_size}"


def seed_folder(gguf: Path) -> Path | None:
    """The shipped config + tokenizer of this GGUF (matched by name and size), or None."""
    from playground.core import paths

    folder = paths.prebuilt_dir() / "models" / seed_name(gguf)
    return folder if (folder / "config.json").is_file() and (folder / "tokenizer_config.json").is_file() else None


def write_seed(converted: Path, gguf: Path, root: Path) -> Path:
    """Copy a converted folder's config and tokenizer (not its weights) as the seed of `gguf` under `root`."""
    import shutil

    target = root / "models" / seed_name(gguf)
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in SEED_FILES:
        if (converted / name).is_file():
            shutil.copy2(converted / name, tmp / name)
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target
