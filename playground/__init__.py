"""LLM Playground: chat with, train, inspect and compress real language models, offline."""

import os

__version__ = "0.1.0"

# Idle OpenMP threads sleep instead of spinning. torch's default (spin ~0.3 ms after every parallel op)
# burns the cores that the GUI thread and other programs need; on a busy 2-core machine it made
# generation 5x slower (2.4 vs 12 tokens/s) and froze the event loop (bench/results.md). It must be
# set before torch starts its thread pool, hence here; OMP_WAIT_POLICY=ACTIVE in the environment wins.
# Another program run from here (llama.cpp in `make bench`) gets the environment without it: its
# OpenMP threads sleeping between ops made llama.cpp 5x slower (19 vs 100 tokens/s).
SET_FOR_TORCH = () if "OMP_WAIT_POLICY" in os.environ else ("OMP_WAIT_POLICY",)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def foreign_environment() -> dict[str, str]:
    """os.environ without what this package set for its own torch (for another program's process)."""
    return {k: v for k, v in os.environ.items() if k not in SET_FOR_TORCH}
