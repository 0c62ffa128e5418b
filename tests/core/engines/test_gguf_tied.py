"""The tied embedding is gathered from the LM head's own initializers (weights.bin holds that matrix once),
and still gives the GGUF's rows exactly, for a Q8_0 table (stored as the file's q + 128) and a 4-bit one;
the Fast and Exact graphs hold the same initializers, written once."""

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
    got = session.run([embedded], _feeds(model.config, ids))[0][0]
    table = model.packed("token_embd.weight").dequantize()
    assert np.array_equal(got, table[ids[0]])


def _feeds(config: dict, ids: np.ndarray) -> dict:
    feeds = {"input_ids": ids, "seqlens_k": np.array([ids.shape[1] - 1], np.int32),
             "total_sequence_length": np.array(ids.shape[1], np.int32), "logits_index": np.array([0], np.int64)}
    for i in range(config["n_layer"]):
        for part in ("key", "value"):
            feeds[f"past_{part}_{i}"] = np.zeros((1, config["n_head_kv"], 8, config["head_dim"]), np.float32)
    return feeds


@pytest.mark.parametrize("kind", ["Q8_0", "Q4_1"])
def test_fast_runs_an_8bit_head_as_itself_exact_as_nibbles_from_the_same_weights_written_once(kind, tmp_path):
    import onnx
    from onnx import helper

    from playground.core.engines.gguf_blocks import nibble_pairs, read_gguf
    from playground.core.engines.gguf_build import write_models

    gguf = write_tiny_gguf(tmp_path / "tiny.gguf", types={"token_embd": kind}).path
    out = tmp_path / "engine"
    write_models(gguf, out, lambda fraction, message: None)
    graphs = {mode: onnx.load(out / f"{mode}.onnx", load_external_data=False) for mode in ("fast", "exact")}

    def external(proto) -> dict:
        return {t.name: {e.key: e.value for e in t.external_data} for t in proto.graph.initializer if t.external_data}

    fast, exact = external(graphs["fast"]), external(graphs["exact"])
    assert "lm_head.qweight" in fast and all(exact[name] == where for name, where in fast.items())
    assert {where["location"] for where in exact.values()} == {"weights.bin"}
    heads = {mode: next(n for n in proto.graph.node if n.name == "lm_head") for mode, proto in graphs.items()}
    bits = {mode: next(a.i for a in node.attribute if a.name == "bits") for mode, node in heads.items()}
    assert bits == ({"fast": 8, "exact": 4} if kind == "Q8_0" else {"fast": 4, "exact": 4})
    if kind == "Q8_0":  # Exact's nibble matrices, derived in its graph, are gguf_blocks.nibble_pairs of the head
        proto = onnx.load(out / "exact.onnx")
        proto.graph.output.append(helper.make_empty_tensor_value_info(heads["exact"].input[1]))
        session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
        model = read_gguf(gguf)
        derived = session.run([heads["exact"].input[1]], _feeds(model.config, np.array([[3, 1]], np.int64)))[0]
        assert np.array_equal(derived, nibble_pairs(model.packed("token_embd.weight")))
