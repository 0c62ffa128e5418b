"""Evaluation metrics and the report exports."""

from __future__ import annotations

import csv
import io
import math

import pytest
import torch

from playground.core.optimize.evaluation import (EvalSettings, VariantMetrics, evaluate, held_out_text, perplexity,
                                        text_ids)
from playground.core.files import write_text_atomic
from playground.core.optimize.report import cells, to_csv, to_markdown
from playground.core.errors import PlaygroundError


def tiny_llama():
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    return LlamaForCausalLM(LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                                        num_attention_heads=4, num_key_value_heads=2)).eval()


def test_perplexity_is_exp_of_the_models_own_loss():
    model = tiny_llama()
    ids = list(range(1, 40))
    with torch.no_grad():
        loss = model(input_ids=torch.tensor([ids]), labels=torch.tensor([ids])).loss
    assert perplexity(model, ids, window=64) == pytest.approx(math.exp(float(loss)), rel=1e-4)
    # windows: same tokens scored, each window restarts its context -> a different but finite value
    windowed = perplexity(model, ids, window=8)
    assert math.isfinite(windowed) and windowed != pytest.approx(math.exp(float(loss)), rel=1e-6)


def test_held_out_text_is_fixed_and_a_user_file_replaces_it(tmp_path):
    assert held_out_text(EvalSettings()) == held_out_text(EvalSettings())
    text = "The quick brown fox jumps over the lazy dog. " * 20
    (tmp_path / "mine.txt").write_text(text, encoding="utf-8")
    assert held_out_text(EvalSettings(text_file=str(tmp_path / "mine.txt"))).startswith("The quick brown fox")
    (tmp_path / "short.txt").write_text("too short", encoding="utf-8")
    with pytest.raises(PlaygroundError, match="too little text"):
        held_out_text(EvalSettings(text_file=str(tmp_path / "short.txt")))
    with pytest.raises(PlaygroundError, match="Could not read"):
        held_out_text(EvalSettings(text_file=str(tmp_path / "missing.txt")))


def test_evaluate_the_builtin_model(builtin_session):
    settings = EvalSettings(new_tokens=8, ppl_tokens=64)
    m = evaluate("original", "original", builtin_session.model, builtin_session.tokenizer, settings)
    assert m.params_total == 134_515_008 and 0 < m.params_nonzero <= m.params_total
    assert m.memory_bytes == pytest.approx(m.params_total * 4, rel=0.01)  # float32, the tied head counted once
    assert m.disk_bytes == pytest.approx(m.params_total * 4, rel=0.01)
    assert 1.0 < m.perplexity < 60.0 and m.tokens_per_s > 0
    assert "Paris" in m.answer and m.dtype == "float32" and m.device == "cpu"
    assert len(text_ids(builtin_session.tokenizer, settings)) == 64


def rows():
    original = VariantMetrics("original", "original", 1000, 990, 4000, 4000, 10.0, 12.0, "Paris.", "float32", "cpu")
    small = VariantMetrics("int4 | g64", "int4-weight", 1000, 900, 1000, 1000, 5.0, 15.0, "Paris,\nFrance.",
                           "float32", "cpu", note="head kept")
    return [original, small]


def test_cells_show_the_change_against_the_original():
    original, small = rows()
    assert cells(original, original)[3] == "3.9 KiB"
    text = cells(small, original)
    assert text[3] == "1000 B (-75%)" and text[5] == "5.0 (-50%)" and text[6] == "15.00 (+25%)"
    assert text[2] == "900 (90%)"


def test_markdown_and_csv_exports(tmp_path):
    md = to_markdown(rows(), details="built-in model")
    assert "| Variant | Parameters |" in md and "int4 \\| g64" in md and "Paris, France." in md
    assert "- **int4 | g64**: head kept" in md
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows()))))
    assert parsed[1]["name"] == "int4 | g64" and float(parsed[1]["sparsity"]) == pytest.approx(0.1)
    assert parsed[1]["answer"] == "Paris,\nFrance." and int(parsed[0]["memory_bytes"]) == 4000
    path = write_text_atomic(tmp_path / "out" / "report.md", md)
    assert path.read_text(encoding="utf-8") == md
    assert [p.name for p in path.parent.iterdir()] == ["report.md"]
