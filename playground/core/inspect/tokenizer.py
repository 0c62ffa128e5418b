"""Text split into the tokens a tokenizer makes: each piece with its id, its text, whether it is a special
token, and the text made visible ('·' a space, '↵' a newline, '⇥' a tab; bytes of a character cut across
tokens as ‹e8›). Also the two tokenizers the Training tab trains from the built-in corpus (characters, a
small byte-level BPE), built once per process, to compare with a model's own.

No Qt here; the Chat tab's Tokens view and the Architecture tab's Tokenizer page draw these.
"""

from __future__ import annotations

import codecs
import json
import re
import threading
import weakref
from dataclasses import dataclass
from typing import Sequence

VISIBLE = {" ": "·", "\n": "↵", "\t": "⇥", "\r": "␍"}
BPE_VOCAB_SIZE = 1000
_SENTENCEPIECE_BYTE = re.compile(r"<0x([0-9A-Fa-f]{2})>")


@dataclass(frozen=True)
class Piece:
    token_id: int
    text: str  # the characters this token completes ('' for the first bytes of a character cut across tokens)
    shown: str  # what to draw: whitespace visible, a cut character's bytes as ‹e8 8d›
    special: bool = False  # a control token (<|im_start|>), not text
    unknown: bool = False  # the tokenizer's <unk>: it had no token for this text
    partial: bool = False  # only some bytes of a character: `shown` gives them in hex


@dataclass(frozen=True)
class Split:
    name: str  # which tokenizer, e.g. "SmolLM2-135M-Instruct"
    vocab_size: int
    chars: int  # characters of the text that was split
    pieces: tuple[Piece, ...]

    @property
    def count(self) -> int:
        return len(self.pieces)

    def summary(self) -> str:
        """"12 tokens · 40 characters · 3.3 characters per token"."""
        per = f" · {self.chars / self.count:.1f} characters per token" if self.count else ""
        return f"{self.count:,} token{'s' if self.count != 1 else ''} · {self.chars:,} characters{per}"


def visible(text: str) -> str:
    """' Paris\\n' → '·Paris↵'."""
    return "".join(VISIBLE.get(ch, ch) for ch in text)


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's map from each byte to the printable character byte-level BPE vocabularies spell it with."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = list(printable), 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars)))


_BYTE_OF = {ch: b for b, ch in _bytes_to_unicode().items()}


_byte_level: "weakref.WeakKeyDictionary[object, bool]" = weakref.WeakKeyDictionary()


def _is_byte_level(tokenizer) -> bool:
    """Whether the vocabulary spells bytes GPT-2's way (its decoder is ByteLevel); cached per tokenizer, as
    reading the decoder serializes the whole tokenizer."""
    try:
        return _byte_level[tokenizer]
    except (KeyError, TypeError):
        pass
    backend = getattr(tokenizer, "backend_tokenizer", None)
    decoder = (json.loads(backend.to_str()).get("decoder") or {}) if backend is not None else {}
    types = [d.get("type") for d in decoder.get("decoders", [])] if decoder.get("type") == "Sequence" \
        else [decoder.get("type")]
    try:
        _byte_level[tokenizer] = "ByteLevel" in types
    except TypeError:  # not weak-referenceable
        pass
    return "ByteLevel" in types


def _special_ids(tokenizer) -> set[int]:
    ids = set(getattr(tokenizer, "all_special_ids", []) or [])
    for token_id, token in (getattr(tokenizer, "added_tokens_decoder", None) or {}).items():
        if getattr(token, "special", False):
            ids.add(int(token_id))
    return ids


def _token_bytes(token: str, byte_level: bool) -> bytes:
    if byte_level and all(ch in _BYTE_OF for ch in token):
        return bytes(_BYTE_OF[ch] for ch in token)
    match = _SENTENCEPIECE_BYTE.fullmatch(token)
    if match:
        return bytes([int(match.group(1), 16)])
    return token.replace("▁", " ").encode("utf-8")  # SentencePiece's word mark is a space


def _utf8_length(first: int) -> int:
    return 1 if first < 0xC0 else 2 if first < 0xE0 else 3 if first < 0xF0 else 4


