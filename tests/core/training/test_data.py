"""Training data: sources, tokenizers, masks, and the errors users see for bad data."""

from __future__ import annotations

import json

import pytest
import torch

from playground.core.training.data import IGNORE, DataError, chat_rows, prepare_data
from playground.core.training.presets import CHAT_EXAMPLE
from playground.core.training.config import ConfigError, TrainConfig, load_train_config


def cfg_for(**data) -> TrainConfig:
    return TrainConfig.from_dict({"model": {"context_length": 32}, "data": data})


def test_char_tokenizer_round_trips_and_batches_shift_by_one():
    data = prepare_data(cfg_for(source="builtin"))
    text = "def f(x):\n    return x  # “quoted”"
    ids = data.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert len(ids) == len(text) and data.tokenizer.decode(ids) == text
    x, y = data.batch("train", 4, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 32) and torch.equal(x[:, 1:], y[:, :-1])
    assert data.train.n_tokens > 9 * data.val.n_tokens  # a 10% validation split


def test_bpe_tokenizer_has_the_requested_vocab_and_round_trips():
    data = prepare_data(cfg_for(source="builtin", tokenizer="bpe", bpe_vocab_size=300))
    assert data.vocab_size == 300
    text = "The quick brown fox — naïve café"
    ids = data.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert len(ids) < len(text.encode()) and data.tokenizer.decode(ids) == text


@pytest.mark.parametrize("task,check", [
    ("copy", lambda p, a: a == p), ("reverse", lambda p, a: a == p[::-1]), ("sort", lambda p, a: a == "".join(sorted(p))),
])
def test_synthetic_tasks_train_only_on_the_answer(task, check):
    data = prepare_data(cfg_for(source="synthetic", task=task, task_digits=5))
    tok = data.tokenizer
    x, y = data.batch("train", 3, torch.Generator().manual_seed(1))
    for row_x, row_y in zip(x, y):
        text = tok.decode(row_x.tolist()) + tok.decode([int(row_y[-1])])
        prompt, answer = text.rstrip("\n").split("=")
        assert check(prompt, answer)
        trained = [int(t) for t in row_y if t != IGNORE]
        assert tok.decode(trained) == answer + "\n"


def test_add_task_answers_are_sums():
    data = prepare_data(cfg_for(source="synthetic", task="add", task_digits=3))
    for prompt_ids, expected in data.prompts:
        a, b = data.tokenizer.decode(prompt_ids).rstrip("=").split("+")
        assert int(expected) == int(a) + int(b)


def test_chat_loss_covers_only_assistant_turns(builtin_session):
    tok = builtin_session.tokenizer
    messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello there!"},
                {"role": "user", "content": "Bye"}, {"role": "assistant", "content": "See you."}]
    ids, labels = chat_rows(tok, messages, 512)
    trained = tok.decode([t for t in labels if t != IGNORE])
    assert trained == "Hello there!<|im_end|>\nSee you.<|im_end|>\n"
    assert tok.decode(ids).count("<|im_start|>user") == 2


def test_example_chat_file_prepares_with_the_model_tokenizer(builtin_session):
    cfg = TrainConfig.from_dict({"data": {"source": "jsonl", "path": str(CHAT_EXAMPLE), "tokenizer": "model"},
                                 "finetune": {"mode": "lora", "base_model": "builtin"}, "seq_len": 128})
    data = prepare_data(cfg, base_tokenizer=builtin_session.tokenizer)
    assert data.kind == "examples" and data.train.ids.shape[0] >= 30
    prompt = builtin_session.tokenizer.decode(data.prompts[0][0])
    assert prompt.endswith("<|im_start|>assistant\n")


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary" * 100, "binary"),
    ("short text".encode(), "too small"),
    (b"\xff\xfe\xfa" * 500, "not UTF-8"),
])
def test_bad_text_files_give_clear_errors(tmp_path, content, message):
    path = tmp_path / "data.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        prepare_data(cfg_for(source="file", path=str(path)))


