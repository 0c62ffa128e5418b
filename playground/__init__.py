"""LLM Playground: chat with, train, inspect and compress real language models, offline."""

__version__ = "0.1.0"
