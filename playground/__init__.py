"""LLM Playground: chat with, train, inspect and compress real language models, offline."""

import os

__version__ = "0.1.0"

# Idle OpenMP threads sleep instead of spinning. torch's default (spin ~0.3 ms after every parallel op)
# burns the cores that the GUI thread and other programs need; on a busy 2-core machine it made
# generation 5x slower (2.4 vs 12 tokens/s) and froze the event loop (bench/results.md). It must be
# set before torch starts its thread pool, hence here; OMP_WAIT_POLICY=ACTIVE in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
