"""Splitting text into tokens (core.inspect.tokenizer), headless, on the built-in model's tokenizer and the
Training tab's corpus tokenizers."""

from playground.core.generation.conversation import conversation_as_text
from playground.core.generation.history import Message
from playground.core.inspect.tokenizer import (BPE_VOCAB_SIZE, conversation_split, corpus_tokenizer,
                                               count_tokens, split_text, split_with_corpus_tokenizer, visible)


def test_pieces_carry_the_ids_and_join_back_into_the_text(builtin_session):
    tokenizer = builtin_session.tokenizer
    text = "How many r's in strawberry?\n\tx 草莓 🙂"
    split = split_text(tokenizer, text, name="SmolLM2")
    assert [p.token_id for p in split.pieces] == tokenizer(text, add_special_tokens=False)["input_ids"]
    assert "".join(p.text for p in split.pieces) == text
    assert split.count == count_tokens(tokenizer, text) and split.chars == len(text)
    shown = [p.shown for p in split.pieces]
    assert "·strawberry" in shown and "↵" in shown and "⇥" in shown
    cut = [p for p in split.pieces if p.partial]  # 草 is 3 byte tokens: each shows its bytes in hex
    assert [p.shown for p in cut][:3] == ["·‹e8›", "‹8d›", "‹89›"] and cut[2].text == "草"
    assert split.summary().startswith(f"{split.count} tokens · {len(text)} characters")


def test_the_conversation_split_is_the_templated_prompt_with_its_control_tokens(builtin_session):
    tokenizer = builtin_session.tokenizer
    messages = [Message("user", "Hi"), Message("assistant", "Hello!")]
    split = conversation_split(tokenizer, messages, system_prompt="Be brief.")
    text = conversation_as_text(tokenizer, messages, system_prompt="Be brief.")
    assert [p.token_id for p in split.pieces] == tokenizer(text, add_special_tokens=False)["input_ids"]
    specials = [p.shown for p in split.pieces if p.special]
    assert specials == ["<|im_start|>", "<|im_end|>"] * 3
    asking = conversation_split(tokenizer, messages[:1])  # ends with yours: the generation prompt follows
    assert [p.shown for p in asking.pieces][-4:] == ["<|im_start|>", "ass", "istant", "↵"]
    assert "SmolLM" in "".join(p.text for p in asking.pieces)  # the template's default system prompt
    assert conversation_split(tokenizer, []).count == 0


def test_char_and_bpe_tokenizers_of_the_corpus_show_why_spelling_and_chinese_differ():
    char = split_with_corpus_tokenizer("char", "strawberry 草莓")
    assert [p.shown for p in char.pieces][:11] == list("strawberry") + ["·"]
    assert [p.unknown for p in char.pieces][-2:] == [True, True]  # never seen in the corpus: <unk>
    bpe = split_with_corpus_tokenizer("bpe", "strawberry 草莓")
    assert bpe.vocab_size == BPE_VOCAB_SIZE and corpus_tokenizer("bpe") is corpus_tokenizer("bpe")  # built once
    assert sum(p.partial for p in bpe.pieces) == 6  # 3 bytes per Chinese character, one token each
    assert "".join(p.text for p in bpe.pieces) == "strawberry 草莓"


def test_visible_whitespace():
    assert visible(" a\n\tb") == "·a↵⇥b"
