"""Near-ties: which greedy picks the Chat tab marks."""

import pytest

from playground.core.generation.stream import TokenStep
from playground.core.generation.ties import NEAR_TIE_RATIO, near_tie


def step(prob, raw, runner_up, token_id=1):
    alternatives = ((token_id, "The", prob),)
    return TokenStep(0, token_id, "The", prob, raw, alternatives, 0.0, runner_up)


def test_a_greedy_pick_whose_runner_up_is_nearly_as_likely_is_a_near_tie():
    tie = near_tie(step(1.0, 0.152, (2, "L", 0.140)))
    assert (tie.chosen, tie.chosen_prob, tie.runner_up, tie.runner_up_prob) == ("The", 0.152, "L", 0.140)


@pytest.mark.parametrize("prob, raw, runner_up", [
    (1.0, 0.568, (2, ",", 0.422)),  # a clear preference (ratio 0.74)
    (1.0, 0.03, (2, "a", 0.015)),  # only 1.5 points apart, but twice as likely: not a tie
    (0.5, 0.152, (2, "L", 0.140)),  # sampled: chance decided it anyway
    (1.0, 0.152, None),  # not recorded (a reply opened from an older file)
])
def test_clear_picks_sampled_picks_and_unknown_runner_ups_are_not(prob, raw, runner_up):
    assert near_tie(step(prob, raw, runner_up)) is None


def test_the_margin_is_a_ratio_of_the_two_probabilities():
    assert near_tie(step(1.0, 0.50, (2, "x", 0.50 * NEAR_TIE_RATIO))) is not None
    assert near_tie(step(1.0, 0.50, (2, "x", 0.50 * NEAR_TIE_RATIO - 0.001))) is None
    # a repetition penalty can make greedy pick the raw runner-up: still a near-tie if they are close
    assert near_tie(step(1.0, 0.140, (2, "x", 0.152))) is not None