def test_missing_file_folder_without_text_and_bad_jsonl(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        prepare_data(cfg_for(source="file", path=str(tmp_path / "nope.txt")))
    (tmp_path / "img.png").write_bytes(b"\x89PNG")
    with pytest.raises(DataError, match="no readable .txt or .md"):
        prepare_data(cfg_for(source="folder", path=str(tmp_path)))
    bad = tmp_path / "chat.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n{oops\n')
    with pytest.raises(DataError, match="line 1: the conversation has no assistant"):
        prepare_data(cfg_for(source="jsonl", path=str(bad)))


def test_folder_of_markdown_is_read(tmp_path):
    for i in range(3):
        (tmp_path / f"note{i}.md").write_text("The cat sat on the mat. " * 40)
    data = prepare_data(cfg_for(source="folder", path=str(tmp_path)))
    assert data.train.n_tokens > 2000


def test_config_errors_name_the_field(tmp_path):
    with pytest.raises(ConfigError, match=r"model.n_head: 4 does not divide n_embd 130"):
        TrainConfig.from_dict({"model": {"n_embd": 130}})
    with pytest.raises(ConfigError, match=r"model.n_kv_head: 3 does not divide n_head 4"):
        TrainConfig.from_dict({"model": {"family": "llama", "n_kv_head": 3}})
    with pytest.raises(ConfigError, match=r"optim.lr: expected a number"):
        TrainConfig.from_dict({"optim": {"lr": "fast"}})
    with pytest.raises(ConfigError, match=r"optim.optimizr: unknown setting"):
        TrainConfig.from_dict({"optim": {"optimizr": "adam"}})
    path = tmp_path / "c.json"
    path.write_text(json.dumps(TrainConfig().to_dict()))
    assert load_train_config(path) == TrainConfig()
    path.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_train_config(path)


@pytest.mark.parametrize("spec", [
    {}, {"family": "llama", "n_kv_head": 2}, {"family": "llama", "n_inner": 100, "tie_embeddings": False},
    {"n_layer": 3, "n_head": 3, "n_embd": 48, "n_inner": 77, "tie_embeddings": False, "context_length": 50},
])
def test_parameter_formula_matches_the_meta_device_count(spec):
    from playground.core.models.builder import hf_config, meta_model
    from playground.core.models.sizing import count_parameters, param_breakdown
    from playground.core.models.spec import ModelSpec

    model = ModelSpec(**spec)
    assert param_breakdown(model.with_vocab(97)).total == count_parameters(meta_model(hf_config(model, 97)))


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_a_long_corpus_encoded_in_pieces_gives_the_ids_of_one_call(kind):
    """Pieces of ~5,000 characters (in the app: 64 K, for texts over 4 MB) cut where no token can span."""
    from playground.core.training.data import builtin_corpus
    from playground.core.training.tokenization import bpe_tokenizer, char_tokenizer, encode, encode_long

    text = builtin_corpus()[:200_000] + "\n  indented\n\n\nend  two  spaces" * 50
    tok = char_tokenizer(text) if kind == "char" else bpe_tokenizer([text[i:i + 4096] for i in range(0, len(text), 4096)], 400)
    pieces = encode_long(tok, text, chunk=5000, one_call=0)
    assert pieces.dtype == torch.int32 and pieces.tolist() == encode(tok, text)


def test_a_file_too_big_to_read_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:  # sparse: 1.5 GiB on paper, nothing on disk
        handle.truncate(3 << 29)
    with pytest.raises(DataError, match=r"huge.txt is 1.5 GiB; the most the app reads is 1 GiB"):
        prepare_data(cfg_for(source="file", path=str(huge)))
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "a.txt").write_text("tiny")
    with open(folder / "b.txt", "wb") as handle:
        handle.truncate(3 << 29)
    with pytest.raises(DataError, match="The folder books is 1.5 GiB"):
        prepare_data(cfg_for(source="folder", path=str(folder)))
