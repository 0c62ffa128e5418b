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


def ensure_streams() -> None:
    """A windowed app (the packaged one on Windows and macOS, or started from a desktop menu) may have no
    stdout/stderr: `sys.stdout` is None and the first print or warning would raise. Point them at the
    null device."""
    import os

    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the app


def run_module(argv: list[str]) -> int:
    """`--run-module MODULE ARGS…`: what `python -m MODULE ARGS…` does, for the packaged app, which has no
    Python beside it (the fast engine's model builder runs this way in a child process)."""
    import runpy

    from playground.core.processes import CHILD_MODULES

    if not argv or argv[0] not in CHILD_MODULES:
        print(f"playground: --run-module takes one of {', '.join(CHILD_MODULES)}", file=sys.stderr)
        return 2
    sys.argv = list(argv)
    try:
        runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    finally:
        loading = sys.modules.get("playground.core.models.loading")  # (never imported just for this)
        if loading is not None:
            loading.finish_background_copies()


def end(code: int) -> None:
    distributed = sys.modules.get("playground.core.training.distributed")  # (never imported just for this)
    if distributed is not None and distributed.joined:  # a torchrun rank, its group shut down
        distributed.end_process(code)
    sys.exit(code)


def _main(argv: list[str] | None = None) -> int:
    ensure_streams()
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run-module"]:
        return run_module(argv[1:])
    if argv[:1] == ["--prebuild"] and len(argv) == 2:  # packaging/build.py: what the bundle ships ready-made
        from pathlib import Path

        from playground.cli.prebuild import prebuild

        return prebuild(Path(argv[1]))
    args = build_parser().parse_args(argv)
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
    end(main())
