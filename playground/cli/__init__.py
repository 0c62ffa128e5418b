"""The command line: `playground chat | serve | train | models`. Never imports Qt, so every command
works on a machine with no display. Errors end as one line on stderr and a non-zero exit status."""

from __future__ import annotations

import argparse
import importlib
import sys

# name → (module with add_arguments/run, one-line help)
COMMANDS = {
    "chat": ("playground.cli.chat", "chat with a model in the terminal (one reply, or a conversation)"),
    "serve": ("playground.cli.serve", "serve a model over an OpenAI-compatible HTTP API"),
    "train": ("playground.cli.train", "train or fine-tune from a config JSON (torchrun for several processes)"),
    "models": ("playground.cli.models", "list the models you can pass to --model"),
}

EXAMPLES = """examples:
  playground                                   open the app
  playground chat -t 0 "What is the capital of France?"
  playground chat --model my-run               talk to a model you trained
  playground serve --port 8000                 then point any OpenAI client at http://127.0.0.1:8000/v1
  playground train run.json                    train headless with a config the Training tab exported
  torchrun --nproc_per_node=2 -m playground train run.json    the same on 2 processes (DDP)
"""


def add_subcommands(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXAMPLES
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        add_arguments = getattr(_module(module), "add_arguments", None)
        if add_arguments is not None:
            add_arguments(sub)


def _module(name: str):
    return importlib.import_module(name)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:300] + "…"


def run(args: argparse.Namespace) -> int:
    """Run the chosen command; a PlaygroundError (or a bad file) becomes one line on stderr, exit 1."""
    from playground.core.errors import PlaygroundError

    try:
        if args.command == "models":
            return _module("playground.cli.models").list_models()
        return _module(COMMANDS[args.command][0]).run(args)
    except PlaygroundError as exc:
        print(f"playground {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError, RuntimeError, MemoryError, RecursionError) as exc:  # e.g. torch's own errors
        print(f"playground {args.command}: error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
