import numpy as np
import pytest
import torch

from playground.core.inspect import attention as att
from playground.core.errors import PlaygroundError

TEXT = "The capital of France is Paris. The capital of Germany is"


@pytest.fixture(scope="module")
def builtin_capture(builtin_session):
    model, tokenizer = builtin_session.model, builtin_session.tokenizer
    with builtin_session.lock:
        return att.capture_attention(model, tokenizer, TEXT, context_length=builtin_session.context_length)


def _tiny(model_type: str, **extra):
    from transformers import AutoModelForCausalLM

    from playground.core.models.builder import build_config

    if model_type == "gpt2":
        cfg = {"model_type": "gpt2", "vocab_size": 50, "n_positions": 1024, "n_embd": 16, "n_layer": 2, "n_head": 2}
    else:
        cfg = {"model_type": "llama", "vocab_size": 50, "hidden_size": 16, "intermediate_size": 32,
               "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
               "max_position_embeddings": 1024}
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(build_config(cfg | extra)).eval()


def test_builtin_capture_has_every_layer_and_head(builtin_session, builtin_capture):
    c = builtin_capture
    n = len(builtin_session.tokenizer(TEXT, add_special_tokens=False)["input_ids"])
    assert c.attentions.shape == (30, 9, n, n) and c.num_kv_heads == 3
    assert c.num_layers * c.num_heads == 270
    assert c.kv_head(0) == c.kv_head(2) == 0 and c.kv_head(8) == 2
    assert c.hidden_states.shape == (31, n, 576)
    assert "".join(c.tokens) == TEXT
    assert builtin_session.tokenizer.decode([c.next_token_id]) == " Berlin"


def test_attention_rows_are_distributions_and_causal(builtin_capture):
    a = builtin_capture.attentions
    np.testing.assert_allclose(a.sum(axis=-1), 1.0, atol=1e-4)
    upper = np.triu(np.ones(a.shape[-2:], dtype=bool), k=1)
    assert np.all(a[..., upper] == 0), "a token never attends to later tokens"
    assert np.all(a[..., 0, 0] == pytest.approx(1.0, abs=1e-5)), "the first token can only see itself"


def test_capture_restores_the_attention_implementation(builtin_session, builtin_capture):
    model = builtin_session.model
    assert model.config._attn_implementation != "eager"
    assert all(m.config._attn_implementation == model.config._attn_implementation
               for m in model.modules() if hasattr(m, "config"))


def test_eager_switch_is_undone_even_on_error():
    model = _tiny("llama")
    before = model.config._attn_implementation
    with pytest.raises(RuntimeError):
        with att.eager_attention(model):
            assert model.config._attn_implementation == "eager"
            raise RuntimeError("boom")
    assert model.config._attn_implementation == before


def test_logit_lens_last_layer_is_the_models_own_prediction(builtin_session, builtin_capture):
    model = builtin_session.model
    with builtin_session.lock:
        lens = att.logit_lens(model, builtin_session.tokenizer, builtin_capture,
                              positions=range(builtin_capture.num_tokens))
        with torch.inference_mode():
            logits = model(torch.tensor([builtin_capture.token_ids])).logits[0]  # (T, V)
    assert lens.top_ids.shape == (31, builtin_capture.num_tokens, 5)
    np.testing.assert_array_equal(lens.top_ids[-1, :, 0], logits.argmax(-1).numpy())
    np.testing.assert_allclose(lens.top_probs[-1, :, 0], logits.softmax(-1).max(-1).values.numpy(), rtol=1e-3)
    assert lens.top_tokens[-1][-1][0] == " Berlin"
    assert np.all(np.diff(lens.top_probs, axis=-1) <= 1e-6), "top-k sorted best first"


def test_logit_lens_default_positions_are_the_last_ones(builtin_session, builtin_capture):
    with builtin_session.lock:
        lens = att.logit_lens(builtin_session.model, builtin_session.tokenizer, builtin_capture)
    n = builtin_capture.num_tokens
    assert lens.positions == tuple(range(max(n - 24, 0), n))


@pytest.mark.parametrize("family", ["gpt2", "llama"])
def test_tiny_models_of_both_families(family):
    model = _tiny(family)
    capture = att.capture_attention(model, None, token_ids=[3, 4, 5, 6, 7])
    assert capture.attentions.shape == (2, 2 if family == "gpt2" else 4, 5, 5)
    np.testing.assert_allclose(capture.attentions.sum(-1), 1.0, atol=1e-5)

    class Tok:
        def decode(self, ids):
            return f"<{ids[0]}>"

    lens = att.logit_lens(model, Tok(), capture, positions=[0, 4])
    with torch.inference_mode():
        expected = model(torch.tensor([[3, 4, 5, 6, 7]])).logits[0, [0, 4]].argmax(-1).numpy()
    np.testing.assert_array_equal(lens.top_ids[-1, :, 0], expected)
    assert model.config._attn_implementation != "eager"


def test_long_inputs_get_small_thumbnails_and_exact_maps():
    model = _tiny("llama")
    ids = [int(i) for i in torch.randint(0, 50, (600,))]
    capture = att.capture_attention(model, None, token_ids=ids)
    assert capture.attentions.shape[-2:] == (600, 600)  # the zoom stays exact
    assert capture.attentions.dtype == np.float16  # long inputs are stored compactly
    assert capture.thumbs.shape[:2] == (2, 4) and max(capture.thumbs.shape[-2:]) <= att.THUMBNAIL_SIZE
    assert capture.average_thumbs.shape == (2, *capture.thumbs.shape[-2:])
    # Block max keeps the brightest cell of each block.
    a = capture.attentions[1, 2].astype(np.float32)
    k = -(-600 // capture.thumbs.shape[-1])
    assert capture.thumbs[1, 2, 3, 1] == pytest.approx(a[3 * k:4 * k, k:2 * k].max())


def test_block_max_and_views():
    m = np.arange(36, dtype=np.float32).reshape(6, 6)
    np.testing.assert_array_equal(att.block_max(m, 3), [[7, 9, 11], [19, 21, 23], [31, 33, 35]])
    assert att.block_max(m, 8) is m
    a = np.random.default_rng(0).random((2, 3, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(att.head_average(a, 1), a[1].mean(0))
    rows = att.token_attention(a, 2)
    assert rows.shape == (6, 3)
    np.testing.assert_array_equal(rows[4], a[1, 1, 2, :3])


def test_too_long_text_keeps_the_last_tokens_and_empty_text_explains():
    class Tok:
        def __call__(self, text, add_special_tokens=False):
            return {"input_ids": list(range(len(text)))}

    ids, dropped = att.encode_for_capture(Tok(), "x" * 2000, context_length=4096)
    assert len(ids) == att.MAX_TOKENS and dropped == 2000 - att.MAX_TOKENS and ids[-1] == 1999
    ids, dropped = att.encode_for_capture(Tok(), "x" * 100, context_length=64)
    assert len(ids) == 64 and dropped == 36
    with pytest.raises(PlaygroundError, match="Type some text"):
        att.encode_for_capture(Tok(), "", context_length=64)
