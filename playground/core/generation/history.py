"""The conversation the Chat tab owns: its messages in order, and whether old turns are being left out;
the Message and Prompt records.

Apart from `conversation` (which imports torch) so the tab can own one before the model libraries load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from playground.core.generation.sampling import SamplingSettings
    from playground.core.generation.stream import TokenStep

PROMPT_ROLES = ("user", "assistant")  # the roles a prompt is built from and a file holds


@dataclass(frozen=True)
class Message:
    role: str  # "user" | "assistant" | "notice" | "error"
    content: str
    tokens: tuple[TokenStep, ...] = ()  # a reply's tokens, each with the probability it had when sampled
    prompt_ids: tuple[int, ...] | None = None  # the exact prompt a reply answered (kept in memory only)
    settings: SamplingSettings | None = None  # the settings a reply was sampled with
    model_key: str = ""  # the model that wrote a reply: ModelSession.identity() (a source key in older files)
    engine: str = ""  # the engine that ran it, e.g. "Exact (PyTorch)"
    note: str = ""  # a reply's stats line, e.g. "24 tokens · 21.3 tokens/s · Exact (PyTorch)"
    # A reply's versions (branches.Branch), the shown one included, when it has more than one; the fields
    # above are always those of the one shown, `branch`. See core/generation/branches.py.
    branches: tuple = ()
    branch: int = 0


@dataclass(frozen=True)
class Prompt:
    ids: tuple[int, ...]
    first_message: int  # index of the first message the prompt includes
    dropped_messages: int  # messages left out at the start so the prompt fits the context
    dropped_tokens: int = 0  # completion mode: tokens cut from the start of the running text



class Conversation:
    """The messages of one chat, in order. The Chat tab owns one and hands it to the helpers that change it
    (replies, opening a file); `note_prompt` says, once, when old turns start to be left out."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.dropped = 0  # messages (chat) or tokens (completion) the last prompt left out

    def replace(self, messages: Sequence[Message]) -> None:
        """The same chat with other turns (an edit, a regenerate, the next message)."""
        self.messages = list(messages)

    def clear(self) -> None:
        self.messages, self.dropped = [], 0

    def last_user_index(self) -> int | None:
        return max((i for i, m in enumerate(self.messages) if m.role == "user"), default=None)

    def has_turns(self) -> bool:
        return any(m.role in PROMPT_ROLES for m in self.messages)

    def note_prompt(self, prompt: Prompt, context_length: int) -> Message | None:
        """Record what `prompt` left out; the first time it leaves something out, append (and return) a
        notice saying so."""
        dropped = prompt.dropped_messages or prompt.dropped_tokens
        notice = None
        if dropped and not self.dropped:
            what = (f"the oldest {prompt.dropped_messages} messages are" if prompt.dropped_messages
                    else f"the first {prompt.dropped_tokens} tokens of the text are")
            notice = Message("notice", f"The conversation no longer fits the model's context ({context_length} "
                                       f"tokens): {what} left out of the prompt. The system prompt stays.")
            self.messages.append(notice)
        self.dropped = dropped
        return notice
