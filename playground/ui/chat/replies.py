"""Streaming a reply into the Chat tab: build the prompt, run it on `ReplyStreamer`, show tokens as they
arrive, keep the partial reply on stop or failure. A mixin of `ChatTab`.

Only GUI-thread signals (from `ReplyStreamer`) reach these methods. Cross-thread signals must land in
a QObject's *own* slots: in PySide6 6.12, once a class gains a dynamic slot, slots inherited from a
plain mixin run in the emitting thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReplyFinished:
    index: int  # of the reply in `messages` (-1: nothing was generated)
    message: Any  # conversation.Message, or None
    result: Any  # generation.GenerationResult, or None when it failed
    error: str = ""


@dataclass
class _LiveReply:
    index: int
    prompt: Any  # conversation.Prompt
    settings: Any
    engine: str
    model_key: str
    steps: list


class ChatRepliesMixin:
    """Needs ChatTab's view, stats, context_meter, sampling, streamer, controller and messages."""

    def _start_reply(self, messages: list) -> bool:
        from playground.core.generation.conversation import build_prompt, reply_room
        from playground.core.types import PlaygroundError

        session = self.controller.session
        if session is None:
            self.show_notice("No model is loaded yet. Pick one in the Model list at the top.", error=True)
            return False
        settings = self.sampling.settings()
        self.show_notice("")  # before the engine is made: it may leave a notice (a fallback to PyTorch)
        try:
            prompt = build_prompt(session.tokenizer, messages, system_prompt=self.system_prompt(),
                                  mode=self.mode(), context_length=session.context_length,
                                  reserve=reply_room(settings, session.context_length))
            engine = self._make_engine()
        except PlaygroundError as exc:
            self.show_notice(str(exc), error=True)
            return False
        self._show_messages(messages, prompt, session.context_length)
        self._live = _LiveReply(len(self.messages), prompt, settings, getattr(engine, "name", "?"),
                                session.source.key, [])
        self.view.begin_reply(self._live.index)
        self.streamer.start(session, prompt.ids, settings, engine)
        self.stats.setText(f"Waiting for the first token… · {self._live.engine}")
        self._set_context_used(len(prompt.ids))
        return True

    def _show_messages(self, messages: list, prompt, context_length: int) -> None:
        """Make `messages` the conversation (+ a notice when old turns no longer fit) and show them."""
        from playground.core.generation.conversation import Message

        appended = len(messages) > len(self.messages) and all(a is b for a, b in zip(messages, self.messages))
        old_count = len(self.messages)
        self.messages = messages
        dropped = prompt.dropped_messages or prompt.dropped_tokens
        if dropped and not self._notified_drop:  # say it once, when it starts
            what = (f"the oldest {prompt.dropped_messages} messages are" if prompt.dropped_messages
                    else f"the first {prompt.dropped_tokens} tokens of the text are")
            self.messages.append(Message("notice", f"The conversation no longer fits the model's context "
                                                   f"({context_length} tokens): {what} left out of the "
                                                   "prompt. The system prompt stays."))
        self._notified_drop = dropped
        self.context_meter.setFormat("context %v / %m tokens" + (" · oldest left out" if dropped else ""))
        if appended:
            for index in range(old_count, len(self.messages)):
                self.view.add_message(index, self.messages[index])
        else:
            self.view.render(self.messages, self.mode())

    def _on_streamer_tokens_arrived(self, steps) -> None:
        live = self._live
        if live is None:
            return
        live.steps.extend(steps)
        self.view.append_reply(steps)
        first, last = live.steps[0], live.steps[-1]
        rate = (len(live.steps) - 1) / (last.elapsed - first.elapsed) if last.elapsed > first.elapsed else 0.0
        self.stats.setText(f"Generating… {len(live.steps)} tokens · {rate:.1f} tokens/s · first token "
                           f"{first.elapsed:.2f} s · {live.engine}")
        self._set_context_used(len(live.prompt.ids) + len(live.steps))

    def _finish_live(self, text: str, note: str):
        from playground.core.generation.conversation import Message

        live, self._live = self._live, None
        message = Message("assistant", text, tuple(live.steps), tuple(live.prompt.ids), live.settings,
                          live.model_key, live.engine, note)
        self.messages.append(message)
        self.view.finish_reply(message)
        return live.index, message

    def _on_streamer_finished(self, result) -> None:
        if self._live is None:
            return
        reason = {"eos": "", "length": " · reached max tokens", "stopped": " · stopped"}[result.stop_reason]
        stats = (f"{len(result.token_ids)} tokens · {result.tokens_per_second:.1f} tokens/s · first token "
                 f"{result.time_to_first_token:.2f} s · {self._live.engine}")
        index, message = self._finish_live(result.text, stats + reason)
        self.stats.setText(stats + reason)
        self._set_context_used(result.prompt_tokens + len(result.token_ids))
        self.reply_finished.emit(ReplyFinished(index, message, result))

    def _on_streamer_failed(self, failure) -> None:  # core.errors.Failure (failed or cancelled)
        from playground.core.generation.conversation import Message

        error = failure.message
        index, message = -1, None
        if self._live is not None and self._live.steps:
            text = "".join(step.text for step in self._live.steps)
            index, message = self._finish_live(text, f"{len(self._live.steps)} tokens · interrupted")
        self._live = None
        self.messages.append(Message("error", f"The reply failed: {error} The conversation is kept; "
                                              "try again, or change the model, device or settings."))
        self.view.render(self.messages, self.mode())
        self.stats.setText("The last reply failed.")
        self.reply_finished.emit(ReplyFinished(index, message, None, error))

    def _on_streamer_running_changed(self, running: bool) -> None:
        self._update_buttons()
        if not running and self.isVisible():
            self.input.setFocus()

    def _show_idle_stats(self) -> None:
        if not self.is_generating():
            self.stats.setText(f"Engine: {self.engine_combo.currentText()}")

    def _set_context_used(self, used: int) -> None:
        self.context_meter.setValue(min(used, self.context_meter.maximum()))

    def _update_context_meter(self) -> None:
        """Tokens the current conversation would take as a prompt (0 with no model)."""
        from playground.core.generation.conversation import build_prompt
        from playground.core.types import PlaygroundError

        session = self.controller.session
        used = 0
        if session is not None and any(m.role in ("user", "assistant") for m in self.messages):
            try:
                used = len(build_prompt(session.tokenizer, self.messages, system_prompt=self.system_prompt(),
                                        mode=self.mode(), context_length=session.context_length).ids)
            except PlaygroundError:
                used = 0
        self._set_context_used(used)
