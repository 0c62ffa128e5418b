"""Training data: read text (built-in corpus, files, a folder, synthetic tasks, JSONL chat), tokenize
it, split train/validation, and hand out random batches from a seeded generator.

Two shapes: a *stream* (one long token array; batches are random windows, nanoGPT style) and
*examples* (one row per example with a loss mask: synthetic answers, assistant turns in chats).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from playground.core.training.tokenization import bpe_tokenizer, char_tokenizer, encode, encode_long
from playground.core.training.config import TrainConfig
from playground.core.errors import PlaygroundError

IGNORE = -100  # label of a position that does not count in the loss
TEXT_SUFFIXES = (".txt", ".md")
SYNTHETIC_TRAIN, SYNTHETIC_VAL = 20_000, 500


class DataError(PlaygroundError):
    """Data that cannot be trained on; the message says why and what to do."""


# ---------------------------------------------------------------- reading text
def builtin_corpus() -> str:
    """Python's own documentation topics (~465 KB of English), shipped with every Python."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key] for key in sorted(topics))


MAX_DATA_BYTES = 1 << 30  # 1 GiB of text is ~250 M tokens: past what trains here in a day
BYTES_PER_TEXT_BYTE = 8  # reading + decoding + int32 ids of a char-level corpus, measured ~6


def check_data_size(name: str, size: int) -> None:
    """Refuse, before reading it, text too big to read or to tokenize in this machine's memory."""
    from playground.core.training.memory import available_memory

    if size > MAX_DATA_BYTES:
        raise DataError(f"{name} is {size / 2**30:.1f} GiB; the most the app reads is "
                        f"{MAX_DATA_BYTES / 2**30:.0f} GiB. Use a part of it.")
    need, free = size * BYTES_PER_TEXT_BYTE, available_memory()[0]  # RAM, a cgroup cap, ulimit -v
    if need > free:
        raise DataError(f"{name} ({size / 2**20:,.0f} MB) needs about {need / 2**30:.1f} GiB of memory to "
                        f"read and tokenize; this machine has {free / 2**30:.1f} GiB free. Use a smaller file "
                        "or close other programs.")


def read_text_file(path: Path) -> str:
    try:
        check_data_size(path.name, path.stat().st_size)
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"Could not read {path}: {exc.strerror or exc}. Check the path and permissions.") from exc
    if b"\x00" in raw[:8192]:
        raise DataError(f"{path.name} looks like a binary file, not text. Choose a .txt or .md file.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        if text.count("\ufffd") > max(10, len(text) // 100):
            raise DataError(f"{path.name} is not UTF-8 text. Save it as UTF-8 and try again.") from None
        return text


def read_folder(path: Path) -> str:
    if not path.is_dir():
        raise DataError(f"{path} is not a folder.")
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    check_data_size(f"The folder {path.name}", sum(f.stat().st_size for f in files))
    texts = []
    for file in files:
        try:
            texts.append(read_text_file(file))
        except DataError:
            continue  # one binary or unreadable file does not spoil the folder
    if not texts:
        raise DataError(f"The folder {path.name} has no readable .txt or .md files.")
    return "\n\n".join(texts)


def read_chat_jsonl(path: Path) -> list[list[dict]]:
    """Each line: {"messages": [{"role": "user"|"assistant"|"system", "content": "..."}, ...]}."""
    text = read_text_file(path)
    chats = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path.name}, line {number}: not valid JSON ({exc.msg}).") from exc
        messages = record.get("messages") if isinstance(record, dict) else None
        if not isinstance(messages, list) or not all(
                isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
                for m in messages):
            raise DataError(f"{path.name}, line {number}: expected {{\"messages\": [{{\"role\": ..., "
                            "\"content\": ...}, ...]}.")
        if not any(m["role"] == "assistant" for m in messages):
            raise DataError(f"{path.name}, line {number}: the conversation has no assistant message to learn.")
        chats.append(messages)
    if not chats:
        raise DataError(f"{path.name} has no conversations. Each line should be one JSON conversation.")
    return chats


def source_text(cfg: TrainConfig) -> str:
    d = cfg.data
    if d.source == "builtin":
        return builtin_corpus()
    path = Path(d.path).expanduser()
    if d.source == "folder":
        text = read_folder(path)
    else:
        if not path.exists():
            raise DataError(f"{path} does not exist. Choose a file that does.")
        if path.is_dir():
            raise DataError(f"{path.name} is a folder; choose 'folder' as the data source or pick a file.")
        text = read_text_file(path)
    if not text.strip():
        raise DataError(f"{path.name} is empty. Choose a file with some text in it.")
    return text


# ---------------------------------------------------------------- synthetic tasks
def synthetic_example(task: str, digits: int, rng: random.Random) -> tuple[str, str]:
    """(prompt, answer), e.g. reverse: ("382910=", "019283\\n")."""
    if task == "add":
        a, b = rng.randrange(10 ** digits), rng.randrange(10 ** digits)
        return f"{a:0{digits}d}+{b:0{digits}d}=", f"{a + b:0{digits + 1}d}\n"
    s = "".join(rng.choice("0123456789") for _ in range(digits))
    answer = {"copy": s, "reverse": s[::-1], "sort": "".join(sorted(s))}[task]
    return f"{s}=", f"{answer}\n"


