"""Bad input, generated (Hypothesis): whatever a saved chat, a training config or a run folder holds, the
app's readers answer with their own error (a message for the user) or a value, never a crash.

The strategies start from a valid document and damage it: a leaf replaced by any JSON value (huge
integers, 1e400, NaN, deep nesting, wrong types), keys dropped, text cut anywhere."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.core.generation.conversation import ConversationFileError, open_conversation, parse_conversation
from playground.core.training.config import ConfigError, TrainConfig, load_train_config

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NASTY_NUMBERS = st.sampled_from([10**400, -(10**400), 2**63, -(2**63) - 1, 1e308, -0.0, math.inf, -math.inf,
                                 math.nan, 0, -1, 1, 2**31, 0.5, 1e-320])
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), NASTY_NUMBERS,
                        st.text(max_size=30))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                st.dictionaries(st.text(max_size=8), inner,
                                                                                max_size=4)), max_leaves=12)

CONVERSATION = {
    "format": "llm-playground-conversation", "version": 1, "mode": "chat", "system_prompt": "Be brief.",
    "model": {"name": "SmolLM2", "id": "smollm2-135m-instruct@0123456789abcdef"},
    "settings": {"temperature": 0.7, "top_k": 50, "top_p": 0.95, "repetition_penalty": 1.0,
                 "max_new_tokens": 64, "seed": None},
    "messages": [{"role": "user", "content": "Capital of France?"},
                 {"role": "assistant", "content": " Paris", "model": "smollm2-135m-instruct@0123456789abcdef",
                  "tokens": [[42, " Paris", 0.9, 0.8, [[42, " Paris", 0.9], [7, " Lyon", 0.05]]]],
                  "settings": {"temperature": 0.0}, "engine": "Exact (PyTorch)", "note": "1 tokens"}],
}
CONFIG = {"name": "fuzz", "model": {"n_layer": 2, "n_head": 2, "n_embd": 32, "context_length": 32},
          "data": {"source": "builtin", "tokenizer": "char"}, "max_steps": 10, "batch_size": 8,
          "optim": {"optimizer": "adamw", "lr": 3e-3}, "seed": 1}


def _paths(value, prefix=()):
    """Every place in a JSON document: (path to it, is a container)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, prefix + (i,))


def _damaged(document):
    places = list(_paths(document))

    @st.composite
    def damage(draw):
        doc = json.loads(json.dumps(document))
        for _ in range(draw(st.integers(1, 3))):
            path = draw(st.sampled_from(places))
            if not path:
                continue
            parent = doc
            try:
                for key in path[:-1]:
                    parent = parent[key]
                if draw(st.booleans()) and isinstance(parent, dict):
                    parent.pop(path[-1], None)
                else:
                    parent[path[-1]] = draw(JSON_VALUES)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier damage removed that place
        return doc

    return damage()


def _as_text(doc) -> str:
    try:
        return json.dumps(doc)
    except (ValueError, OverflowError):
        return "{}"


@FUZZ
@given(_damaged(CONVERSATION))
def test_a_damaged_conversation_file_opens_or_says_why(doc):
    try:
        saved = parse_conversation(_as_text(doc))
    except ConversationFileError as exc:
        assert str(exc)
        return
    for message in saved.messages:  # what opens is what the chat can show
        assert isinstance(message.content, str)
        for token in message.tokens:
            assert 0 <= token.token_id and 0.0 <= token.prob <= 1.0 and 0.0 <= token.raw_prob <= 1.0


@FUZZ
@given(st.text(max_size=300), st.integers(0, 600))
def test_a_conversation_file_cut_or_garbled_anywhere_says_why(junk, cut):
    text = json.dumps(CONVERSATION)
    for variant in (text[:cut], text[:cut] + junk, junk):
        try:
            parse_conversation(variant)
        except ConversationFileError:
            pass


BAD = Path(__file__).parents[1] / "data" / "bad"


@pytest.mark.parametrize("path", sorted((BAD / "chats").iterdir()), ids=lambda p: p.name)
def test_crafted_conversation_files_are_refused_with_a_reason(path):
    """tests/data/bad/chats: `1e400` ids, 400-digit probabilities, 5,000-digit integers, deep nesting, a
    string version, NaN, wrong fields… each opens to a message saying why, changing nothing."""
    with pytest.raises(ConversationFileError, match=f"Could not open {path.name}: .+ Nothing was changed."):
        open_conversation(path)


@FUZZ
@given(_damaged(CONFIG))
def test_a_damaged_training_config_is_a_config_error_naming_the_field(doc):
    try:
        TrainConfig.from_dict(doc)
    except ConfigError as exc:
        assert str(exc)


@pytest.mark.parametrize("path", sorted((BAD / "configs").iterdir()), ids=lambda p: p.name)
def test_crafted_training_config_files_are_config_errors(path):
    """tests/data/bad/configs: deep nesting, 5,000-digit integers, 400-digit floats, not UTF-8, NaN, wrong
    types and values… each a ConfigError naming the field or the file."""
    with pytest.raises(ConfigError) as refused:
        load_train_config(path)
    assert str(refused.value) and "Traceback" not in str(refused.value)
