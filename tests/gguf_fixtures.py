"""Tiny real GGUF files written with the `gguf` package, for tests of everything that reads GGUF.

    from tests.gguf_fixtures import write_tiny_gguf, truncated_copy, garbage_file
    tiny = write_tiny_gguf(tmp_path / "tiny.gguf")            # Q4_0 / Q4_1 / Q8_0 projections
    tiny.weights["model.layers.0.self_attn.q_proj.weight"]    # what PyTorch must hold, exactly
    tiny.blocks["blk.0.attn_q.weight"]                        # (raw blocks as stored, ggml type)

A 2-layer llama (hidden 64, 4 heads, 2 KV heads, MLP 128) with a ~300-token byte-level BPE tokenizer in the
metadata (256 byte tokens, ChatML's three control tokens, 40 merges) and a ChatML chat template. The
weights are stored as llama.cpp stores them (q/k rows permuted for its rope), so `weights` holds what
transformers must produce: gguf.quants.dequantize of the blocks, q/k un-permuted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

N_LAYER, HIDDEN, N_HEAD, N_KV_HEAD, FFN = 2, 64, 4, 2, 128
CONTROL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
CHAT_TEMPLATE = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] "
                 "+ '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
                 "{% endif %}")
# merges over GPT-2's byte alphabet ("Ġ" is a space): enough to make "the", " the", "in", "ing" … tokens
MERGES = ("Ġ t", "h e", "Ġt he", "i n", "e r", "a n", "o n", "Ġ a", "r e", "e s", "in g", "Ġ s", "o u", "e n",
          "Ġ w", "a t", "Ġ o", "Ġ c", "i s", "o r", "e d", "Ġ b", "Ġ f", "a l", "i t", "Ġ p", "a r", "Ġ m", "l e",
          "Ġ d", "Ġ in", "Ġ h", "i c", "Ġo f", "Ġa n", "Ġan d", "Ġt o", "Ġ l", "Ġ is", "o w")
# the default: each kind of projection in one of the formats the fast engine reads
DEFAULT_TYPES = {"attn_q": "Q4_0", "attn_k": "Q4_0", "attn_v": "Q4_1", "attn_output": "Q4_1",
                 "ffn_gate": "Q8_0", "ffn_up": "Q8_0", "ffn_down": "Q4_1", "token_embd": "Q8_0"}
_HF_NAMES = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
             "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
             "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm"}


@dataclass(frozen=True)
class TinyGguf:
    path: Path
    config: dict  # the transformers config it implies (hidden_size, num_hidden_layers, vocab_size, …)
    tokens: tuple[str, ...]  # the vocabulary, in id order
    weights: dict  # transformers parameter name → float32 array the model must hold
    blocks: dict  # GGUF tensor name → (stored array: raw blocks or floats, gguf.GGMLQuantizationType)


def byte_tokens() -> list[str]:
    """GPT-2's printable spelling of the 256 bytes (what a byte-level BPE vocabulary is made of)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    spelled, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            spelled[byte] = chr(byte)
        else:
            spelled[byte] = chr(256 + extra)
            extra += 1
    return [spelled[b] for b in range(256)]


def vocabulary() -> list[str]:
    tokens = list(CONTROL_TOKENS) + byte_tokens()
    for merge in MERGES:
        tokens.append(merge.replace(" ", ""))
    return tokens


