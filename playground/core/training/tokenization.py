"""Tokenizers for models trained from scratch, built with the `tokenizers` library and wrapped as a
real transformers `PreTrainedTokenizerFast`, so a trained model's folder loads like any HF model."""

from __future__ import annotations

from typing import Iterable

EOS = "<|endoftext|>"
UNK = "<unk>"


def _wrap(tokenizer, *, unk: str | None, model_max_length: int):
    from transformers import PreTrainedTokenizerFast

    kwargs = {"unk_token": unk} if unk else {}
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token=EOS, bos_token=EOS,
                                   model_max_length=model_max_length, clean_up_tokenization_spaces=False,
                                   **kwargs)


def char_tokenizer(text: str, *, model_max_length: int = 1024):
    """One token per character seen in `text` (sorted), plus `<unk>` and an end-of-text token.

    Each character is its own pre-token (a regex split), looked up in a word-level vocabulary;
    the decoder fuses tokens back without spaces, so decode(encode(s)) == s.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

    vocab = {UNK: 0, EOS: 1}
    for ch in sorted(set(text)):
        vocab.setdefault(ch, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token=UNK))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    tok.decoder = decoders.Fuse()
    return _wrap(tok, unk=UNK, model_max_length=model_max_length)


def bpe_tokenizer(texts: Iterable[str], vocab_size: int, *, model_max_length: int = 1024):
    """Byte-level BPE (GPT-2 style) trained on `texts`: any text encodes, nothing is unknown."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOS], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(texts, trainer=trainer)
    return _wrap(tok, unk=None, model_max_length=model_max_length)


def encode(tokenizer, text: str) -> list[int]:
    """Token ids of `text` (no special tokens; a whole corpus is fine: no too-long warning)."""
    return tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]


CHUNK_CHARS = 1 << 16
ONE_CALL_CHARS = 4 << 20  # shorter texts are encoded in one call, exactly as any tokenizer would


def encode_long(tokenizer, text: str, chunk: int = CHUNK_CHARS, one_call: int = ONE_CALL_CHARS):
    """Token ids of a whole corpus as an int32 tensor, encoded in pieces of ~`chunk` characters.

    Encoding tens of megabytes in one call keeps every token's offsets and strings alive at once (~390
    bytes per input byte for the char tokenizer). The pieces are cut where no pre-token can span the cut
    (after a newline before a non-space, or before a space between two non-spaces), so the ids are the
    ones a single call gives for the char and byte-level BPE tokenizers trained here (a base model's
    SentencePiece tokenizer may differ at a cut, once per ~64 K characters)."""
    import torch

    if len(text) <= one_call:
        return torch.tensor(encode(tokenizer, text), dtype=torch.int32)
    parts, start = [], 0
    while start < len(text):
        end = _cut(text, start + chunk) if start + chunk < len(text) else len(text)
        parts.append(torch.tensor(encode(tokenizer, text[start:end]), dtype=torch.int32))
        start = end
    return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.int32)


def _cut(text: str, near: int) -> int:
    """A safe cut at or after `near` (looking up to one more chunk ahead), else `near` itself."""
    for i in range(near, min(len(text) - 1, near + CHUNK_CHARS)):
        c, before, after = text[i], text[i - 1], text[i + 1]
        if before == "\n" and not c.isspace():
            return i
        if c == " " and not before.isspace() and not after.isspace():
            return i
    return near
