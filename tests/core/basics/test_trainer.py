"""The Basics trainer: penalties, the network's shape, the gate, the comparison's shared start."""

from __future__ import annotations

import threading

import pytest
import torch

from playground.core.basics import datasets
from playground.core.basics.mlp import MLPSpec, TrainSettings, build_mlp, check, penalty
from playground.core.basics.trainer import Gate, Trainer, compare, run
from playground.core.errors import PlaygroundError

CIRCLES = datasets.make_toy(datasets.ToySpec("circles", n_points=120, seed=0))


def test_l2_shrinks_the_weights_against_no_l2_from_the_same_seed():
    norms = {}
    for l2 in (0.0, 0.003):
        result = run(Trainer(CIRCLES, TrainSettings(l2=l2, epochs=30)), on_report=lambda r: None)
        norms[l2] = result.last.weight_norm
    assert norms[0.003] < 0.7 * norms[0.0]


def test_the_penalty_is_l1_abs_plus_l2_squares_of_the_weights_only():
    torch.manual_seed(0)
    model = build_mlp(MLPSpec(hidden_layers=1, neurons=3))
    w = [model.blocks[0].linear.weight, model.head.weight]
    expected = 0.1 * sum(x.abs().sum() for x in w) + 0.01 * sum(x.pow(2).sum() for x in w)
    assert torch.allclose(penalty(model, 0.1, 0.01), expected)


def test_residual_connections_only_where_widths_match():
    model = build_mlp(MLPSpec(hidden_layers=3, neurons=5, residual=True, batch_norm=True))
    assert [b.residual for b in model.blocks] == [False, True, True]
    assert isinstance(model.blocks[1].norm, torch.nn.BatchNorm1d)
    hidden = model.hidden(torch.zeros(4, 2))
    assert [h.shape for h in hidden] == [torch.Size([4, 5])] * 3 and model(torch.zeros(4, 2)).shape == (4, 2)


@pytest.mark.parametrize("change, control", [({"lr": 0.0}, "Learning rate"), ({"lr": -1.0}, "Learning rate"),
                                             ({"batch_size": 0}, "Batch size")])
def test_impossible_training_settings_name_the_control(change, control):
    with pytest.raises(PlaygroundError, match=control):
        check(TrainSettings(**change))


def test_zero_neurons_names_the_control():
    with pytest.raises(PlaygroundError, match="Neurons per layer"):
        check(TrainSettings(MLPSpec(neurons=0)))


def test_a_paused_gate_runs_exactly_one_epoch_per_step():
    gate, stop, reports = Gate(playing=False), threading.Event(), []
    trainer = Trainer(CIRCLES, TrainSettings(), boundary_resolution=16, thumbnail_resolution=8)
    thread = threading.Thread(target=run, args=(trainer,),
                              kwargs=dict(on_report=reports.append, should_stop=stop, gate=gate))
    thread.start()
    gate.step()
    gate.step()
    for _ in range(200):
        if len(reports) == 3:
            break
        threading.Event().wait(0.02)
    stop.set()
    thread.join(10)
    assert [r.epoch for r in reports] == [0, 1, 2]
    assert all(r.boundary.shape == (16, 16) for r in reports)  # a step always draws
    assert len(reports[-1].neurons) == 16 and reports[-1].neuron_layers == (0,) * 8 + (1,) * 8


def test_compare_starts_every_optimizer_from_the_same_weights():
    reports = []
    digits = datasets.load_digits()
    settings = TrainSettings(MLPSpec(64, 10, 1, 16), lr=0.01, batch_size=64, epochs=2)
    results = compare(digits, settings, ("sgd", "adam"), on_report=reports.append)
    first = [r for r in reports if r.epoch == 0]
    assert [r.label for r in first] == ["sgd", "adam"] and first[0].test_loss == first[1].test_loss
    assert results["sgd"].last.test_loss != results["adam"].last.test_loss
    assert results["adam"].evaluation.confusion.sum() == len(digits.y_test)
