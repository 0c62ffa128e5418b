"""The Chat tab's Tokens toggle and the input's live token count, on the real built-in model."""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QPlainTextEdit, QPushButton, QSpinBox

from playground.core.generation.conversation import completion_text, conversation_as_text

LONG = 300_000  # ms: the shared CPU can be very busy; no test asserts on timing


@pytest.fixture
def tab(loaded_window):
    return loaded_window.tab("chatTab")


def drawn_token_ids(view) -> list[int]:
    """The ids of the tokens drawn in the view, read back from each token's tooltip, in order."""
    ids, block = [], view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            tip = it.fragment().charFormat().toolTip()
            if tip.startswith("Token "):
                ids.append(int(re.search(r"id <b>(\d+)</b>", tip).group(1)))
            it += 1
        block = block.next()
    return ids


def test_tokens_toggle_shows_as_many_pieces_as_the_tokenizer_returns(qtbot, tab, builtin_session):
    tab.findChild(QDoubleSpinBox, "temperatureSpin").setValue(0.0)
    tab.findChild(QSpinBox, "maxTokensSpin").setValue(4)
    tab.ui.system_prompt_edit.setPlainText("Answer\tbriefly.")
    tab.findChild(QPlainTextEdit, "chatInput").setPlainText("How many r's are in strawberry?")
    with qtbot.waitSignal(tab.reply_finished, timeout=LONG):
        qtbot.mouseClick(tab.findChild(QPushButton, "sendButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=LONG)
    view, toggle = tab.view, tab.findChild(QPushButton, "chatTokensToggle")
    assert "Assistant" in view.toPlainText() and "<|im_start|>" not in view.toPlainText()

    qtbot.mouseClick(toggle, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.token_split is not None, timeout=LONG)
    tokenizer = builtin_session.tokenizer
    text = conversation_as_text(tokenizer, tab.messages, system_prompt=tab.system_prompt(), mode="chat")
    expected = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert drawn_token_ids(view) == expected  # one drawn piece per token, with its id
    shown = view.toPlainText()
    assert f"{len(expected):,} tokens" in shown
    assert "<|im_start|>system" in shown and "Answer⇥briefly." in shown  # the template, whitespace visible
    assert "·strawberry?<|im_end|>↵" in shown

    tab.ui.system_prompt_edit.setPlainText("")  # the template's own default system prompt appears
    qtbot.waitUntil(lambda: "SmolLM" in view.toPlainText(), timeout=LONG)
    text = conversation_as_text(tokenizer, tab.messages, mode="chat")
    assert drawn_token_ids(view) == tokenizer(text, add_special_tokens=False)["input_ids"]

    tab.ui.mode_combo.setCurrentText("completion")  # the running text, no template
    text = completion_text("", tab.messages)
    qtbot.waitUntil(lambda: "<|im_start|>" not in view.toPlainText(), timeout=LONG)
    assert drawn_token_ids(view) == tokenizer(text, add_special_tokens=False)["input_ids"]
    tab.ui.mode_combo.setCurrentText("chat")

    qtbot.mouseClick(toggle, Qt.LeftButton)  # back to the messages
    assert "<|im_start|>" not in view.toPlainText() and "Assistant" in view.toPlainText()


def test_input_shows_the_live_token_count_of_what_you_type(qtbot, tab, builtin_session):
    count = tab.findChild(QLabel, "chatInputTokenCount")
    box = tab.findChild(QPlainTextEdit, "chatInput")
    box.setFocus()
    qtbot.keyClicks(box, "strawberry")
    n = len(builtin_session.tokenizer("strawberry", add_special_tokens=False)["input_ids"])
    qtbot.waitUntil(lambda: count.text() == f"{n} tokens", timeout=LONG)
    box.setPlainText("草莓")  # Chinese: more tokens than characters
    n = len(builtin_session.tokenizer("草莓", add_special_tokens=False)["input_ids"])
    assert n > 2
    qtbot.waitUntil(lambda: count.text() == f"{n} tokens", timeout=LONG)


def test_a_streaming_reply_is_drawn_as_its_sampled_tokens_after_the_prompt(qtbot, tab, builtin_session):
    """While a reply streams, its tokens follow the prompt's in Tokens mode, each with the id it was sampled as."""
    from playground.core.inspect.tokenizer import conversation_split
    from playground.core.generation.history import Message

    view = tab.view
    messages = [Message("user", "Hi")]
    view.render(messages, "chat")
    view.show_tokens(True)
    split = conversation_split(builtin_session.tokenizer, messages)  # with the generation prompt
    view.set_token_split(split)
    reply = [step for step in _steps(builtin_session, "Hello there")]
    view.begin_reply(1)
    view.append_reply(reply[:1])
    view.append_reply(reply[1:])
    assert drawn_token_ids(view) == [p.token_id for p in split.pieces] + [s.token_id for s in reply]
    assert view.toPlainText().endswith("<|im_start|>assistant↵\nHello·there")
    view.set_token_split(split)  # a new split mid-reply keeps the reply's tokens after it
    assert drawn_token_ids(view)[-len(reply):] == [s.token_id for s in reply]


def _steps(session, text):
    from playground.core.generation.stream import TokenStep

    ids = session.tokenizer(text, add_special_tokens=False)["input_ids"]
    return [TokenStep(i, token_id, session.tokenizer.decode([token_id]), 0.5, 0.5, (), 0.0)
            for i, token_id in enumerate(ids)]
