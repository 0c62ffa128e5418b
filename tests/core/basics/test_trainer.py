"""The Basics trainer: penalties, the network's shape, the gate, the comparison's shared start."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import torch

from playground.core.basics import datasets
from playground.core.basics.mlp import MLPSpec, TrainSettings, build_mlp, check, penalty
from playground.core.basics import trainer as trainer_module
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
    gate, stop, reports, snapshots = Gate(playing=False), threading.Event(), [], []
    trainer = Trainer(CIRCLES, TrainSettings(), boundary_resolution=16, thumbnail_resolution=8)
    thread = threading.Thread(target=run, args=(trainer,), kwargs=dict(
        on_report=reports.append, on_snapshot=snapshots.append, should_stop=stop, gate=gate))
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
    assert [s.epoch for s in snapshots] == [0, 1, 2]  # a step always draws
    assert all(s.boundary.shape == (16, 16) for s in snapshots)
    assert len(snapshots[-1].neurons) == 16 and snapshots[-1].neuron_layers == (0,) * 8 + (1,) * 8


def test_make_way_pauses_the_run_between_batches_until_its_deadline():
    gate = Gate()
    gate.give_way()  # nothing asked: returns at once
    gate.make_way(0.03)
    deadline = time.monotonic() + 0.03
    gate.give_way()
    assert time.monotonic() >= deadline - 1e-3


def test_snapshots_come_from_inside_an_epoch_ready_to_draw(monkeypatch):
    monkeypatch.setattr(trainer_module, "SNAPSHOT_INTERVAL_S", 0.0)  # one after every batch
    data = datasets.make_toy(datasets.ToySpec("xor", n_points=200, test_fraction=0.5, seed=0))
    snapshots = []
    trainer = Trainer(data, TrainSettings(batch_size=25, epochs=2), boundary_resolution=12, thumbnail_resolution=6)
    run(trainer, on_report=lambda r: None, on_snapshot=snapshots.append)
    # 100 training points in batches of 25: 4 per epoch, the untrained one first
    assert [s.epoch for s in snapshots] == [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]
    last = snapshots[-1]
    with torch.no_grad():
        trainer.model.eval()
        hidden = trainer.model.hidden(torch.from_numpy(datasets.grid(6)))[1][:, 3].reshape(6, 6).numpy()
        probs = torch.softmax(trainer.model(torch.from_numpy(datasets.grid(12))), 1)[:, 1].reshape(12, 12).numpy()
    assert np.allclose(last.boundary, probs, atol=1e-6)
    image = last.neurons[8 + 3]  # layer 2, neuron 3: uint8, scaled to its own range, top row first
    expected = (hidden - hidden.min()) / max(hidden.max() - hidden.min(), 1e-6) * 255
    assert image.dtype == np.uint8 and np.abs(image.astype(float) - expected[::-1]).max() <= 1


class _StopAfter(threading.Event):
    """Set by itself once it has been asked `calls` times."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls = calls

    def is_set(self) -> bool:
        self.calls -= 1
        return self.calls < 0 or super().is_set()


def test_a_stop_is_seen_between_two_batches():
    data = datasets.make_toy(datasets.ToySpec("circles", n_points=400, seed=0))
    trainer, seen = Trainer(data, TrainSettings(batch_size=1)), []
    result = run(trainer, on_report=lambda r: seen.append(r.epoch), should_stop=_StopAfter(5))
    assert result.stopped and seen == [0] and trainer.epoch == 0  # 200 batches an epoch
    assert int(trainer.optimizer.state[next(trainer.model.parameters())]["step"]) == 5  # asked before the epoch, then after batches 1-5: stops after the 5th


def test_compare_starts_every_optimizer_from_the_same_weights():
    reports = []
    digits = datasets.load_digits()
    settings = TrainSettings(MLPSpec(64, 10, 1, 16), lr=0.01, batch_size=64, epochs=2)
    results = compare(digits, settings, ("sgd", "adam"), on_report=reports.append)
    first = [r for r in reports if r.epoch == 0]
    assert [r.label for r in first] == ["sgd", "adam"] and first[0].test_loss == first[1].test_loss
    assert results["sgd"].last.test_loss != results["adam"].last.test_loss
    assert results["adam"].evaluation.confusion.sum() == len(digits.y_test)
