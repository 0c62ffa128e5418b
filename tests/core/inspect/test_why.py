import numpy as np
import pytest
import torch

from playground.core.inspect import attention as att
from playground.core.inspect.why import explain_token

TEXT = "The capital of France is Paris. The capital of Germany is"


def test_the_why_of_a_token_is_the_last_row_of_a_full_capture_and_its_logit_lens(builtin_session):
    model, tokenizer = builtin_session.model, builtin_session.tokenizer
    ids = tokenizer(TEXT, add_special_tokens=False)["input_ids"]
    berlin = tokenizer(" Berlin", add_special_tokens=False)["input_ids"][0]
    with builtin_session.lock:
        why = explain_token(model, tokenizer, ids, berlin, context_length=builtin_session.context_length)
        capture = att.capture_attention(model, tokenizer, token_ids=ids)
        lens = att.logit_lens(model, tokenizer, capture, [len(ids) - 1])
        with torch.inference_mode():
            logits = model(torch.tensor([ids])).logits[0, -1].float()
    n = len(ids)
    assert why.attention.shape == (30, 9, n) and why.num_kv_heads == 3 and why.truncated == 0
    np.testing.assert_allclose(why.attention, capture.attentions[:, :, -1, :], atol=1e-5)
    np.testing.assert_allclose(why.head_average().sum(axis=-1), 1.0, atol=1e-4)
    assert why.per_head().shape == (270, n)
    np.testing.assert_array_equal(why.lens.top_ids, lens.top_ids)
    np.testing.assert_allclose(why.lens.top_probs, lens.top_probs, rtol=1e-3, atol=1e-6)
    assert why.target_text == " Berlin" and why.lens.top_tokens[-1][0][0] == " Berlin"
    assert why.target_ranks[-1] == 0 and why.target_ranks[0] > 0  # the embeddings alone do not know it
    assert why.target_probs[-1] == pytest.approx(float(logits.softmax(-1)[berlin]), rel=1e-3)
    assert why.target_probs.shape == (31,) and "".join(why.tokens) == TEXT


def test_a_long_prefix_keeps_its_last_tokens_and_the_attention_implementation_is_restored():
    from transformers import AutoModelForCausalLM

    from playground.core.models.builder import build_config

    cfg = {"model_type": "gpt2", "vocab_size": 50, "n_positions": 16, "n_embd": 16, "n_layer": 2, "n_head": 2}
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(build_config(cfg)).eval()
    before = model.config._attn_implementation
    why = explain_token(model, None, list(range(40)), 7, context_length=16)
    assert why.truncated == 24 and why.token_ids == tuple(range(24, 40)) and why.attention.shape == (2, 2, 16)
    assert why.tokens[0] == "#24" and model.config._attn_implementation == before
    assert 0 <= why.target_ranks.min() and why.target_ranks.max() < 50
