"""`logprobs` / `top_logprobs` over the API, with the real `openai` client against the real server, checked
against the app's own numbers (generate_stream's TokenStep, the distribution chart's inspect_distribution)."""

import math
from dataclasses import replace

import openai
import pytest

from playground.core.generation.engine import TorchEngine
from playground.core.generation.inspection import inspect_distribution
from playground.core.generation.sampling import GREEDY, SamplingSettings
from playground.core.generation.stream import encode_chat, encode_text, eos_ids, generate_stream, next_token_logits
from tests.server.conftest import QUESTION

TOL = 1e-4
COMPLETION_PROMPT = "The capital of France is"


def core_steps(session, prompt_ids, settings):
    """The app's own TokenSteps for `prompt_ids` (the Chat tab's path; no logprobs asked of it)."""
    steps = []
    generate_stream(TorchEngine(session.model), session.tokenizer, prompt_ids, settings,
                    stop_ids=eos_ids(session.model, session.tokenizer), on_token=steps.append)
    return steps


def ask_chat(client, server, **kwargs):
    return client.chat.completions.create(model=server.model_id, messages=[{"role": "user", "content": QUESTION}],
                                          **kwargs)


def test_greedy_chat_ranks_the_pick_first_and_matches_the_apps_probabilities(client, server, builtin_session):
    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": QUESTION}])
    steps = core_steps(s, prompt, replace(GREEDY, max_new_tokens=12))
    reply = ask_chat(client, server, temperature=0, max_tokens=12, logprobs=True, top_logprobs=5)
    content = reply.choices[0].logprobs.content
    assert [t.token for t in content] == [st.text for st in steps]
    assert "".join(t.token for t in content) == reply.choices[0].message.content
    history = list(prompt)
    for token, step in zip(content, steps):
        assert token.bytes == list(token.token.encode("utf-8"))
        assert len(token.top_logprobs) == 5 and token.top_logprobs[0].token == token.token
        assert token.top_logprobs[0].logprob == token.logprob
        # greedy: the distribution it is the argmax of, the raw softmax (the chat's "model's raw softmax")
        assert abs(token.logprob - math.log(step.raw_prob)) < TOL
        assert token.raw_logprob == token.logprob  # an extension: the plain softmax, here the same
        assert token.raw_top_logprobs == [t.model_dump() for t in token.top_logprobs]
        # the distribution chart's numbers at that position, from a plain forward pass over the text so far
        view = inspect_distribution(next_token_logits(s.model, history), GREEDY, step.token_id, s.tokenizer, top=5)
        assert [t.token for t in token.top_logprobs] == [row.text for row in view.rows]
        for top, row in zip(token.top_logprobs, view.rows):
            assert abs(top.logprob - math.log(row.raw)) < TOL and top.bytes == list(row.text.encode("utf-8"))
        history.append(step.token_id)


def test_sampled_logprobs_are_of_the_distribution_the_token_was_sampled_from(client, server, builtin_session):
    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": QUESTION}])
    settings = SamplingSettings(temperature=1.3, top_k=4, top_p=1.0, max_new_tokens=10, seed=11)
    steps = core_steps(s, prompt, settings)
    reply = ask_chat(client, server, temperature=1.3, top_p=1.0, seed=11, max_tokens=10, logprobs=True,
                     top_logprobs=6, extra_body={"top_k": 4})
    content = reply.choices[0].logprobs.content
    assert [t.token for t in content] == [st.text for st in steps]  # the same seed, the same reply
    for token, step in zip(content, steps):
        assert abs(token.logprob - math.log(step.prob)) < TOL
        assert abs(token.raw_logprob - math.log(step.raw_prob)) < TOL
        # top-k 4 leaves 4 tokens to pick from, whatever top_logprobs asks; the app's top alternatives
        assert [t.token for t in token.top_logprobs] == [text for _, text, _ in step.alternatives][:4]
        for top, (_, _, prob) in zip(token.top_logprobs, step.alternatives):
            assert abs(top.logprob - math.log(prob)) < TOL
        assert len(token.raw_top_logprobs) == 6  # the raw softmax keeps every token
    assert any(t.logprob != t.raw_logprob for t in content)


