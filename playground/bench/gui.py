"""The GUI's cost: the same training and generation driven through the real widgets (offscreen) vs the
headless core, and the longest event-loop stall (a 10 ms QTimer probe) while each runs.

Training: the Training tab gets the benchmark config and its Start button is clicked; the twin is
`core.trainer.train` with the same config. Both are timed end to end (set-up, steps, final save).
Generation: the Chat tab sends a message (greedy, N tokens); the twin is `generate_stream` on the very
prompt ids the tab built, with the same settings; compared end to end (Send → reply) and by the median
time between tokens (what the GUI thread's work costs the worker; bursts on a shared CPU move it less).
Runs alternate (GUI, headless, GUI, …).
"""

from __future__ import annotations

import statistics
import tempfile
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.bench.common import Row
from playground.bench.responsiveness import StallProbe, wait_signal

PROMPT = "Write a long story about a lighthouse keeper who finds a message in a bottle."


def _stall_row(label: str, stalls: list[float], limit_ms: float) -> Row:
    worst = max(stalls) * 1000  # the worst repeat: one freeze is one too many
    print(f"  longest stall during {label}: {worst:.0f} ms")
    return Row("responsiveness", f"longest event-loop stall during {label}", worst, "ms",
               target=f"<= {limit_ms:.0f} ms", passed=worst <= limit_ms)


def _overhead_row(what: str, gui: float, headless: float, unit: str, higher_is_better: bool) -> Row:
    """GUI figure against the headless one; the target is at most 5% slower."""
    ok = gui >= 0.95 * headless if higher_is_better else gui <= 1.05 * headless
    return Row("gui overhead", what, gui, unit, headless, "headless core",
               ">= 0.95x" if higher_is_better else "<= 1.05x", ok)


# ---------------------------------------------------------------- training
def train_through_tab(window, cfg) -> tuple[float, float]:
    """(seconds from the Start click to training_finished, longest stall)."""
    tab = window.tab("trainingTab")
    window.tabs.setCurrentWidget(tab)
    tab.set_config(cfg)
    with StallProbe() as probe:
        started = time.perf_counter()
        QTest.mouseClick(tab.start_button, Qt.LeftButton)
        result = wait_signal(tab.training_finished)[0]
        took = time.perf_counter() - started
    if result.status != "finished":
        raise RuntimeError(f"training through the tab ended {result.status}: {result.message}")
    while tab.is_training:  # let the worker thread finish before the next run
        wait_signal(tab._jobs.job_done)
    return took, probe.longest


def train_headless(cfg) -> float:
    from playground.core.training.trainer import train

    with tempfile.TemporaryDirectory(prefix="bench-run-") as run_dir:
        started = time.perf_counter()
        train(cfg, on_metrics=lambda m: None, run_dir=run_dir)
        return time.perf_counter() - started


def training_rows(window, *, quick: bool, repeats: int) -> list[Row]:
    from playground.bench.training import bench_config

    cfg = bench_config(quick=quick, steps=6 if quick else 60)
    cfg = cfg.replace(log_every=1)  # the tab's default: every step reported and plotted
    gui, headless, stalls = [], [], []
    # warm-up, as for generation: the tab's first run pays the one-time costs (the trainer's imports, the
    # plots' first build) that every headless run after it would be spared
    train_through_tab(window, cfg.replace(max_steps=min(cfg.max_steps, 6)))
    for _ in range(repeats):
        took, stall = train_through_tab(window, cfg)
        gui.append(took)
        stalls.append(stall)
        headless.append(train_headless(cfg))
    g, h = statistics.median(gui), statistics.median(headless)
    print(f"  training {cfg.max_steps} steps: Training tab {g:.2f} s, headless {h:.2f} s")
    return [_overhead_row(f"training {cfg.max_steps} steps via the Training tab (Start → finished)", g, h,
                          "s", higher_is_better=False),
            _stall_row("training (Training tab)", stalls, 50)]


# ---------------------------------------------------------------- generation
def _decode_tokens_per_s(steps) -> float:
    """Tokens per second from the median gap between consecutive tokens (prefill excluded)."""
    gaps = [b.elapsed - a.elapsed for a, b in zip(steps, steps[1:])]
    return 1.0 / max(statistics.median(gaps), 1e-9) if gaps else 0.0


