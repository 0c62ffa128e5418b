"""Guess the next token: a Chat mode for an audience. The reply pauses before each token; the presenter
asks the room, then reveals it (Space on `guessRevealButton`, PageDown in presenter mode): the token appears
with the distribution it was sampled from, and the next press hides the chart while the next one waits.

The reply's worker waits on a `threading.Event` (`ReplyStreamer.gate`) on its own thread; the GUI thread
only sets it. Each token arrives with its top-20 (TokenStep.logprobs), which the chart draws: no extra
forward pass, so nothing waits for the model the paused reply is holding.
"""

from __future__ import annotations

import html
import math
import threading

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.ui.i18n import translate

IDLE, GUESSING, REVEALING, REVEALED = "idle", "guessing", "revealing", "revealed"


def distribution_from_step(step, settings, vocab_size: int):
    """A `DistributionView` of the top-20 a guessed token carries (raw softmax and the distribution it was
    picked from; tokens outside the picked top-20 count as 0, as the chart's "cut")."""
    from playground.core.generation.inspection import DistributionRow, DistributionView

    picked = {token_id: math.exp(lp) for token_id, _text, lp in step.logprobs.top}
    if settings.temperature == 0:  # greedy: the logprobs are the softmax it was the argmax of; picked is one-hot
        picked = {step.token_id: 1.0}
    rows = [(token_id, text, math.exp(lp)) for token_id, text, lp in step.logprobs.raw_top]
    if step.token_id not in {r[0] for r in rows}:
        rows[-1:] = [(step.token_id, next((t for i, t, _ in step.logprobs.top if i == step.token_id), step.text),
                      step.raw_prob)]
    rows.sort(key=lambda r: -r[2])
    view_rows = tuple(DistributionRow(i, text, raw, picked.get(i, 0.0), i == step.token_id) for i, text, raw in rows)
    return DistributionView(view_rows, step.token_id, step.raw_prob, step.prob, len(picked), vocab_size, settings)


class GuessMode(QObject):
    """`guessModeToggle`, `guessRevealButton` and `guessPromptLabel`, above the Chat tab's chart."""

    state_changed = Signal(str)  # idle | guessing | revealing | revealed

    def __init__(self, tab, parent: QObject | None = None) -> None:
        super().__init__(parent or tab)
        self.tab = tab
        self.state = IDLE
        self.revealed = 0  # tokens revealed in the current reply
        self.toggle = QCheckBox(translate("GuessMode", "Guess the next token"), objectName="guessModeToggle")
        self.toggle.setToolTip(translate("GuessMode", "For an audience: the reply pauses before every token; press Space "
                                       "(PageDown in presenter mode) to reveal it with its distribution"))
        self.reveal_button = QPushButton(translate("GuessMode", "Reveal"), objectName="guessRevealButton")
        self.reveal_button.setToolTip(translate("GuessMode", "Reveal the token (Space when focused); press again for the next"))
        self.prompt_label = QLabel("", objectName="guessPromptLabel", wordWrap=True)
        self.prompt_label.setAlignment(Qt.AlignCenter)
        self.bar = QWidget(objectName="guessBar")
        column = QVBoxLayout(self.bar)
        column.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.toggle)
        top.addStretch(1)
        top.addWidget(self.reveal_button)
        column.addLayout(top)
        column.addWidget(self.prompt_label)
        tab.chart.parentWidget().layout().insertWidget(0, self.bar)
        self.reveal_button.hide()
        self.prompt_label.hide()
        self.toggle.toggled.connect(self._on_toggle_toggled)
        self.reveal_button.clicked.connect(self.step)
        tab.streamer.running_changed.connect(self._on_streamer_running_changed)
        tab.streamer.tokens_arrived.connect(self._on_streamer_tokens_arrived)

    # ------------------------------------------------------------------ public
    def is_on(self) -> bool:
        return self.toggle.isChecked()

    def active(self) -> bool:
        """A guessed reply is running (a key press steps it)."""
        return self.state != IDLE

    def set_on(self, on: bool) -> None:
        self.toggle.setChecked(on)

    @Slot()
    def step(self) -> bool:
        """Reveal the waiting token, or (once it is shown) hide the chart while the next one waits."""
        if self.state == GUESSING:
            self._set_state(REVEALING)
            self.tab.streamer.gate.set()  # the worker emits the token it holds
            return True
        if self.state == REVEALED:
            self._set_state(GUESSING)
            return True
        return False

    # ------------------------------------------------------------------ reacting
    @Slot(bool)
    def _on_toggle_toggled(self, on: bool) -> None:
        if self.tab.is_generating():  # takes effect with the next reply
            self.toggle.blockSignals(True)
            self.toggle.setChecked(not on)
            self.toggle.blockSignals(False)
            self.tab.show_notice(translate("GuessMode", "Stop the reply first, then switch guess mode."), error=True)
            return
        self.tab.streamer.gate = threading.Event() if on else None

    @Slot(bool)
    def _on_streamer_running_changed(self, running: bool) -> None:
        if running and self.tab.streamer.gate is not None:
            self.revealed = 0
            self._set_state(GUESSING)
            self.reveal_button.setFocus()  # Space reveals
        elif not running and self.state != IDLE:
            self._set_state(IDLE)

    @Slot(object)
    def _on_streamer_tokens_arrived(self, steps) -> None:
        if self.state not in (REVEALING, GUESSING) or not steps or steps[-1].logprobs is None:
            return
        session = self.tab.controller.session
        step = steps[-1]
        vocab = len(session.tokenizer) if session is not None else 0
        view = distribution_from_step(step, self.tab.sampling.settings(), vocab)
        self.revealed += 1
        chart = self.tab.chart
        chart.show_view(view, translate("GuessMode", "Token %1").replace("%1", str(self.revealed)))
        chart.caption.setText(translate("GuessMode", "<b>Token %1</b>: %2 (%3)").replace("%1", str(self.revealed))
                              .replace("%2", html.escape(step.text)).replace("%3", f"{step.prob:.1%}"))
        self._set_state(REVEALED)

    def _set_state(self, state: str) -> None:
        self.state = state
        guessing = state in (GUESSING, REVEALING)
        self.reveal_button.setVisible(state != IDLE)
        self.reveal_button.setText(translate("GuessMode", "Reveal") if guessing else translate("GuessMode", "Next token"))
        self.prompt_label.setVisible(state != IDLE)
        self.prompt_label.setText(translate("GuessMode", "Guess the next token…") if guessing
                                  else translate("GuessMode", "Press again for the next token"))
        font = self.prompt_label.font()
        font.setPointSizeF(self.tab.font().pointSizeF() * 1.4)
        font.setBold(True)
        self.prompt_label.setFont(font)
        self.tab.chart.setVisible(not guessing)
        self.state_changed.emit(state)