# ---------------------------------------------------------------- the prepared data
@dataclass
class Split:
    """A stream (`ids` 1-D) or examples (`ids`/`labels` 2-D, padded, with `lengths`)."""

    ids: torch.Tensor
    labels: torch.Tensor | None = None
    lengths: torch.Tensor | None = None

    @property
    def n_tokens(self) -> int:
        return int(self.lengths.sum()) if self.lengths is not None else self.ids.numel()


@dataclass
class TrainData:
    tokenizer: object
    train: Split
    val: Split
    seq_len: int
    prompts: list[tuple[list[int], str]]  # (prompt ids, expected answer or "") for samples
    kind: str  # "stream" | "examples"
    description: str

    @property
    def vocab_size(self) -> int:
        return len(self.tokenizer)

    def batch(self, split: str, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """(x, y), both (B, T) int64 on the CPU; y is x shifted by one, IGNORE where not trained."""
        data = self.train if split == "train" else self.val
        if data.labels is None:
            T = self.seq_len
            ix = torch.randint(data.ids.numel() - T - 1, (batch_size,), generator=generator)  # (B,)
            chunk = data.ids[ix[:, None] + torch.arange(T + 1)].long()  # (B, T+1)
            return chunk[:, :-1], chunk[:, 1:]
        rows = torch.randint(data.ids.shape[0], (batch_size,), generator=generator)  # (B,)
        width = int(data.lengths[rows].max())
        return data.ids[rows, : width - 1].long(), data.labels[rows, 1:width].long()


def _stream(tokenizer, text: str, cfg: TrainConfig, seq_len: int, description: str) -> TrainData:
    ids = encode_long(tokenizer, text)
    n_val = int(ids.numel() * cfg.data.val_fraction)
    need = int((seq_len + 2) / cfg.data.val_fraction) + 1
    if ids.numel() < need or n_val < seq_len + 2:
        raise DataError(
            f"The data is too small: {ids.numel():,} tokens, but sequences of {seq_len} tokens with a "
            f"{cfg.data.val_fraction:.0%} validation split need at least {need:,}. Add more text or lower "
            "the context length.")
    train, val = ids[:-n_val], ids[-n_val:]
    start = encode(tokenizer, cfg.sample_prompt or _prompt_from(tokenizer.decode(val[:512].tolist())))
    return TrainData(tokenizer, Split(train), Split(val), seq_len, [(start, "")], "stream",
                     f"{description}: {train.numel():,} training + {val.numel():,} validation tokens")


def _prompt_from(text: str) -> str:
    """The first words of the first full line of `text` that has a few words (a natural prompt)."""
    for line in text.split("\n")[1:]:
        words = line.split()
        if len(words) >= 3 and words[0].isalpha() and words[0][0].isupper():
            return " ".join(words[:2]) + " "
    return text[:8]


def _examples(rows: list[tuple[list[int], list[int]]], pad_id: int) -> Split:
    """Pad (ids, labels) rows to one width. Labels are already IGNORE where the loss does not count."""
    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.int32)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.int32)
    for i, (row_ids, row_labels) in enumerate(rows):
        ids[i, : len(row_ids)] = torch.tensor(row_ids, dtype=torch.int32)
        labels[i, : len(row_labels)] = torch.tensor(row_labels, dtype=torch.int32)
    return Split(ids, labels, torch.tensor([len(r) for r, _ in rows]))


def _synthetic(cfg: TrainConfig) -> TrainData:
    d = cfg.data
    rng = random.Random(cfg.seed)
    pairs = [synthetic_example(d.task, d.task_digits, rng) for _ in range(SYNTHETIC_TRAIN + SYNTHETIC_VAL)]
    tokenizer = char_tokenizer("0123456789+=\n", model_max_length=cfg.model.context_length)

    def row(prompt: str, answer: str) -> tuple[list[int], list[int]]:
        p, a = encode(tokenizer, prompt), encode(tokenizer, answer)
        return p + a, [IGNORE] * len(p) + a

    rows = [row(p, a) for p, a in pairs]
    if len(rows[0][0]) > cfg.model.context_length:
        raise DataError(f"model.context_length: {cfg.model.context_length} is shorter than one {d.task} example "
                        f"({len(rows[0][0])} tokens). Raise it or use fewer digits.")
    val_pairs = pairs[SYNTHETIC_TRAIN:]
    prompts = [(encode(tokenizer, p), a.strip()) for p, a in val_pairs[:4]]
    return TrainData(tokenizer, _examples(rows[:SYNTHETIC_TRAIN], 0), _examples(rows[SYNTHETIC_TRAIN:], 0),
                     len(rows[0][0]) - 1, prompts, "examples",
                     f"Synthetic '{d.task}' task, {d.task_digits} digits: {SYNTHETIC_TRAIN:,} examples")


