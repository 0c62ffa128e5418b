"""A chat conversation: messages, prompt building (chat template or plain completion) that fits the
model's context, and saving (JSON, atomically) / opening (validated) / exporting (Markdown).

No Qt here; the Chat tab and scripts share it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from playground.core.generation.branches import (BranchesError, branches_from_json, branches_markdown,
                                                 branches_to_json)
from playground.core.generation.stream import TokenStep, encode_chat, encode_text
from playground.core.generation.history import PROMPT_ROLES, Message, Prompt
from playground.core.generation.sampling import SamplingSettings
from playground.core.errors import PlaygroundError

FILE_FORMAT = "llm-playground-conversation"
FILE_VERSION = 1
DISPLAY_ROLES = ("notice", "error")  # shown in the chat only
CHAT, COMPLETION = "chat", "completion"


class ConversationFileError(PlaygroundError):
    """A conversation file that cannot be opened; the message says why and what to do."""


@dataclass(frozen=True)
class PromptRequest:
    """What the next reply's prompt is built from. Cheap to make: the reply worker builds it (`build`), so
    the GUI thread never templates or tokenizes the conversation."""

    messages: tuple[Message, ...]
    system_prompt: str
    mode: str
    context_length: int
    reserve: int = 0  # tokens kept free for the reply (`reply_room`)

    def build(self, tokenizer) -> Prompt:
        return build_prompt(tokenizer, self.messages, system_prompt=self.system_prompt, mode=self.mode,
                            context_length=self.context_length, reserve=self.reserve)


@dataclass(frozen=True)
class PromptRejected:
    """A request that cannot become a prompt; `message` says why and what to do (as PlaygroundError)."""

    message: str


@dataclass(frozen=True)
class SavedConversation:
    messages: tuple[Message, ...]
    system_prompt: str
    mode: str
    settings: SamplingSettings
    model_name: str
    model_key: str  # the model's identity (ModelSession.identity); a source key in files from before


# ---------------------------------------------------------------- prompts
def reply_room(settings: SamplingSettings, context_length: int) -> int:
    """Tokens kept free for the reply: max_new_tokens, but never more than half the context."""
    return max(1, min(settings.max_new_tokens, context_length // 2))


def completion_text(system_prompt: str, messages: Sequence[Message]) -> str:
    """Completion mode treats the conversation as one running text the model continues."""
    body = "".join(m.content for m in messages if m.role in PROMPT_ROLES)
    return f"{system_prompt}\n{body}" if system_prompt else body


def chat_messages(system_prompt: str, messages: Sequence[Message]) -> list[dict]:
    head = [{"role": "system", "content": system_prompt}] if system_prompt.strip() else []
    return head + [{"role": m.role, "content": m.content} for m in messages if m.role in PROMPT_ROLES]


def build_prompt(tokenizer, messages: Sequence[Message], *, system_prompt: str = "", mode: str = CHAT,
                 context_length: int, reserve: int = 0) -> Prompt:
    """The prompt ids for the next reply, fitting `context_length - reserve` tokens.

    Chat mode drops the oldest whole turns (the system prompt always stays) and raises if even the
    last user message alone does not fit. Completion mode keeps the last tokens of the running text.
    """
    budget = max(1, context_length - reserve)
    if mode == COMPLETION:
        ids = encode_text(tokenizer, completion_text(system_prompt, messages))
        if not ids:
            raise PlaygroundError("There is no text to continue. Type something first.")
        cut = max(0, len(ids) - budget)
        return Prompt(tuple(ids[cut:]), 0, 0, cut)
    if not getattr(tokenizer, "chat_template", None):
        raise PlaygroundError("This model has no chat template. Switch the mode to “completion”.")
    starts = [i for i, m in enumerate(messages) if m.role == "user"] or [0]
    for start in starts:
        ids = encode_chat(tokenizer, chat_messages(system_prompt, messages[start:]))
        if len(ids) <= budget:
            dropped = sum(1 for m in messages[:start] if m.role in PROMPT_ROLES)
            return Prompt(tuple(ids), start, dropped)
    raise PlaygroundError(
        f"The last message is {len(ids)} tokens with the system prompt, but this model's context leaves "
        f"room for {budget} (keeping {reserve} for the reply). Shorten the message or the system prompt, "
        "or lower Max tokens.")


def conversation_as_text(tokenizer, messages: Sequence[Message], *, system_prompt: str = "",
                         mode: str = CHAT) -> str:
    """The whole conversation as the text the model reads: the chat template applied (replies
    included, no generation prompt), or the running text in completion mode. '' when empty."""
    if not any(m.role in PROMPT_ROLES for m in messages):
        return ""
    if mode == COMPLETION or not getattr(tokenizer, "chat_template", None):
        return completion_text(system_prompt, messages)
    return tokenizer.apply_chat_template(chat_messages(system_prompt, messages), tokenize=False)


# ---------------------------------------------------------------- files
def _write(path: str | Path, text: str) -> None:
    """Atomic (core/files.py), with a message for the user when the disk or folder refuses."""
    from playground.core.files import write_text_atomic

    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise PlaygroundError(f"Could not write {path}: {exc.strerror or exc}. Choose another folder.") from exc


def settings_to_dict(settings: SamplingSettings) -> dict[str, Any]:
    return asdict(settings)


_SETTING_RANGES = {"temperature": (0.0, 100.0), "top_k": (0, 10**7), "top_p": (0.0, 1.0),
                   "repetition_penalty": (0.01, 100.0), "max_new_tokens": (1, 10**6)}


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer past any float
        return False


def settings_from_dict(data: Any) -> SamplingSettings:
    if not isinstance(data, dict):
        raise ConversationFileError("“settings” must be an object of sampling settings.")
    values: dict[str, Any] = {}
    for f in fields(SamplingSettings):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "seed" and value is None:
            values["seed"] = None
            continue
        want_int = f.name in ("top_k", "max_new_tokens", "seed")
        ok = isinstance(value, int) if want_int else isinstance(value, (int, float))
        if not ok or isinstance(value, bool) or not _finite(value):
            raise ConversationFileError(f"The setting “{f.name}” is not a valid number: {value!r}.")
        low, high = _SETTING_RANGES.get(f.name, (-(2**63), 2**63))
        if not low <= value <= high:
            raise ConversationFileError(f"The setting “{f.name}” is out of range: {value!r}.")
        values[f.name] = value
    return SamplingSettings(**values)


def _token_to_json(step: TokenStep) -> list:
    """[id, text, p, raw p, alternatives] and, when known, [runner-up id, text, raw p] (near-tie marks)."""
    item = [step.token_id, step.text, round(step.prob, 6), round(step.raw_prob, 6),
            [[i, text, round(p, 6)] for i, text, p in step.alternatives]]
    if step.runner_up is not None:
        i, text, p = step.runner_up
        item.append([i, text, round(p, 6)])
    return item


def _token_id(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise ValueError("a token id must be a whole number from 0")
    return value


def _probability(value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError("a probability must be a number")
    value = float(value)  # OverflowError for a 400-digit integer
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise ValueError("a probability must be between 0 and 1")
    return value


def _token_from_json(item: Any, index: int) -> TokenStep:
    try:
        if not isinstance(item, list) or len(item) not in (5, 6):
            raise TypeError("five or six fields")
        token_id, text, prob, raw, alternatives = item[:5]
        alts = tuple((_token_id(i), _string(t), _probability(p)) for i, t, p in alternatives)
        runner_up = None
        if len(item) == 6:
            i, t, p = item[5]
            runner_up = (_token_id(i), _string(t), _probability(p))
        return TokenStep(index, _token_id(token_id), _string(text), _probability(prob), _probability(raw), alts,
                         0.0, runner_up=runner_up)
    except (TypeError, ValueError, OverflowError):
        raise ConversationFileError(f"Token {index} of a reply is not in the expected form.") from None


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


def _message_to_json(m: Message) -> dict[str, Any]:
    """A turn; a reply with what it was sampled with: tokens, model identity, settings, engine, stats line."""
    item: dict[str, Any] = {"role": m.role, "content": m.content}
    if m.tokens:
        item["tokens"] = [_token_to_json(t) for t in m.tokens]
    if m.model_key:
        item["model"] = m.model_key
    if m.settings is not None:
        item["settings"] = settings_to_dict(m.settings)
    for name in ("engine", "note"):
        if getattr(m, name):
            item[name] = getattr(m, name)
    return item


def conversation_to_json(messages: Sequence[Message], *, system_prompt: str, mode: str,
                         settings: SamplingSettings, model_name: str = "", model_key: str = "") -> str:
    """`model_key`: the current model's identity (ModelSession.identity: a stable id and a weights hash,
    no path), so the file opens as "the same model" in another install. A reply with branches is saved as
    the branch on show plus all its branches (branches.branches_to_json)."""
    saved = [{**_message_to_json(m), **branches_to_json(m, _message_to_json)}
             for m in messages if m.role in PROMPT_ROLES]
    document = {
        "format": FILE_FORMAT, "version": FILE_VERSION, "saved_at": datetime.now().isoformat(timespec="seconds"),
        "model": {"name": model_name, "id": model_key}, "mode": mode, "system_prompt": system_prompt,
        "settings": settings_to_dict(settings), "messages": saved,
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def save_conversation(path: str | Path, messages: Sequence[Message], **kwargs) -> None:
    _write(path, conversation_to_json(messages, **kwargs))


def _parse_messages(items: Any) -> tuple[Message, ...]:
    if not isinstance(items, list):
        raise ConversationFileError("“messages” must be a list.")
    try:
        return tuple(branches_from_json(item, n, _message_from_json) or _message_from_json(item, n)
                     for n, item in enumerate(items))
    except BranchesError as exc:
        raise ConversationFileError(str(exc)) from None


def _message_from_json(item: Any, n: int) -> Message:
    if not isinstance(item, dict) or item.get("role") not in PROMPT_ROLES or not isinstance(item.get("content"), str):
        raise ConversationFileError(f"Message {n + 1} needs a “role” (user or assistant) and a text “content”.")
    tokens = item.get("tokens", [])
    if not isinstance(tokens, list):
        raise ConversationFileError(f"The tokens of message {n + 1} must be a list.")
    return Message(item["role"], item["content"], tuple(_token_from_json(t, i) for i, t in enumerate(tokens)),
                   settings=_reply_settings(item, n), model_key=_text(item, "model"),
                   engine=_text(item, "engine"), note=_text(item, "note"))


def _text(item: dict, name: str) -> str:
    value = item.get(name, "")
    return value if isinstance(value, str) else ""


def _reply_settings(item: dict, n: int) -> SamplingSettings | None:
    if "settings" not in item:
        return None
    try:
        return settings_from_dict(item["settings"])
    except ConversationFileError as exc:
        raise ConversationFileError(f"Message {n + 1}: {exc}") from None


def parse_conversation(text: str) -> SavedConversation:
    """Validate a saved conversation; raises ConversationFileError with a readable reason."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConversationFileError(f"This is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    except RecursionError:
        raise ConversationFileError("Its JSON is nested too deeply to be a saved conversation.") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ConversationFileError(f"It holds a value no conversation has ({str(exc)[:80]}).") from None
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise ConversationFileError("This JSON file is not a conversation saved by LLM Playground.")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConversationFileError(f"Its format version must be a whole number from 1, not {str(version)[:20]!r}.")
    if version > FILE_VERSION:
        raise ConversationFileError(
            f"This conversation was saved by a newer LLM Playground (format version {version}). Update the app.")
    mode = data.get("mode", CHAT)
    if mode not in (CHAT, COMPLETION):
        raise ConversationFileError(f"Unknown mode {mode!r}: expected “chat” or “completion”.")
    system_prompt = data.get("system_prompt", "")
    model = data.get("model") or {}
    if not isinstance(system_prompt, str) or not isinstance(model, dict):
        raise ConversationFileError("“system_prompt” must be text and “model” an object.")
    return SavedConversation(_parse_messages(data.get("messages")), system_prompt, mode,
                             settings_from_dict(data.get("settings", {})),
                             str(model.get("name", "")), str(model.get("id") or model.get("key") or ""))


