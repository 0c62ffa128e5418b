"""Branches of a reply in the core: a fork reuses the engine's KV cache for the shared prefix, forces its
token and continues exactly as a fresh run would; branches round-trip through a saved file and Markdown."""

import json
from dataclasses import replace

import pytest
import torch

from playground.core.generation.branches import add_branch, divergences, select_branch
from playground.core.generation.conversation import (ConversationFileError, Message, conversation_to_json,
                                                     conversation_to_markdown, parse_conversation)
from playground.core.generation.engine import TorchEngine
from playground.core.generation.sampling import GREEDY
from playground.core.generation.stream import encode_chat, eos_ids, generate_stream

QUESTION = "What is the capital of France?"


@pytest.fixture(scope="module")
def reply(builtin_session):
    """(prompt ids, steps) of a greedy 12-token reply of the built-in model."""
    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": QUESTION}])
    steps = []
    generate_stream(TorchEngine(s.model), s.tokenizer, prompt, replace(GREEDY, max_new_tokens=12),
                    stop_ids=eos_ids(s.model, s.tokenizer), on_token=steps.append)
    return prompt, tuple(steps)


def test_the_torch_engine_rewinds_its_cache_to_the_shared_prefix(builtin_session):
    s = builtin_session
    ids = encode_chat(s.tokenizer, [{"role": "user", "content": QUESTION}])
    engine = TorchEngine(s.model)
    engine.prefill(ids + [100, 200, 300])
    engine.step(400)
    before = engine.tokens_run
    rewound = engine.prefill(ids + [100, 555])  # shares the prompt and one token with the cache
    assert engine.tokens_run - before == 1  # only the new token ran
    fresh = TorchEngine(s.model)
    expected = fresh.prefill(ids + [100, 555])
    assert fresh.tokens_run == len(ids) + 2
    assert torch.allclose(rewound, expected, atol=1e-4)
    assert torch.allclose(engine.step(7), fresh.step(7), atol=1e-4)  # and it goes on the same
    engine.prefill([5, 6, 7])  # nothing shared: starts over
    assert engine.tokens_run - before == 1 + 1 + 3


def test_a_fork_forces_its_token_reuses_the_cache_and_continues_as_a_fresh_run(builtin_session, reply):
    s = builtin_session
    prompt, steps = reply
    fork = 5
    forced, _text, forced_raw = steps[fork].runner_up  # greedy: the raw softmax's runner-up
    engine = TorchEngine(s.model)
    settings = replace(GREEDY, max_new_tokens=12)
    generate_stream(engine, s.tokenizer, prompt, settings, stop_ids=eos_ids(s.model, s.tokenizer))
    before, branch = engine.tokens_run, []
    result = generate_stream(engine, s.tokenizer, prompt, settings, stop_ids=eos_ids(s.model, s.tokenizer),
                             on_token=branch.append, reply_start=[t.token_id for t in steps[:fork]],
                             force_first=forced)
    ids = [t.token_id for t in steps]
    assert list(result.token_ids[:fork]) == ids[:fork] and result.token_ids[fork] == forced
    assert [t.index for t in branch] == list(range(fork, len(result.token_ids)))  # numbered after the prefix
    assert branch[0].token_id == forced and branch[0].raw_prob == pytest.approx(forced_raw, abs=1e-4)
    assert branch[0].alternatives[0][0] == steps[fork].token_id  # the real distribution at the fork
    assert len(result.token_ids) <= 12  # Max tokens counts the whole reply
    fed = len(branch) - (result.stop_reason == "length")  # the last token is fed only when another follows
    assert engine.tokens_run - before == 1 + fed  # one prefix token again (for its logits), then the new ones
    assert result.text == s.tokenizer.decode(list(result.token_ids), skip_special_tokens=True)
    assert result.text.startswith("".join(t.text for t in steps[:fork]))
    reference = generate_stream(TorchEngine(s.model), s.tokenizer, prompt + ids[:fork] + [forced],
                                replace(settings, max_new_tokens=12 - fork - 1),
                                stop_ids=eos_ids(s.model, s.tokenizer))
    assert list(result.token_ids[fork + 1:]) == list(reference.token_ids)


