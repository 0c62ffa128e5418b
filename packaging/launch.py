"""The packaged app's entry point: the same `main` as `playground` / `python -m playground` (the GUI with
no command; `chat`, `serve`, `train`, `models`; `--smoke-test`; `--run-module` for its own child processes)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a child process started by the frozen app runs its target, not the app
    from playground.__main__ import main

    sys.exit(main())