def test_streaming_returns_the_same_logprobs_as_not_streaming(client, server):
    whole = ask_chat(client, server, temperature=0, max_tokens=12, logprobs=True, top_logprobs=3)
    chunks = list(ask_chat(client, server, temperature=0, max_tokens=12, logprobs=True, top_logprobs=3,
                           stream=True))
    streamed = [t for c in chunks if c.choices and c.choices[0].logprobs for t in c.choices[0].logprobs.content]
    assert len([c for c in chunks if c.choices and c.choices[0].logprobs]) >= 5  # token by token
    assert [t.model_dump() for t in streamed] == [t.model_dump() for t in whole.choices[0].logprobs.content]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == whole.choices[0].message.content


def test_no_logprobs_unless_asked(client, server):
    assert ask_chat(client, server, temperature=0, max_tokens=2).choices[0].logprobs is None
    assert ask_chat(client, server, temperature=0, max_tokens=2, logprobs=True).choices[0].logprobs.content[0] \
        .top_logprobs == []


def test_completions_logprobs_in_the_legacy_shape(client, server, builtin_session):
    s = builtin_session
    steps = core_steps(s, encode_text(s.tokenizer, COMPLETION_PROMPT), replace(GREEDY, max_new_tokens=6))
    out = client.completions.create(model=server.model_id, prompt=COMPLETION_PROMPT, temperature=0, max_tokens=6,
                                    logprobs=3)
    lp = out.choices[0].logprobs
    assert lp.tokens == [st.text for st in steps] and "".join(lp.tokens) == out.choices[0].text
    assert all(abs(v - math.log(st.raw_prob)) < TOL for v, st in zip(lp.token_logprobs, steps))
    assert lp.text_offset == [sum(len(t) for t in lp.tokens[:i]) for i in range(len(lp.tokens))]
    for token, value, top in zip(lp.tokens, lp.token_logprobs, lp.top_logprobs):
        assert len(top) == 3 and next(iter(top)) == token and top[token] == value
    streamed = [c.choices[0].logprobs for c in client.completions.create(
        model=server.model_id, prompt=COMPLETION_PROMPT, temperature=0, max_tokens=6, logprobs=3, stream=True)
        if c.choices and c.choices[0].logprobs]
    assert [t for x in streamed for t in x.tokens] == lp.tokens
    assert [o for x in streamed for o in x.text_offset] == lp.text_offset
    assert [v for x in streamed for v in x.token_logprobs] == lp.token_logprobs


@pytest.mark.parametrize("stream", [False, True])
def test_a_stop_string_cuts_the_text_and_its_logprobs_alike(client, server, stream):
    def ask(**kwargs):
        out = client.completions.create(model=server.model_id, prompt=COMPLETION_PROMPT, temperature=0,
                                        max_tokens=6, logprobs=2, stream=stream, **kwargs)
        if not stream:
            return out.choices[0].text, out.choices[0].logprobs
        chunks = [c.choices[0] for c in out if c.choices]
        lps = [c.logprobs for c in chunks if c.logprobs]
        return "".join(c.text for c in chunks), ([t for x in lps for t in x.tokens],
                                                 [v for x in lps for v in x.token_logprobs])

    full_text, full = ask()
    full = (full.tokens, full.token_logprobs) if not stream else full
    assert full[0][:2] == [" Paris", "."]
    text, cut = ask(stop=["."])  # between two tokens: the "." token is not reported
    cut = (cut.tokens, cut.token_logprobs) if not stream else cut
    assert text == " Paris" and cut == ([" Paris"], full[1][:1])
    text, cut = ask(stop=["ris"])  # inside " Paris": it is reported with the text kept, its own logprob
    cut = (cut.tokens, cut.token_logprobs) if not stream else cut
    assert text == " Pa" and cut == ([" Pa"], full[1][:1])
    text, cut = ask(stop=[" Paris"])  # from its first character: nothing of it is kept or reported
    cut = (cut.tokens, cut.token_logprobs) if not stream else cut
    assert text == "" and cut == ([], [])


