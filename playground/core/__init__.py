"""The shared model core: pure Python + torch + transformers, never Qt.

Importing this package is cheap (no torch); heavy modules import torch themselves.
"""

import os

# The app works offline: never let transformers/huggingface_hub reach for the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
