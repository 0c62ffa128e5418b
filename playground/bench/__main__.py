"""`make bench`: measure every hot path against its plain twin; write bench/results.md + .json.

    python -m playground.bench            # full run (several minutes)
    python -m playground.bench --quick    # tiny sizes, one repeat: checks the script itself
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
import tempfile
from pathlib import Path

from playground.bench.common import Row, machine_summary, rewrite_results, write_results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m playground.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat (a sanity check)")
    parser.add_argument("--out", type=Path, default=Path("bench"), help="folder for results.md/.json")
    parser.add_argument("--repeats", type=int, default=None, help="repeats per figure (median reported)")
    parser.add_argument("--only", default="", help="comma-separated sections to run")
    parser.add_argument("--rewrite", action="store_true",
                        help="measure nothing: write results.md again from results.json (after a format change)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.rewrite:
        print(rewrite_results(args.out).read_text())
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PLAYGROUND_DATA_DIR", tempfile.mkdtemp(prefix="bench-data-"))  # runs stay out of yours
    repeats = args.repeats or (1 if args.quick else 3)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    wanted = (lambda name: not only or name in only)
    started = dt.datetime.now().isoformat(timespec="seconds")
    load_before = os.getloadavg()[0]

    from playground.app import create_app

    app = create_app()
    app.setOrganizationName("LLMPlayground-bench")  # the bench's toggles stay out of your settings
    from playground.core.models import sources
    from playground.core.models.loading import load_model

    rows: list[Row] = []
    notes: list[str] = []  # sections that were skipped or left a figure out, one line each
    session = load_model(sources.builtin_source())
    n_tokens = 8 if args.quick else 128
    sections = _sections(args, session, n_tokens, repeats, notes)
    for name, run in sections:
        if wanted(name):
            print(f"[{name}]", flush=True)
            gc.collect()  # a section must not pay for the garbage of the ones before it (a full GC: ~0.3 s)
            rows += run()
    from playground.bench import anchors

    rows += anchors.ratio_rows(rows)  # the GGUF engine against llama.cpp, once both sections ran
    meta = {"machine": machine_summary(), "started": started, "mode": "quick" if args.quick else "full",
            "repeats": repeats, "load_average": [load_before, os.getloadavg()[0]], "notes": notes}
    path = write_results(rows, args.out, meta)
    print(path.read_text())
    app.processEvents()
    return 0


def _sections(args, session, n_tokens: int, repeats: int, notes: list[str]):
    from playground.bench import anchors, basics, engines, generation, gui, inspection, startup, training

    def gui_rows():
        from playground.ui.shell.main_window import MainWindow

        from PySide6.QtTest import QTest

        window = MainWindow(autoload=False)
        window.show()
        QTest.qWait(300)  # the window's deferred set-up (the chart's plot, right after the first paint)
        try:
            return gui.run(window, quick=args.quick, n_tokens=n_tokens, repeats=repeats)
        finally:
            window.close()

    return [
        ("generation", lambda: generation.run(session, n_tokens=n_tokens, repeats=repeats)),
        ("engines", lambda: engines.run(session, n_tokens=n_tokens, repeats=repeats, quick=args.quick)),
        ("anchors", lambda: anchors.run(session, quick=args.quick, repeats=repeats, notes=notes)),
        ("training", lambda: training.run(quick=args.quick, repeats=repeats)),
        ("inspection", lambda: inspection.run(session, quick=args.quick, repeats=repeats)),
        ("gui", gui_rows),
        ("basics", lambda: basics.run(quick=args.quick, repeats=repeats)),
        ("startup", lambda: startup.run(repeats=repeats, include_conversion=not args.quick)),
    ]


if __name__ == "__main__":
    sys.exit(main())