def test_chat_stop_string_cuts_the_logprobs_too(client, server):
    reply = ask_chat(client, server, temperature=0, max_tokens=12, logprobs=True, stop=[" Paris"])
    assert reply.choices[0].message.content == "The capital of France is"
    assert "".join(t.token for t in reply.choices[0].logprobs.content) == "The capital of France is"
    # a stop string never completed: the "." held back as its possible start comes out at the end, token too
    whole = ask_chat(client, server, temperature=0, max_tokens=12, logprobs=True)
    held = ask_chat(client, server, temperature=0, max_tokens=12, logprobs=True, stop=[".\n\nZ"])
    assert held.choices[0].message.content == whole.choices[0].message.content == "The capital of France is Paris."
    assert held.choices[0].logprobs.content == whole.choices[0].logprobs.content


@pytest.mark.parametrize("kwargs, says", [
    ({"logprobs": True, "top_logprobs": 21}, "top_logprobs"),
    ({"logprobs": True, "top_logprobs": -1}, "top_logprobs"),
    ({"top_logprobs": 3}, "needs logprobs: true"),
    ({"logprobs": False, "top_logprobs": 0}, "needs logprobs: true"),
])
def test_bad_logprobs_requests_are_400(client, server, kwargs, says):
    with pytest.raises(openai.BadRequestError, match=says):
        ask_chat(client, server, max_tokens=1, **kwargs)


def test_completions_logprobs_over_20_is_400(client, server):
    with pytest.raises(openai.BadRequestError, match="logprobs"):
        client.completions.create(model=server.model_id, prompt="Hi", max_tokens=1, logprobs=21)
    out = client.completions.create(model=server.model_id, prompt="Hi", max_tokens=1, logprobs=20, temperature=0)
    assert len(out.choices[0].logprobs.top_logprobs[0]) >= 15  # beyond OpenAI's legacy 5 (equal texts merge)
    assert len(out.choices[0].logprobs.raw_top_logprobs[0]) >= 15


def test_logprobs_on_the_fast_engine_match_the_exact_one(onnx_models, builtin_session, client, server, monkeypatch):
    """The ONNX engine only supplies logits; the same generate_stream turns them into logprobs. fp32 ONNX
    agrees with PyTorch to float rounding (streaming, stop strings and shapes are the same code)."""
    from openai import OpenAI

    from playground.core.engines.onnx_engine import OnnxEngine
    from playground.server.runner import LocalServer

    steps = []
    real_step = OnnxEngine.step
    monkeypatch.setattr(OnnxEngine, "step", lambda self, token: steps.append(token) or real_step(self, token))
    exact = ask_chat(client, server, temperature=0, max_tokens=12, logprobs=True, top_logprobs=5)
    with LocalServer(builtin_session, engine=OnnxEngine(onnx_models["fp32"], "fp32")) as fast_server:
        with OpenAI(base_url=f"{fast_server.url}/v1", api_key="none", timeout=300, max_retries=0) as fast:
            reply = ask_chat(fast, fast_server, temperature=0, max_tokens=12, logprobs=True, top_logprobs=5)
    assert len(steps) >= 5  # the fast engine answered
    ours, theirs = reply.choices[0].logprobs.content, exact.choices[0].logprobs.content
    assert [t.token for t in ours] == [t.token for t in theirs]
    for a, b in zip(ours, theirs):
        assert a.top_logprobs[0].token == a.token and abs(a.logprob - b.logprob) < 1e-3
        assert [t.token for t in a.top_logprobs[:3]] == [t.token for t in b.top_logprobs[:3]]
