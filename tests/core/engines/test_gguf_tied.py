"""The tied embedding is gathered from the LM head's own initializers (weights.bin holds that matrix once),
and still gives the GGUF's rows exactly, for a Q8_0 table (stored as the head's two nibble matrices) and a
4-bit one."""

from __future__ import annotations

import numpy as np
import pytest

from tests.gguf_fixtures import write_tiny_gguf

ort = pytest.importorskip("onnxruntime")


@pytest.mark.parametrize("kind", ["Q8_0", "Q4_1", "Q4_0"])
def test_the_tied_embedding_is_the_heads_matrix_and_exact(kind, tmp_path):
    from onnx import helper

    from playground.core.engines.gguf_blocks import read_gguf
    from playground.core.engines.gguf_graph import build_graph

    model = read_gguf(write_tiny_gguf(tmp_path / "tiny.gguf", types={"token_embd": kind}).path)
    assert "output.weight" not in model.tensors
    proto = build_graph(model, "exact")
    names = [init.name for init in proto.graph.initializer]
    assert len(names) == len(set(names)) and "embed.qweight" not in names
    assert "lm_head.qweight" in names
    embedded = next(node.output[0] for node in proto.graph.node if node.op_type == "Reshape"
                    and node.input[1] == "embed.shape")
    proto.graph.output.append(helper.make_empty_tensor_value_info(embedded))
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    ids = np.array([[0, 5, 17, 250, 298, 5]], np.int64)
    feeds = {"input_ids": ids, "seqlens_k": np.array([ids.shape[1] - 1], np.int32),
             "total_sequence_length": np.array(ids.shape[1], np.int32), "logits_index": np.array([0], np.int64)}
    for i in range(model.config["n_layer"]):
        for part in ("key", "value"):
            feeds[f"past_{part}_{i}"] = np.zeros((1, model.config["n_head_kv"], 8, model.config["head_dim"]),
                                                 np.float32)
    got = session.run([embedded], feeds)[0][0]
    table = model.packed("token_embd.weight").dequantize()
    assert np.array_equal(got, table[ids[0]])
