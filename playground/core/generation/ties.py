"""Near-ties: greedy picks the model barely preferred, so a tiny change (another engine, int8 weights, another
device) can flip them and everything after. The Chat tab marks them.

Pure and cheap (no torch): it reads what `stream.TokenStep` recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

NEAR_TIE_RATIO = 0.9  # the runner-up at least 90% as likely as the pick: a logit gap under ~0.1


@dataclass(frozen=True)
class NearTie:
    chosen: str  # the token's text
    chosen_prob: float  # raw softmax probability
    runner_up: str
    runner_up_prob: float


def near_tie(step, ratio: float = NEAR_TIE_RATIO) -> NearTie | None:
    """The near-tie `step` (a TokenStep) was decided on, or None: only for a pick no sampling decided (its
    final distribution had one token: temperature 0, or top-k 1, ...) whose raw runner-up is within `ratio`."""
    if step.runner_up is None or step.prob < 1.0 - 1e-6:
        return None
    _, text, other = step.runner_up
    high, low = max(step.raw_prob, other), min(step.raw_prob, other)
    if high <= 0.0 or low / high < ratio:
        return None
    chosen = next((t for i, t, _ in step.alternatives if i == step.token_id), step.text)
    return NearTie(chosen, step.raw_prob, text, other)