def render_chat(tokenizer, messages: list[dict], generation_prompt: bool) -> list[int]:
    """Token ids of a conversation through the chat template (or a plain "Role: text" format)."""
    if getattr(tokenizer, "chat_template", None):
        out = tokenizer.apply_chat_template(messages, add_generation_prompt=generation_prompt, tokenize=True)
        out = out["input_ids"] if hasattr(out, "keys") else out
        return [int(i) for i in (out[0] if out and isinstance(out[0], list) else out)]
    text = "".join(f"{m['role'].capitalize()}: {m['content']}\n" for m in messages)
    return encode(tokenizer, text + ("Assistant: " if generation_prompt else ""))


def chat_rows(tokenizer, messages: list[dict], max_len: int) -> tuple[list[int], list[int]]:
    """Token ids of a conversation and labels that keep only the assistant turns (and their end tag)."""
    ids: list[int] = []
    labels: list[int] = []
    for i, message in enumerate(messages):
        full = render_chat(tokenizer, messages[: i + 1], False)
        if message["role"] == "assistant":
            prefix = render_chat(tokenizer, messages[:i], True)
            if full[: len(prefix)] != prefix:  # a template that rewrites history: fall back to the turn boundary
                prefix = ids
            labels += [IGNORE] * (len(prefix) - len(labels)) + full[len(prefix):]
        else:
            labels += [IGNORE] * (len(full) - len(labels))
        ids = full
    return ids[:max_len], labels[:max_len]


def _chat(cfg: TrainConfig, tokenizer, seq_len: int) -> TrainData:
    path = Path(cfg.data.path).expanduser()
    if not path.exists():
        raise DataError(f"{path} does not exist. Choose a .jsonl chat file.")
    chats = read_chat_jsonl(path)
    if len(chats) < 2:
        raise DataError(f"{path.name} has only one conversation; add at least one more (one goes to validation).")
    rows = [chat_rows(tokenizer, msgs, seq_len + 1) for msgs in chats]
    rows = [r for r in rows if any(label != IGNORE for label in r[1][1:])]
    if len(rows) < 2:
        raise DataError(f"The conversations in {path.name} are longer than {seq_len} tokens before the first "
                        "assistant reply. Raise the sequence length or shorten them.")
    n_val = max(1, int(len(rows) * cfg.data.val_fraction))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    first_val = chats[len(chats) - n_val]
    first_reply = next(i for i, m in enumerate(first_val) if m["role"] == "assistant")
    prompt = render_chat(tokenizer, first_val[:first_reply], True)
    return TrainData(tokenizer, _examples(rows[:-n_val], pad), _examples(rows[-n_val:], pad), seq_len,
                     [(prompt, "")], "examples",
                     f"{path.name}: {len(rows) - n_val} training + {n_val} validation conversations")


def prepare_data(cfg: TrainConfig, *, base_tokenizer=None, tokenizer=None,
                 on_status: Callable[[str], None] | None = None) -> TrainData:
    """Read, tokenize and split the data for `cfg`. Raises DataError with a readable message.

    base_tokenizer: the fine-tuned model's tokenizer (data.tokenizer 'model').
    tokenizer: reuse this one instead of building a fresh char/BPE tokenizer (resuming a run)."""
    status = on_status or (lambda _message: None)
    d = cfg.data
    max_context = 1024 if not cfg.is_finetune else 2048
    seq_len = cfg.seq_len or min(cfg.model.context_length if not cfg.is_finetune else 256, max_context)
    if d.source == "synthetic":
        return _synthetic(cfg)
    if d.tokenizer == "model":
        if base_tokenizer is None:
            raise DataError("data.tokenizer 'model' needs the base model's tokenizer (fine-tuning only).")
        tokenizer = base_tokenizer
    if d.source == "jsonl":
        if d.tokenizer != "model" and tokenizer is None:
            texts = [m["content"] for chat in read_chat_jsonl(Path(d.path).expanduser()) for m in chat]
            tokenizer = _fresh_tokenizer(cfg, "\n".join(texts) + "UserAssistantSystem: \n", status)
        return _chat(cfg, tokenizer, seq_len)
    status("Reading the data…")
    text = source_text(cfg)
    name = "Built-in corpus (pydoc_data.topics)" if d.source == "builtin" else Path(d.path).name
    if d.tokenizer != "model" and tokenizer is None:
        tokenizer = _fresh_tokenizer(cfg, text, status)
    status("Tokenizing…")
    return _stream(tokenizer, text, cfg, seq_len, name)


def _fresh_tokenizer(cfg: TrainConfig, text: str, status: Callable[[str], None]):
    if cfg.data.tokenizer == "bpe":
        status(f"Training a byte-level BPE tokenizer ({cfg.data.bpe_vocab_size} tokens)…")
        chunks = (text[i: i + 4096] for i in range(0, len(text), 4096))
        return bpe_tokenizer(chunks, cfg.data.bpe_vocab_size, model_max_length=cfg.model.context_length)
    return char_tokenizer(text, model_max_length=cfg.model.context_length)
