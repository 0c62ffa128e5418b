"""Distillation: the loss itself, and a short real run against the built-in model as teacher."""

from __future__ import annotations

import pytest
import torch

from playground.core.training.distill import DistillConfig, DistillError, distill, distill_loss
from playground.core.optimize.evaluation import builtin_corpus
from playground.core.models.spec import ModelSpec
from playground.core.training.config import DataConfig, OptimConfig


def test_distill_loss_parts():
    torch.manual_seed(0)
    logits = torch.randn(2, 5, 11)
    targets = torch.randint(0, 11, (2, 5))
    loss, kl, ce = distill_loss(logits, logits.clone(), targets, temperature=2.0, alpha=0.5)
    assert float(kl) == pytest.approx(0.0, abs=1e-6)
    assert float(ce) == pytest.approx(float(torch.nn.functional.cross_entropy(logits.flatten(0, 1),
                                                                              targets.flatten())), rel=1e-6)
    assert float(loss) == pytest.approx(0.5 * float(ce), rel=1e-6)
    other = torch.randn(2, 5, 11)
    _, kl_t1, _ = distill_loss(logits, other, targets, temperature=1.0, alpha=1.0)
    p = torch.softmax(other, -1).flatten(0, 1)
    expected = (p * (p.log() - torch.log_softmax(logits, -1).flatten(0, 1))).sum(-1).mean()
    assert float(kl_t1) == pytest.approx(float(expected), rel=1e-5)


def test_bad_settings_are_refused():
    with pytest.raises(DistillError, match="temperature"):
        DistillConfig(temperature=0.0).validate()
    with pytest.raises(DistillError, match="alpha"):
        DistillConfig(alpha=1.5).validate()
    with pytest.raises(DistillError, match="n_head"):
        DistillConfig(student=ModelSpec(family="llama", n_embd=100, n_head=3)).validate()


def small_config(text_file, steps=12) -> DistillConfig:
    return DistillConfig(
        student=ModelSpec(family="llama", n_layer=2, n_head=2, n_kv_head=1, n_embd=32, context_length=64),
        data=DataConfig(source="file", path=str(text_file), tokenizer="model"),
        optim=OptimConfig(lr=5e-3, warmup_steps=2), steps=steps, batch_size=2, seq_len=16, eval_every=6,
        eval_batches=2)


@pytest.fixture
def small_text(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text(builtin_corpus()[:6000], encoding="utf-8")
    return path


def test_a_short_distillation_lowers_the_students_kl(builtin_session, small_text):
    teacher = builtin_session.model
    before = {k: v.clone() for k, v in list(teacher.state_dict().items())[:4]}
    steps = []
    result = distill(teacher, builtin_session.tokenizer, small_config(small_text), on_metrics=steps.append)
    assert [s.step for s in steps] == list(range(1, 13))
    assert result.last_val_kl < 0.9 * result.first_val_kl  # the student moved towards the teacher
    assert steps[-1].parts["val_kl"] == pytest.approx(result.last_val_kl)
    assert [s.val_loss is not None for s in steps].count(True) == 2  # steps 6 and 12
    assert result.model.config.vocab_size == teacher.config.vocab_size and result.n_params < 2_000_000
    assert all(torch.equal(before[k], teacher.state_dict()[k]) for k in before)  # the teacher is untouched


def test_stopping_early_keeps_the_partial_student(builtin_session, small_text):
    import threading

    stop = threading.Event()

    def on_metrics(step):
        if step.step == 3:
            stop.set()

    result = distill(builtin_session.model, builtin_session.tokenizer, small_config(small_text),
                     on_metrics=on_metrics, should_stop=stop)
    assert result.stopped and result.steps == 3
