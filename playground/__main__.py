"""`playground` / `python -m playground`: the GUI with no command; `chat`, `serve`, `train`, `models`
from the command line (see `playground --help`); `--smoke-test` for CI."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    from playground.cli import add_subcommands

    parser = argparse.ArgumentParser(prog="playground", description="LLM Playground: chat with, train and "
                                     "look inside language models, offline. With no command, opens the app.")
    parser.add_argument("--smoke-test", action="store_true",
                        help="build the window offscreen, load the built-in model, generate 8 tokens, exit")
    add_subcommands(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is not None:
        from playground.cli import run

        return run(args)
    if args.smoke_test:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from playground.app import run_smoke_test

        return run_smoke_test()
    from playground.app import run_gui

    return run_gui()


if __name__ == "__main__":
    sys.exit(main())