def branched(reply) -> Message:
    """A reply with three branches: the original, one forked at token 3, one forked from that at token 6."""
    prompt, steps = reply
    original = Message("assistant", "".join(t.text for t in steps), steps, tuple(prompt), GREEDY, "model-a",
                       "Exact (PyTorch)", "12 tokens")
    one = steps[:3] + (replace(steps[3], token_id=11, text=" ELEVEN"),) + steps[4:]
    second = add_branch(original, Message("assistant", "".join(t.text for t in one), one, note="b2"), 3)
    two = one[:6] + (replace(one[6], token_id=22, text=" TWENTY-TWO"),)
    return add_branch(second, Message("assistant", "".join(t.text for t in two), two, note="b3"), 6)


def test_branches_are_selected_and_their_divergence_points_found(reply):
    message = branched(reply)
    assert (message.branch, len(message.branches), message.note) == (2, 3, "b3")
    assert [(b.fork, b.parent) for b in message.branches] == [(0, None), (3, 0), (6, 1)]
    assert [(d.position, d.others) for d in divergences(message)] == [(3, ((1, reply[1][3].text),)),
                                                                      (6, ((2, reply[1][6].text),))]
    first = select_branch(message, 0)
    assert first.tokens == reply[1] and first.note == "12 tokens" and first.branches == message.branches
    assert [(d.position, [n for n, _ in d.others]) for d in divergences(first)] == [(3, [2, 3])]
    with pytest.raises(IndexError):
        select_branch(message, 3)


def test_branches_round_trip_through_a_saved_file_and_export_to_markdown(reply):
    message = branched(reply)
    messages = [Message("user", QUESTION), select_branch(message, 1)]
    text = conversation_to_json(messages, system_prompt="", mode="chat", settings=GREEDY)
    saved = json.loads(text)["messages"][1]
    n = len(reply[1])
    assert saved["branch"] == 1 and [len(b["tokens"]) for b in saved["branches"]] == [n, n - 3, 7 - 6]
    opened = parse_conversation(text).messages[1]
    assert opened.branch == 1 and opened.content == message.branches[1].reply.content
    for got, want in zip(opened.branches, message.branches):
        assert (got.fork, got.parent, got.reply.content, got.reply.note) == \
            (want.fork, want.parent, want.reply.content, want.reply.note)
        assert [(t.index, t.token_id, t.text) for t in got.reply.tokens] == \
            [(t.index, t.token_id, t.text) for t in want.reply.tokens]
    markdown = conversation_to_markdown(messages, system_prompt="", mode="chat", settings=GREEDY)
    assert message.branches[1].reply.content.strip() in markdown
    assert "Branch 2 of 3 is shown" in markdown
    assert f"- **Branch 3** (from token 7): …{' TWENTY-TWO'}" in markdown
    tail = "".join(t.text for t in reply[1][3:]).rstrip()
    assert f"- **Branch 1** (from token 4): …{tail}" in markdown


def test_a_file_without_branches_opens_and_a_bad_branch_is_named(reply):
    message = branched(reply)
    text = conversation_to_json([Message("user", QUESTION), message], system_prompt="", mode="chat",
                                settings=GREEDY)
    document = json.loads(text)
    plain = json.loads(text)
    for key in ("branch", "branches"):
        del plain["messages"][1][key]
    opened = parse_conversation(json.dumps(plain)).messages[1]  # as saved before branches existed
    assert opened.branches == () and opened.content == message.content
    document["messages"][1]["branches"][2]["parent"] = 2
    with pytest.raises(ConversationFileError, match="Message 2, branch 3: its “parent” must be an earlier"):
        parse_conversation(json.dumps(document))
    document["messages"][1]["branch"] = 7
    with pytest.raises(ConversationFileError, match="Message 2: “branch” must be"):
        parse_conversation(json.dumps(document))
