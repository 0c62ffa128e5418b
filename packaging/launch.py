"""The packaged app's entry point: the same `main` as `playground` / `python -m playground` (the GUI with
no command; `chat`, `serve`, `train`, `models`; `--smoke-test`; `--run-module` for its own child processes)."""

import multiprocessing
import os

if __name__ == "__main__":
    if not any(os.environ.get(name) for name in ("LC_ALL", "LC_CTYPE", "LANG")):
        os.environ["LANG"] = "C.UTF-8"  # started with an empty environment: Qt wants a UTF-8 locale
    multiprocessing.freeze_support()  # a child process started by the frozen app runs its target, not the app
    from playground.__main__ import end, main

    end(main())