def chat_through_tab(window, settings) -> tuple[float, float, object]:
    """(tokens/s from Send to reply_finished, longest stall, the reply's Message)."""
    tab = window.tab("chatTab")
    window.tabs.setCurrentWidget(tab)
    tab.clear_conversation()
    tab.engine_combo.setCurrentText("Exact (PyTorch)")  # compared with the headless PyTorch path
    tab.sampling.set_settings(settings)
    tab.input.setPlainText(PROMPT)
    with StallProbe() as probe:
        started = time.perf_counter()
        QTest.mouseClick(tab.send_button, Qt.LeftButton)
        finished = wait_signal(tab.reply_finished)[0]
        took = time.perf_counter() - started
    if finished.result is None:
        raise RuntimeError(f"the Chat tab's reply failed: {finished.error}")
    while tab.is_generating():
        wait_signal(tab.streamer.running_changed)
    return len(finished.result.token_ids) / took, probe.longest, finished.message


def chat_headless(session, prompt_ids, settings) -> tuple[float, float]:
    """(tokens/s end to end, tokens/s from the median gap between tokens)."""
    from playground.core.generation.engine import TorchEngine
    from playground.core.generation.stream import eos_ids, generate_stream

    steps = []
    started = time.perf_counter()
    with session.lock:
        result = generate_stream(TorchEngine(session.model), session.tokenizer, list(prompt_ids), settings,
                                 stop_ids=eos_ids(session.model, session.tokenizer), on_token=steps.append,
                                 context_length=session.context_length)
    return len(result.token_ids) / (time.perf_counter() - started), _decode_tokens_per_s(steps)


def generation_rows(window, *, n_tokens: int, repeats: int) -> list[Row]:
    from dataclasses import replace

    from playground.core.generation.sampling import GREEDY

    settings = replace(GREEDY, max_new_tokens=n_tokens)
    session = window.controller.session
    gui, headless, stalls, gui_decode = [], [], [], []
    chat_through_tab(window, replace(settings, max_new_tokens=4))  # warm-up: first-call allocations
    for _ in range(repeats):
        tps, stall, message = chat_through_tab(window, settings)
        gui.append(tps)
        gui_decode.append(_decode_tokens_per_s(message.tokens))
        stalls.append(stall)
        headless.append(chat_headless(session, message.prompt_ids, settings))
    g, h = statistics.median(gui), statistics.median(t for t, _ in headless)
    gd, hd = statistics.median(gui_decode), statistics.median(d for _, d in headless)
    dtype = str(session.dtype).removeprefix("torch.")
    print(f"  generation ({dtype}): Chat tab {g:.1f} tok/s, headless {h:.1f} tok/s; "
          f"median token gap: {gd:.1f} vs {hd:.1f} tok/s")
    return [_overhead_row(f"generation via the Chat tab (Send → reply), {n_tokens} greedy tokens, {dtype}", g, h,
                          "tok/s", higher_is_better=True),
            _overhead_row("generation via the Chat tab, median time between tokens", gd, hd, "tok/s",
                          higher_is_better=True),
            _stall_row("generation (Chat tab)", stalls, 50)]


# ---------------------------------------------------------------- model load
def load_rows(window, repeats: int) -> list[Row]:
    """The PyTorch model load alone (fast engine off), then the fast engine's start (its ONNX model,
    already built, loaded on a plain InferenceSession in a worker), each with the longest stall."""
    from playground.core.models import sources

    controller, engines, stalls = window.controller, window.tab("chatTab").engines, []
    engines.action.setChecked(False)
    for _ in range(repeats):
        with StallProbe() as probe:
            if window.load_source(sources.builtin_source()):
                wait_signal(controller.busy_changed)
            while controller.busy:
                wait_signal(controller.busy_changed)
        stalls.append(probe.longest)
    if controller.session is None:
        raise RuntimeError("the built-in model did not load in the window")
    rows = [_stall_row("model load (cached, PyTorch)", stalls, 100)]
    fast_stalls = []
    for _ in range(repeats):
        engines.action.setChecked(False)
        engines.ready.clear()  # load the ONNX model again
        with StallProbe() as probe:
            engines.action.setChecked(True)  # selects Fast (ONNX int4), which loads it on a worker
            while engines.building is not None:
                wait_signal(engines._jobs.job_done)
        fast_stalls.append(probe.longest)
    if not engines.ready:
        raise RuntimeError(f"the fast engine did not start: {engines.errors}")
    engines.action.setChecked(False)  # the GUI-overhead rows compare the PyTorch path
    rows.append(_stall_row("fast engine start (its ONNX session loads on a worker)",
                           fast_stalls, 100))
    return rows


def run(window, *, quick: bool, n_tokens: int, repeats: int) -> list[Row]:
    """Load the built-in model in the window, then generate and train through the tabs."""
    rows = load_rows(window, repeats)
    rows += generation_rows(window, n_tokens=n_tokens, repeats=repeats)
    rows += training_rows(window, quick=quick, repeats=repeats)
    return rows
