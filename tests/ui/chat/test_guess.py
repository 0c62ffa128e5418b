"""Guess the next token: the reply waits before each token, the chart stays hidden until revealed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton

from playground.ui.chat import guess as guess_mode

PROMPT = "The capital of France is"


def _greedy(chat, tokens: int) -> None:
    chat.sampling.temperature.setValue(0.0)
    chat.sampling.max_tokens.setValue(tokens)


def test_guess_mode_waits_reveals_and_replays_the_same_reply(qtbot, loaded_window):
    window = loaded_window
    window.show_tab("chatTab")
    chat = window.chat_tab
    _greedy(chat, 3)
    with qtbot.waitSignal(chat.reply_finished, timeout=120_000):
        chat.send(PROMPT)
    qtbot.waitUntil(lambda: not chat.is_generating(), timeout=10_000)
    plain = chat.messages[-1].content
    chat.clear_conversation()

    toggle = chat.findChild(QCheckBox, "guessModeToggle")
    reveal = chat.findChild(QPushButton, "guessRevealButton")
    prompt = chat.findChild(QLabel, "guessPromptLabel")
    qtbot.mouseClick(toggle, Qt.LeftButton)
    assert toggle.isChecked() and chat.streamer.gate is not None
    guess = chat.guess
    assert chat.send(PROMPT)
    qtbot.waitUntil(lambda: guess.state == guess_mode.GUESSING, timeout=10_000)
    assert reveal.isVisible() and prompt.isVisible() and not chat.chart.isVisible()
    qtbot.wait(300)  # the worker holds the first token: nothing reaches the chat until it is revealed
    assert guess.revealed == 0 and chat.is_generating()

    revealed_texts = []
    while chat.is_generating():
        if guess.state == guess_mode.GUESSING:
            qtbot.mouseClick(reveal, Qt.LeftButton)
            qtbot.waitUntil(lambda: guess.state in (guess_mode.REVEALED, guess_mode.IDLE), timeout=60_000)
            if guess.state == guess_mode.REVEALED:
                assert chat.chart.isVisible()
                rows = chat.chart.values()
                sampled = [text for text, _raw, final, is_sampled in rows if is_sampled]
                assert len(sampled) == 1 and rows[0][3]  # greedy: the likeliest token is the one sampled
                assert abs(sum(final for *_x, final, _s in rows) - 1.0) < 1e-3  # temperature 0: one-hot
                revealed_texts.append(sampled[0])
                count = guess.revealed
                qtbot.keyClick(reveal, Qt.Key_Space)  # the next token waits, the chart hides
                assert guess.state == guess_mode.GUESSING and not chat.chart.isVisible()
                assert guess.revealed == count
        else:
            qtbot.wait(20)
    qtbot.waitUntil(lambda: guess.state == guess_mode.IDLE, timeout=10_000)
    assert not reveal.isVisible() and chat.chart.isVisible()
    assert chat.messages[-1].content == plain  # the same reply, token for token
    assert 1 <= len(revealed_texts) <= 3


def test_stop_ends_a_paused_guess_reply(qtbot, loaded_window):
    chat = loaded_window.chat_tab
    _greedy(chat, 5)
    chat.guess.set_on(True)
    assert chat.send(PROMPT)
    qtbot.waitUntil(lambda: chat.guess.state == guess_mode.GUESSING, timeout=10_000)
    chat.stop()
    qtbot.waitUntil(lambda: not chat.is_generating(), timeout=30_000)
    assert chat.guess.state == guess_mode.IDLE
    chat.guess.set_on(False)
    assert chat.streamer.gate is None


def test_page_down_reveals_in_presenter_mode(qtbot, loaded_window):
    window = loaded_window
    chat = window.chat_tab
    _greedy(chat, 2)
    chat.guess.set_on(True)
    window.presenter.set_active(True)
    try:
        window.show_tab("chatTab")
        assert chat.send(PROMPT)
        qtbot.waitUntil(lambda: chat.guess.state == guess_mode.GUESSING, timeout=10_000)
        qtbot.keyClick(window, Qt.Key_PageDown)
        qtbot.waitUntil(lambda: chat.guess.state in (guess_mode.REVEALED, guess_mode.IDLE), timeout=60_000)
        assert chat.guess.revealed == 1 and window.presenter.index == -1  # the guess stepped, not the scenes
        chat.stop()
        qtbot.waitUntil(lambda: not chat.is_generating(), timeout=30_000)
    finally:
        window.presenter.set_active(False)