def open_conversation(path: str | Path) -> SavedConversation:
    """Read and validate a saved conversation; any problem raises ConversationFileError saying why."""
    path = Path(path)
    try:
        if path.stat().st_size > 200 * 1024 * 1024:
            raise ConversationFileError("it is too large to be a saved conversation.")
        return parse_conversation(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        reason = "it is not a text (UTF-8) file."
    except OSError as exc:
        reason = f"{exc.strerror or exc}."
    except ConversationFileError as exc:
        reason = str(exc)
    raise ConversationFileError(f"Could not open {path.name}: {reason} Nothing was changed.")


# ---------------------------------------------------------------- Markdown
def describe_settings(settings: SamplingSettings) -> str:
    if settings.greedy:
        parts = ["greedy (temperature 0)"]
    else:
        parts = [f"temperature {settings.temperature:g}",
                 f"top-k {settings.top_k}" if settings.top_k else "top-k off",
                 f"top-p {settings.top_p:g}" if settings.top_p < 1 else "top-p off"]
    if settings.repetition_penalty != 1.0:
        parts.append(f"repetition penalty {settings.repetition_penalty:g}")
    parts.append(f"max {settings.max_new_tokens} tokens")
    parts.append(f"seed {settings.seed}" if settings.seed is not None else "random seed")
    return ", ".join(parts)


def conversation_to_markdown(messages: Sequence[Message], *, system_prompt: str, mode: str,
                             settings: SamplingSettings, model_name: str = "") -> str:
    lines = ["# Conversation", "",
             f"- **Model:** {model_name or 'unknown'}", f"- **Mode:** {mode}",
             f"- **Sampling (at export):** {describe_settings(settings)}",
             f"- **Exported:** {datetime.now().isoformat(timespec='seconds')}", ""]
    if system_prompt.strip():
        lines += ["## System", "", system_prompt.strip(), ""]
    titles = {"user": "You", "assistant": "Assistant" if mode == CHAT else "Model (continuation)"}
    for m in messages:
        if m.role in titles:
            lines += [f"## {titles[m.role]}", ""] + _reply_line(m) + [m.content.strip() or "*(empty)*", ""]
            lines += branches_markdown(m)
        elif m.role == "error":
            lines += [f"> **Error:** {m.content}", ""]
    return "\n".join(lines)


def _reply_line(m: Message) -> list[str]:
    """A reply's own settings, engine and stats, as one italic line (nothing for your messages)."""
    parts = [describe_settings(m.settings)] if m.settings is not None else []
    if m.engine and m.engine not in m.note:
        parts.append(m.engine)
    if m.note:
        parts.append(m.note)
    return [f"*{' · '.join(parts)}*", ""] if parts else []


def export_markdown(path: str | Path, messages: Sequence[Message], **kwargs) -> None:
    _write(path, conversation_to_markdown(messages, **kwargs))

