"""Streaming a reply into the Chat tab: start it on `ReplyStreamer` with a `PromptRequest` (the worker
templates and tokenizes the conversation, never the GUI thread), show tokens as they arrive, keep the
partial reply on stop or failure.

`ReplyController` owns the streamer and the reply in progress; it changes the conversation it is given
and the chat view, stats label and context meter it is given, nothing else of the tab. Only GUI-thread
signals (from `ReplyStreamer`) reach its slots.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressBar

from playground.ui.chat.engines import engine_label
from playground.ui.i18n import translate
from playground.workers.chat import ReplyStreamer

# While a reply streams, its tokens are shown as they come but the stats line and the context meter at most
# this often: each update re-lays out the tab (the word-wrapped stats) and repaints the meter at once
# (QProgressBar.setValue), ~2 ms of the GUI thread per token that the model's threads lose on 2 cores.
STATS_INTERVAL_S = 0.25


@dataclass(frozen=True)
class ReplyFinished:
    index: int  # of the reply in `messages` (-1: nothing was generated)
    message: Any  # conversation.Message, or None
    result: Any  # generation.GenerationResult, or None when it failed
    error: str = ""


@dataclass(frozen=True)
class ReplyRejected:
    """The prompt could not be built (e.g. the message does not fit): nothing ran, the conversation is back
    as it was."""

    message: str  # why, and what to do


@dataclass
class LiveReply:
    index: int  # where the reply goes in `messages`
    prompt: Any  # conversation.Prompt
    settings: Any
    engine: str
    model_key: str
    steps: list
    context_length: int = 0
    base: Any = None  # a branch: the reply (conversation.Message) it forks, and at which token
    fork: int = 0


@dataclass(frozen=True)
class SampledReply:
    """Where the tokens of one reply came from (streaming or done), to inspect them."""

    steps: tuple  # TokenStep
    prompt_ids: tuple[int, ...] | None  # None: a reply opened from a file (its prompt is not saved)
    model_key: str
    engine: str


@dataclass(frozen=True)
class _Request:
    """A reply asked for whose prompt the worker is still building."""

    before: tuple  # the messages before it was asked for, restored if the prompt is rejected
    mode: str
    context_length: int
    settings: Any
    engine: str
    model_key: str
    fork: tuple | None = None  # a branch: (index of the reply, the reply, token index it forks at)


def ties_note(steps) -> str:
    """" · 2 near-ties (dotted)" for a reply whose greedy picks were close calls; "" if none."""
    from playground.core.generation.ties import near_tie

    count = sum(near_tie(step) is not None for step in steps)
    if not count:
        return ""
    return (translate("ReplyController", " · {count} near-tie (dotted)") if count == 1 else
            translate("ReplyController", " · {count} near-ties (dotted)")).format(count=count)


def stop_note(result, context_length: int) -> str:
    """Why a reply ended, for its stats line ("" when the model ended it)."""
    used = result.prompt_tokens + len(result.token_ids)
    if result.stop_reason == "context":
        return translate("ReplyController", " · context full ({count} tokens)").format(count=context_length)
    slid = translate("ReplyController", " · slid past the {count}-token context").format(count=context_length) \
        if context_length and used > context_length else ""
    reasons = {"eos": "", "length": translate("ReplyController", " · reached max tokens"),
               "stopped": translate("ReplyController", " · stopped")}
    return slid + reasons[result.stop_reason]


class ReplyController(QObject):
    reply_finished = Signal(object)  # ReplyFinished
    rejected = Signal(object)  # ReplyRejected

    def __init__(self, conversation, view, stats: QLabel, meter: QProgressBar, parent: QObject) -> None:
        super().__init__(parent)
        self.conversation, self.view, self.stats, self.meter = conversation, view, stats, meter
        self._stats_shown_at = float("-inf")  # when the live stats were last shown (time.monotonic)
        self.streamer = ReplyStreamer(self)
        self.live: LiveReply | None = None
        self._request: _Request | None = None
        self.streamer.prompt_built.connect(self._on_streamer_prompt_built)
        self.streamer.rejected.connect(self._on_streamer_rejected)
        self.streamer.tokens_arrived.connect(self._on_streamer_tokens_arrived)
        self.streamer.finished.connect(self._on_streamer_finished)
        self.streamer.failed.connect(self._on_streamer_failed)
        self.streamer.cancelled.connect(self._on_streamer_failed)  # as before: the reply so far is kept

    def is_running(self) -> bool:
        return self.streamer.is_running()

    def start(self, session, request, settings, engine, *, sliding_window: bool = False) -> None:
        """Show `request.messages` as the conversation and answer them (conversation.PromptRequest);
        `sliding_window`: past a full context, go on from its last tokens."""
        engine_name = getattr(engine, "name", "?")
        self._request = _Request(tuple(self.conversation.messages), request.mode, request.context_length,
                                 settings, engine_name, session.identity())
        self._show(list(request.messages), request.mode)
        self.streamer.start(session, request, settings, engine, sliding_window=sliding_window)
        self.stats.setText(translate("ReplyController", "Waiting for the first token… · {engine_name}").format(engine_name=engine_name))

    def start_fork(self, session, prompt, settings, engine, *, index: int, fork: int, token_id: int, mode: str,
                   sliding_window: bool = False) -> None:
        """Branch reply `index` at its token `fork`: `token_id` there, then go on sampling; the prefix is
        the engine's KV cache already. `prompt`: the ids the reply answered, or a PromptRequest for them."""
        base = self.conversation.messages[index]
        engine_name = getattr(engine, "name", "?")
        self._request = _Request(tuple(self.conversation.messages), mode, session.context_length, settings,
                                 engine_name, session.identity(), fork=(index, base, fork))
        self.streamer.start(session, prompt, settings, engine, sliding_window=sliding_window,
                            reply_start=[step.token_id for step in base.tokens[:fork]], force_first=token_id)
        self.stats.setText(translate("ReplyController", "Branching from token {n0}… · {engine_name}").format(n0=fork + 1, engine_name=engine_name))

    def stop(self) -> None:
        self.streamer.stop()

    def shutdown(self) -> None:
        self.streamer.shutdown()

    def reply_at(self, index: int) -> SampledReply | None:
        """Reply `index` of the conversation, or the one streaming into that place; None if out of range."""
        live = self.live
        if live is not None and live.index == index:
            return SampledReply(tuple(live.steps), tuple(live.prompt.ids), live.model_key, live.engine)
        if not 0 <= index < len(self.conversation.messages):
            return None
        m = self.conversation.messages[index]
        return SampledReply(m.tokens, m.prompt_ids, m.model_key, m.engine)

    def set_context_used(self, used: int) -> None:
        self.meter.setValue(min(used, self.meter.maximum()))

    def show_prompt_size(self, session, request) -> None:
        """Set the meter to the tokens `request` (conversation.PromptRequest) takes as a prompt; 0 with no
        model or no turns. Builds the prompt here, so only for one-off changes, never per reply."""
        from playground.core.errors import PlaygroundError

        used = 0
        if session is not None and any(m.role in ("user", "assistant") for m in request.messages):
            try:
                used = len(request.build(session.tokenizer).ids)
            except PlaygroundError:
                used = 0
        self.set_context_used(used)

    def _show(self, messages: list, mode: str) -> None:
        """Make `messages` the conversation and show them (only the new ones, when they extend it)."""
        old = self.conversation.messages
        appended = len(messages) > len(old) and all(a is b for a, b in zip(messages, old))
        self.conversation.replace(messages)
        if appended:
            for index in range(len(old), len(messages)):
                self.view.add_message(index, messages[index])
        else:
            self.view.render(messages, mode)

    # ------------------------------------------------------------------ the worker's progress
    @Slot(object)
    def _on_streamer_prompt_built(self, prompt) -> None:
        request, self._request = self._request, None
        if request is None:
            return
        if request.fork is not None:
            self._begin_fork(prompt, request)
            return
        notice = self.conversation.note_prompt(prompt, request.context_length)  # old turns left out?
        if notice is not None:
            self.view.add_message(len(self.conversation.messages) - 1, notice)
        self.meter.setFormat(translate("ReplyController", "context %v / %m tokens") + (translate("ReplyController", " · oldest left out") if self.conversation.dropped else ""))
        self.live = LiveReply(len(self.conversation.messages), prompt, request.settings, request.engine,
                              request.model_key, [], request.context_length)
        self.view.begin_reply(self.live.index)
        self.set_context_used(len(prompt.ids))
        self._stats_shown_at = float("-inf")  # the first tokens show the stats at once

    def _begin_fork(self, prompt, request: _Request) -> None:
        """The reply being branched leaves the conversation while its branch streams (the prefix shown at
        once); it comes back with the branch added, or as it was if nothing new came."""
        index, base, fork = request.fork
        self.conversation.replace(self.conversation.messages[:index])
        self.view.render(self.conversation.messages, request.mode)
        self.live = LiveReply(index, prompt, request.settings, request.engine, request.model_key,
                              list(base.tokens[:fork]), request.context_length, base, fork)
        self.view.begin_reply(index, marks={fork: translate("ReplyController", "⑂ This branch parts here from the reply it was forked from.")})
        self.view.append_reply(tuple(base.tokens[:fork]))
        self.set_context_used(len(prompt.ids) + fork)
        self._stats_shown_at = float("-inf")

    @Slot(str)
    def _on_streamer_rejected(self, message: str) -> None:
        request, self._request = self._request, None
        if request is not None:
            self.conversation.replace(request.before)
            self.view.render(self.conversation.messages, request.mode)
        self.rejected.emit(ReplyRejected(message))

    @Slot(object)
    def _on_streamer_tokens_arrived(self, steps) -> None:
        live = self.live
        if live is None:
            return
        live.steps.extend(steps)
        self.view.append_reply(steps)
        now = time.monotonic()
        if now - self._stats_shown_at < STATS_INTERVAL_S:  # the tokens stream on; the figures at ~4 Hz
            return
        self._stats_shown_at = now
        first, last = live.steps[0], live.steps[-1]
        rate = (len(live.steps) - 1) / (last.elapsed - first.elapsed) if last.elapsed > first.elapsed else 0.0
        self.stats.setText(translate("ReplyController", "Generating… {steps} tokens · {rate:.1f} tokens/s · first token {elapsed:.2f} s · {engine}").format(steps=len(live.steps), rate=rate, elapsed=first.elapsed, engine=engine_label(live.engine)))
        self.set_context_used(len(live.prompt.ids) + len(live.steps))

    def _finish_live(self, text: str, note: str):
        from playground.core.generation.branches import add_branch
        from playground.core.generation.conversation import Message

        live, self.live = self.live, None
        message = Message("assistant", text, tuple(live.steps), tuple(live.prompt.ids), live.settings,
                          live.model_key, live.engine, note)
        if live.base is not None:  # a branch: added to the reply it forks, unless nothing new came
            message = add_branch(live.base, message, live.fork) if len(live.steps) > live.fork else live.base
        self.conversation.messages.append(message)
        self.view.finish_reply(message, redraw=live.base is not None)
        return live.index, message

    @Slot(object)
    def _on_streamer_finished(self, result) -> None:
        if self.live is None:
            return
        branched = translate("ReplyController", " · branched at token {number}").format(number=self.live.fork + 1) \
            if self.live.base is not None else ""
        stats = translate("ReplyController", "{count} tokens · {rate:.1f} tokens/s · first token {first:.2f} s · "
                          "{engine}{stop}{branched}").format(
            count=len(result.token_ids), rate=result.tokens_per_second, first=result.time_to_first_token,
            engine=engine_label(self.live.engine), stop=stop_note(result, self.live.context_length), branched=branched)
        hint = translate("ReplyController", ": tick “Slide past a full context” to go on") \
            if result.stop_reason == "context" else ""
        ties = ties_note(self.live.steps)
        index, message = self._finish_live(result.text, stats + hint + ties)
        self.stats.setText(stats + ties)
        self.set_context_used(result.prompt_tokens + len(result.token_ids))
        self.reply_finished.emit(ReplyFinished(index, message, result))

    def _on_streamer_failed(self, failure) -> None:  # core.errors.Failure (failed or cancelled)
        from playground.core.generation.conversation import Message

        error = failure.message
        mode = self._request.mode if self._request is not None else self.view.mode
        self._request = None
        index, message = -1, None
        if self.live is not None and (self.live.steps or self.live.base is not None):
            text = "".join(step.text for step in self.live.steps)
            index, message = self._finish_live(text, translate("ReplyController", "{count} tokens · interrupted").format(
                count=len(self.live.steps)))
        self.live = None
        self.conversation.messages.append(Message("error", translate(
            "ReplyController", "The reply failed: {error} The conversation is kept; try again, or change the model, "
            "device or settings.").format(error=error)))
        self.view.render(self.conversation.messages, mode)
        self.stats.setText(translate("ReplyController", "The last reply failed."))
        self.reply_finished.emit(ReplyFinished(index, message, None, error))