def _permute(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's q/k row order (convert_hf_to_gguf's permute); transformers undoes it on load."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def _unpermute(w: np.ndarray, n_head: int) -> np.ndarray:
    return w.reshape(n_head, w.shape[0] // n_head // 2, 2, *w.shape[1:]).swapaxes(2, 1).reshape(w.shape)


def write_tiny_gguf(path: Path, *, types: dict[str, str] | None = None, seed: int = 0,
                    architecture: str = "llama", with_tokenizer: bool = True,
                    block_count: int = N_LAYER) -> TinyGguf:
    """Write the tiny llama to `path`. `types` overrides DEFAULT_TYPES per projection kind (ggml type names:
    "Q4_0", "Q5_1", "F16", "Q8_1" …); a type gguf cannot quantize is filled with random bytes. `block_count`
    is what the header says (the file holds N_LAYER layers regardless)."""
    import gguf
    from gguf.quants import dequantize, quantize

    kinds = {**DEFAULT_TYPES, **(types or {})}
    rng = np.random.default_rng(seed)
    tokens = vocabulary()
    vocab = len(tokens)
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_name("Tiny test llama")
    writer.add_block_count(block_count)
    writer.add_context_length(256)
    writer.add_embedding_length(HIDDEN)
    writer.add_feed_forward_length(FFN)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_KV_HEAD)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_freq_base(10000.0)
    writer.add_rope_dimension_count(HIDDEN // N_HEAD)
    writer.add_vocab_size(vocab)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_1)
    if with_tokenizer:
        writer.add_tokenizer_model("gpt2")
        writer.add_tokenizer_pre("gpt2")
        writer.add_token_list(tokens)
        writer.add_token_types([gguf.TokenType.CONTROL] * len(CONTROL_TOKENS) +
                               [gguf.TokenType.NORMAL] * (vocab - len(CONTROL_TOKENS)))
        writer.add_token_merges(list(MERGES))
        writer.add_bos_token_id(1)
        writer.add_eos_token_id(2)
        writer.add_add_bos_token(False)
        writer.add_chat_template(CHAT_TEMPLATE)

    weights, blocks = {}, {}

    def add(name: str, hf_name: str, value: np.ndarray, kind: str, n_head: int | None = None) -> None:
        qtype = gguf.GGMLQuantizationType[kinds.get(kind, "F32")]
        stored = _permute(value, n_head) if n_head else value
        try:
            data = quantize(stored.astype(np.float32), qtype)
            expected = dequantize(data, qtype).reshape(stored.shape).astype(np.float32)
            expected = _unpermute(expected, n_head) if n_head else expected
        except NotImplementedError:  # a format gguf cannot write: random blocks, for refusal tests
            block, nbytes = gguf.GGML_QUANT_SIZES[qtype]
            data = rng.integers(0, 256, (stored.shape[0], stored.shape[1] // block * nbytes), dtype=np.uint8)
            expected = None
        writer.add_tensor(name, data, raw_dtype=qtype)
        blocks[name] = (data, qtype)
        if expected is not None:
            weights[hf_name] = expected

    def normal(*shape: int, scale: float = 0.25) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    add("token_embd.weight", "model.embed_tokens.weight", normal(vocab, HIDDEN, scale=0.1), "token_embd")
    head_dim = HIDDEN // N_HEAD
    for layer in range(N_LAYER):
        hf = f"model.layers.{layer}."
        for kind, shape, heads in (("attn_q", (HIDDEN, HIDDEN), N_HEAD),
                                   ("attn_k", (N_KV_HEAD * head_dim, HIDDEN), N_KV_HEAD),
                                   ("attn_v", (N_KV_HEAD * head_dim, HIDDEN), None),
                                   ("attn_output", (HIDDEN, HIDDEN), None),
                                   ("ffn_gate", (FFN, HIDDEN), None), ("ffn_up", (FFN, HIDDEN), None),
                                   ("ffn_down", (HIDDEN, FFN), None)):
            add(f"blk.{layer}.{kind}.weight", hf + _HF_NAMES[kind] + ".weight", normal(*shape), kind, heads)
        for kind in ("attn_norm", "ffn_norm"):
            add(f"blk.{layer}.{kind}.weight", hf + _HF_NAMES[kind] + ".weight",
                (1.0 + normal(HIDDEN, scale=0.1)).astype(np.float32), "norm")
    add("output_norm.weight", "model.norm.weight", np.ones(HIDDEN, dtype=np.float32), "norm")

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    config = {"model_type": architecture, "hidden_size": HIDDEN, "num_hidden_layers": N_LAYER,
              "num_attention_heads": N_HEAD, "num_key_value_heads": N_KV_HEAD, "intermediate_size": FFN,
              "vocab_size": vocab, "max_position_embeddings": 256, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
              "tie_word_embeddings": True}
    return TinyGguf(Path(path), config, tuple(tokens), weights, blocks)


def truncated_copy(source: Path, target: Path, fraction: float = 0.6) -> Path:
    """The first `fraction` of `source`'s bytes: a download cut short."""
    data = Path(source).read_bytes()
    Path(target).write_bytes(data[:int(len(data) * fraction)])
    return Path(target)


def garbage_file(target: Path, size: int = 4096, seed: int = 1) -> Path:
    """Random bytes under a .gguf name."""
    Path(target).write_bytes(np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes())
    return Path(target)
