"""The ONNX graph of a Llama-family GGUF, written from the file's own quantized blocks.

Every projection is one `MatMulNBits` over the GGUF's blocks as they are (`gguf_blocks`); q/k/v and
gate/up are stacked into one node each. Q4_1's minimum adds `(block sums of x) @ m`, a small MatMul.
Attention is `GroupQueryAttention` (rotary inside, a KV buffer shared between past and present that
the engine owns); RMSNorm and the residual adds are `(Skip)SimplifiedLayerNormalization`. The embedding
is a Gather over the Q8_0 (or 4-bit) blocks, dequantized in the graph: exact. A tied one (no output.weight)
gathers from the LM head's own initializers, so weights.bin holds that matrix once.

`accuracy_level` 0 (Exact): activations stay float32. 4 (Fast): the MatMulNBits nodes quantize the
activations to int8 per block, as llama.cpp does, and an 8-bit matrix (a Q8_0 head) runs as one 8-bit
MatMulNBits; Exact runs it as two nibble matrices derived in the graph from the same initializer. So the two
graphs differ there but hold the same initializers, and `gguf_build` writes their weights once.

Inputs:  input_ids (1, S) int64; seqlens_k (1,) int32 = tokens in the cache after this call − 1;
         total_sequence_length () int32; logits_index (P,) int64 (positions of S whose logits are wanted);
         past_key_i / past_value_i (1, kv_heads, capacity, head_dim) float32.
Outputs: logits (1, P, V) float32; present_key_i / present_value_i (the same buffers when bound so).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from playground.core.engines.gguf_blocks import BLOCK, GgufModel, Packed, concat_rows, rotary_caches, unpermute_rows

MS = "com.microsoft"
ACCURACY = {"fast": 4, "exact": 0}


class _Graph:
    def __init__(self) -> None:
        self.nodes: list = []
        self.inits: list = []
        self._shapes: dict[str, tuple] = {}
        self._n = 0

    def init(self, name: str, array: np.ndarray) -> str:
        """An initializer; one already given under `name` (the tied embedding and LM head share theirs) is kept."""
        if name in self._shapes:
            if self._shapes[name] != tuple(array.shape):
                raise ValueError(f"initializer {name} given twice with different shapes")
            return name
        self._shapes[name] = tuple(array.shape)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], n_out: int = 1, domain: str = "", name: str = "",
             outputs: list[str] | None = None, **attrs):
        self._n += 1
        base = name or f"{op.lower()}_{self._n}"
        outputs = outputs or [f"{base}/out{i}" for i in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=base, domain=domain, **attrs))
        return outputs[0] if len(outputs) == 1 else outputs

    def const(self, value: float) -> str:
        return self.init(f"const.{value:g}", np.array(value, np.float32))

    def matmul(self, x: str, w: Packed, name: str, accuracy: int) -> str:
        """x (…, K) @ wᵀ → (…, N), over the blocks as they are. The scales and minimums are stored as the GGUF
        holds them (float16) and made float32 in the graph: ONNX Runtime folds those constant nodes when it
        loads the graph, before the kernels pack B. An 8-bit matrix is stored as the file's q + 128 and runs
        as itself on int8 activations (Fast); for float32 ones (Exact) the CPU kernel packs only 4-bit
        weights (8-bit ones it dequantizes whole every call), so there the graph derives two nibble
        matrices over [x, x] from the same initializer, also folded at load (gguf_blocks.nibble_pairs)."""
        blocks = w.k // BLOCK
        d = self.node("Cast", [self.init(f"{name}.scales", w.d)], to=TensorProto.FLOAT)  # (N, K/32)
        flat_shape = self.init("const.flat", np.array([-1], np.int64))
        if w.bits == 8 and accuracy == ACCURACY["fast"]:
            return self.node("MatMulNBits", [x, self.init(f"{name}.qweight", w.b), self.node("Reshape", [d, flat_shape])],
                             domain=MS, name=name, K=w.k, N=w.n, bits=8, block_size=BLOCK, accuracy_level=accuracy)
        if w.bits == 8:  # scales [16d | d], and 8d per block of x
            qweight, inner, k = self._nibble_pairs(self.init(f"{name}.qweight", w.b), w), \
                self.node("Concat", [x, x], axis=-1), 2 * w.k
            scales = self.node("Concat", [self.node("Mul", [d, self.const(16.0)]), d], axis=1)
            per_block = self.node("Mul", [d, self.const(8.0)])
        else:
            qweight, inner, k, scales = self.init(f"{name}.qweight", w.b), x, w.k, d
            per_block = None
            if w.m is not None:  # m + 8d, as Packed.mins
                m = self.node("Cast", [self.init(f"{name}.mins", w.m)], to=TensorProto.FLOAT)
                per_block = self.node("Add", [m, self.node("Mul", [d, self.const(8.0)])])
        flat = self.node("Reshape", [scales, flat_shape])
        y = self.node("MatMulNBits", [inner, qweight, flat], domain=MS, name=name,
                      K=k, N=w.n, bits=4, block_size=BLOCK, accuracy_level=accuracy)
        if per_block is None:
            return y
        shape = self.init(f"{name}.block_shape", np.array([0, 0, blocks, BLOCK], np.int64))
        sums = self.node("ReduceSum", [self.node("Reshape", [x, shape]), self.init(f"{name}.axis", np.array([-1]))],
                         keepdims=0)  # (1, S, K/32)
        per_block = self.node("Transpose", [per_block], perm=[1, 0])  # (K/32, N)
        return self.node("Add", [y, self.node("MatMul", [sums, per_block])])

    def _nibble_pairs(self, q: str, w: Packed) -> str:
        """gguf_blocks.nibble_pairs in the graph, over constants only (folded at load): uint8 (N, K/32, 32)
        q + 128 → (N, 2K/32, 16), the high nibbles' blocks, then the low ones', weight k in byte k//2."""
        high = self.node("BitShift", [q, self.init("nib.4", np.array(4, np.uint8))], direction="RIGHT")
        low = self.node("BitwiseAnd", [q, self.init("nib.15", np.array(15, np.uint8))])
        both = self.node("Concat", [high, low], axis=1)  # (N, 2K/32, 32)
        pairs = self.node("Reshape", [both, self.init("nib.pairs", np.array([0, 0, BLOCK // 2, 2], np.int64))])
        even, odd = self.node("Split", [pairs], n_out=2, axis=-1, num_outputs=2)
        packed = self.node("BitwiseOr", [even, self.node("BitShift", [odd, "nib.4"], direction="LEFT")])
        return self.node("Reshape", [packed, self.init("nib.shape", np.array([0, 0, BLOCK // 2], np.int64))])


def _nibbles(g: _Graph, q: str, blocks: int, prefix: str) -> str:
    """uint8 (…, blocks, 16) of packed 4-bit weights → float32 (…, blocks, 32), weight j at j (the low nibble
    is the even weight)."""
    low = g.node("BitwiseAnd", [q, g.init(f"{prefix}.low", np.array(15, np.uint8))])
    high = g.node("BitShift", [q, g.init(f"{prefix}.shift", np.array(4, np.uint8))], direction="RIGHT")
    both = g.node("Concat", [g.node("Unsqueeze", [low, g.init(f"{prefix}.ax", np.array([-1]))]),
                             g.node("Unsqueeze", [high, f"{prefix}.ax"])], axis=-1)
    q = g.node("Reshape", [both, g.init(f"{prefix}.qshape", np.array([1, -1, blocks, BLOCK], np.int64))])
    return g.node("Cast", [q], to=TensorProto.FLOAT)


def _times_scales(g: _Graph, q: str, table: Packed, ids: str, prefix: str) -> str:
    """The gathered rows' weights: q (1, S, blocks, 32), its offset taken off, times d, plus m + 8d for Q4_1
    (as Packed.mins), from the initializers `prefix`.scales / .mins (the file's float16)."""
    d = g.node("Cast", [g.node("Gather", [g.init(f"{prefix}.scales", table.d), ids], axis=0)], to=TensorProto.FLOAT)
    axis = g.init("embed.last", np.array([-1]))
    w = g.node("Mul", [q, g.node("Unsqueeze", [d, axis])])
    if table.m is None:
        return w
    m = g.node("Cast", [g.node("Gather", [g.init(f"{prefix}.mins", table.m), ids], axis=0)], to=TensorProto.FLOAT)
    return g.node("Add", [w, g.node("Unsqueeze", [g.node("Add", [m, g.node("Mul", [d, g.const(8.0)])]), axis])])


def _tied_embedding(g: _Graph, table: Packed, ids: str) -> str:
    """The embedding gathered from the LM head's own initializers (the GGUF stores one tied matrix): no second
    copy of the table in weights.bin. Exact: the same integers times the same scales as `_embedding`'s."""
    e, blocks = table.k, table.k // BLOCK
    q = g.node("Gather", [g.init("lm_head.qweight", table.b), ids], axis=0)  # (1, S, blocks, 32 or 16)
    if table.bits == 8:  # q + 128
        q = g.node("Sub", [g.node("Cast", [q], to=TensorProto.FLOAT), g.const(128.0)])
    else:
        q = g.node("Sub", [_nibbles(g, q, blocks, "embed"), g.const(8.0)])
    w = _times_scales(g, q, table, ids, "lm_head")
    return g.node("Reshape", [w, g.init("embed.shape", np.array([1, -1, e], np.int64))])


def _embedding(g: _Graph, model: GgufModel, ids: str) -> str:
    """input_ids (1, S) → (1, S, E): the rows' blocks gathered, then dequantized (exact)."""
    table = model.packed("token_embd.weight")
    if "output.weight" not in model.tensors:
        return _tied_embedding(g, table, ids)
    e, blocks = table.k, table.k // BLOCK
    q = g.node("Gather", [g.init("embed.qweight", table.b), ids], axis=0)  # (1, S, E/32, 16 or 32)
    if table.bits == 8:
        q = g.node("Sub", [g.node("Cast", [q], to=TensorProto.FLOAT), g.const(128.0)])
    else:  # the low nibble is the even weight
        q = g.node("Sub", [_nibbles(g, q, blocks, "embed"), g.const(8.0)])
    w = _times_scales(g, q, table, ids, "embed")  # (1, S, E/32, 32)
    return g.node("Reshape", [w, g.init("embed.shape", np.array([1, -1, e], np.int64))])


def build_graph(model: GgufModel, mode: str, on_layer: Callable[[int], None] | None = None) -> onnx.ModelProto:
    """The whole model as one ONNX graph; `mode` "fast" or "exact" (see the module's doc). `on_layer(i)` is
    called before each layer (progress; it may raise to cancel)."""
    c, accuracy = model.config, ACCURACY[mode]
    g = _Graph()
    n_layer, heads, kv = c["n_layer"], c["n_head"], c["n_head_kv"]
    cos, sin = rotary_caches(c)
    g.init("cos_cache", cos)
    g.init("sin_cache", sin)
    hidden = _embedding(g, model, "input_ids")
    norm = g.node("SimplifiedLayerNormalization", [hidden, g.init("blk.0.attn_norm", model.float_tensor(
        "blk.0.attn_norm.weight"))], name="blk.0.attn_norm", axis=-1, epsilon=c["eps"], stash_type=1)
    for i in range(n_layer):
        if on_layer is not None:
            on_layer(i)
        p = f"blk.{i}"
        q = unpermute_rows(model.packed(f"{p}.attn_q.weight"), heads)
        k = unpermute_rows(model.packed(f"{p}.attn_k.weight"), kv)
        v = model.packed(f"{p}.attn_v.weight")
        qkv = concat_rows([q, k, v])
        if qkv is not None:
            packed = g.matmul(norm, qkv, f"{p}.attn_qkv", accuracy)
            attn_in = [packed, "", ""]
        else:
            attn_in = [g.matmul(norm, w, f"{p}.{n}", accuracy) for w, n in ((q, "attn_q"), (k, "attn_k"), (v, "attn_v"))]
        attn = g.node("GroupQueryAttention", attn_in + [f"past_key_{i}", f"past_value_{i}", "seqlens_k",
                      "total_sequence_length", "cos_cache", "sin_cache"], domain=MS, name=f"{p}.attn",
                      outputs=[f"{p}.attn/out0", f"present_key_{i}", f"present_value_{i}"],
                      num_heads=heads, kv_num_heads=kv, do_rotary=1, rotary_interleaved=0)[0]
        out = g.matmul(attn, model.packed(f"{p}.attn_output.weight"), f"{p}.attn_output", accuracy)
        norm, _, _, hidden = g.node("SkipSimplifiedLayerNormalization", [out, hidden, g.init(
            f"{p}.ffn_norm", model.float_tensor(f"{p}.ffn_norm.weight"))], n_out=4, domain=MS, name=f"{p}.ffn_norm",
            epsilon=c["eps"])
        gate_w, up_w = model.packed(f"{p}.ffn_gate.weight"), model.packed(f"{p}.ffn_up.weight")
        both = concat_rows([gate_w, up_w])
        if both is not None:
            gate, up = g.node("Split", [g.matmul(norm, both, f"{p}.ffn_gate_up", accuracy),
                                        g.init(f"{p}.split", np.array([gate_w.n, up_w.n], np.int64))], n_out=2, axis=-1)
        else:
            gate, up = g.matmul(norm, gate_w, f"{p}.ffn_gate", accuracy), g.matmul(norm, up_w, f"{p}.ffn_up", accuracy)
        act = g.node("Mul", [g.node("Mul", [gate, g.node("Sigmoid", [gate])]), up])
        down = g.matmul(act, model.packed(f"{p}.ffn_down.weight"), f"{p}.ffn_down", accuracy)
        last = i == n_layer - 1
        gamma = "output_norm.weight" if last else f"blk.{i + 1}.attn_norm.weight"
        norm, _, _, hidden = g.node("SkipSimplifiedLayerNormalization", [down, hidden, g.init(
            gamma.removesuffix(".weight"), model.float_tensor(gamma))], n_out=4, domain=MS,
            name=gamma.removesuffix(".weight"), epsilon=c["eps"])
    picked = g.node("Gather", [norm, "logits_index"], axis=1)  # (1, P, E)
    head = model.packed("output.weight" if "output.weight" in model.tensors else "token_embd.weight")
    logits = g.matmul(picked, head, "lm_head", accuracy)
    g.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="logits"))
    return _model(g, c)


def _model(g: _Graph, c: dict) -> onnx.ModelProto:
    kv_shape = [1, c["n_head_kv"], "capacity", c["head_dim"]]
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "S"]),
              helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, [1]),
              helper.make_tensor_value_info("total_sequence_length", TensorProto.INT32, []),
              helper.make_tensor_value_info("logits_index", TensorProto.INT64, ["P"])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, "P", c["vocab"]])]
    for i in range(c["n_layer"]):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_{kind}_{i}", TensorProto.FLOAT, kv_shape))
            outputs.append(helper.make_tensor_value_info(f"present_{kind}_{i}", TensorProto.FLOAT, kv_shape))
    graph = helper.make_graph(g.nodes, "gguf", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid(MS, 1)],
                              producer_name="llm-playground-gguf")
    model.ir_version = 10
    helper.set_model_props(model, {"context_length": str(c["context"])})
    return model