def _cut_bytes(raw: bytes) -> tuple[bytes, bytes, bytes]:
    """A token's bytes as (the end of a character begun before it, whole characters, the start of one
    finished after it)."""
    start = 0
    while start < len(raw) and raw[start] & 0xC0 == 0x80:
        start += 1
    end = len(raw)
    for k in range(len(raw) - 1, start - 1, -1):
        if raw[k] & 0xC0 != 0x80:  # the last character's first byte
            end = k if len(raw) - k < _utf8_length(raw[k]) else len(raw)
            break
    return raw[:start], raw[start:end], raw[end:]


def _hex(raw: bytes) -> str:
    return "‹" + " ".join(f"{b:02x}" for b in raw) + "›" if raw else ""


def pieces_of(tokenizer, ids: Sequence[int]) -> tuple[Piece, ...]:
    """The piece each id in `ids` stands for; joined, their texts are the decoded text."""
    byte_level, specials = _is_byte_level(tokenizer), _special_ids(tokenizer)
    unk = getattr(tokenizer, "unk_token_id", None)
    tokens = tokenizer.convert_ids_to_tokens([int(i) for i in ids])
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pieces = []
    for token_id, token in zip(ids, tokens):
        token = token if token is not None else ""
        if token_id in specials or (token_id == unk and unk is not None):
            decoder.reset()
            pieces.append(Piece(int(token_id), token, token, special=token_id != unk, unknown=token_id == unk))
            continue
        raw = _token_bytes(token, byte_level)
        text = decoder.decode(raw)
        head, whole, tail = _cut_bytes(raw)
        partial = bool(head or tail)
        shown = _hex(head) + visible(whole.decode("utf-8", errors="replace")) + _hex(tail)
        pieces.append(Piece(int(token_id), text, shown, partial=partial))
    return tuple(pieces)


def split_text(tokenizer, text: str, *, name: str = "") -> Split:
    """`text` as `tokenizer` splits it (no special tokens added; ones typed in the text count as such)."""
    ids = tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
    return Split(name, len(tokenizer), len(text), pieces_of(tokenizer, ids))


def conversation_split(tokenizer, messages, *, system_prompt: str = "", mode: str = "chat",
                       name: str = "") -> Split:
    """The conversation exactly as the model reads it: the chat template applied (its default system prompt
    and control tokens included), with the generation prompt after a message of yours (what the next reply
    answers), or the running text in completion mode."""
    from playground.core.generation.conversation import COMPLETION, chat_messages, completion_text
    from playground.core.generation.history import PROMPT_ROLES

    if not any(m.role in PROMPT_ROLES for m in messages):
        return Split(name, len(tokenizer), 0, ())
    if mode == COMPLETION or not getattr(tokenizer, "chat_template", None):
        return split_text(tokenizer, completion_text(system_prompt, messages), name=name)
    last = [m for m in messages if m.role in PROMPT_ROLES][-1]
    text = tokenizer.apply_chat_template(chat_messages(system_prompt, messages), tokenize=False,
                                         add_generation_prompt=last.role == "user")
    return split_text(tokenizer, text, name=name)


def count_tokens(tokenizer, text: str) -> int:
    """Tokens of `text` on its own (a message you are typing, before the chat template)."""
    return len(tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]) if text else 0


# ---------------------------------------------------------------- the Training tab's tokenizers
_corpus_lock = threading.Lock()
_corpus_tokenizers: dict[str, object] = {}


def corpus_tokenizer(kind: str):
    """"char" or "bpe" (BPE_VOCAB_SIZE tokens), built from the built-in corpus once per process (the BPE
    trains in a second or so); callers on other threads wait for the first build rather than repeat it."""
    from playground.core.training.data import builtin_corpus
    from playground.core.training.tokenization import bpe_tokenizer, char_tokenizer

    with _corpus_lock:
        if kind not in _corpus_tokenizers:
            corpus = builtin_corpus()
            _corpus_tokenizers[kind] = (char_tokenizer(corpus) if kind == "char"
                                        else bpe_tokenizer([corpus], BPE_VOCAB_SIZE))
        return _corpus_tokenizers[kind]


def corpus_tokenizer_ready(kind: str) -> bool:
    return kind in _corpus_tokenizers


CORPUS_NAMES = {"char": "Characters (the built-in corpus)",
                "bpe": f"Byte-level BPE, {BPE_VOCAB_SIZE:,} tokens (trained on the built-in corpus)"}


def split_with_corpus_tokenizer(kind: str, text: str) -> Split:
    return split_text(corpus_tokenizer(kind), text, name=CORPUS_NAMES[kind])
