"""Workers really run off the GUI thread (a regression: PySide6 ran overridden slots on the GUI thread)."""

from __future__ import annotations

import time

from PySide6.QtCore import QThread, Slot
from PySide6.QtWidgets import QApplication

from playground.core.errors import Cancelled, Failure, ModelLoadError
from playground.core.progress import Progress
from playground.workers.base import FunctionWorker, Worker, WorkerThread
from playground.workers.jobs import Jobs
from tests.workers.test_chat import Collector


class _RecordingWorker(Worker):
    ran_on_gui_thread = None

    @Slot()
    def run(self) -> None:
        type(self).ran_on_gui_thread = QThread.currentThread() is QApplication.instance().thread()
        self.finished.emit(None)


def test_worker_run_happens_on_its_own_thread(qtbot):
    job = WorkerThread(_RecordingWorker())
    with qtbot.waitSignal(job.done, timeout=10_000):
        job.start()
    assert _RecordingWorker.ran_on_gui_thread is False


def test_train_worker_reports_metrics_and_finishes(qtbot):
    from playground.core.training.config import TrainConfig
    from playground.workers.training import TrainWorker

    cfg = TrainConfig.from_dict({"model": {"n_layer": 1, "n_head": 2, "n_embd": 16, "context_length": 16},
                                 "max_steps": 3, "batch_size": 4, "eval_every": 0, "sample_every": 0})
    worker = TrainWorker(cfg)
    job = WorkerThread(worker)
    with qtbot.waitSignal(worker.finished, timeout=60_000) as finished:
        job.start()
    qtbot.waitUntil(lambda: not job.is_running(), timeout=10_000)
    events = worker.drain()
    assert finished.args[0].status == "finished"
    assert [kind for kind, _ in events if kind != "status"] == ["started", "metrics", "metrics", "metrics"]
    assert [m.step for kind, m in events if kind == "metrics"] == [1, 2, 3] and worker.drain() == []


def _slow_square(x: int, *, on_progress, should_stop) -> int:
    on_progress(0.0, "starting")
    for _ in range(200):
        if should_stop.is_set():
            raise Cancelled("Squaring cancelled.")
        time.sleep(0.01)
    on_progress(Progress(1.0, "done"))
    return x * x


def _broken() -> None:
    raise ModelLoadError("No config.json here.")


def test_function_worker_passes_progress_and_stop_and_emits_the_result(qtbot):
    worker = FunctionWorker(_slow_square, 7)
    sink, progress = Collector(), Collector()
    worker.finished.connect(sink.add)
    worker.progressed.connect(progress.add)
    job = WorkerThread(worker)
    with qtbot.waitSignal(job.done, timeout=10_000):
        job.start()
    qtbot.waitUntil(lambda: bool(sink.items))
    assert sink.items == [49] and worker.result == 49 and job.thread.objectName() == "_slow_square"
    assert progress.items == [Progress(0.0, "starting"), Progress(1.0, "done")]


def test_failures_and_cancellations_arrive_typed_on_their_own_signals(qtbot):
    failing = FunctionWorker(_broken)
    job = WorkerThread(failing)
    with qtbot.waitSignal(failing.failed, timeout=10_000) as failed:
        job.start()
    qtbot.waitUntil(lambda: not job.is_running())
    assert failed.args[0] == Failure("user", "No config.json here.", "ModelLoadError")

    slow = FunctionWorker(_slow_square, 3)
    slow.stop()
    job = WorkerThread(slow)
    with qtbot.waitSignal(slow.cancelled, timeout=10_000) as cancelled:
        job.start()
    qtbot.waitUntil(lambda: not job.is_running())
    assert cancelled.args[0].kind == "cancelled" and cancelled.args[0].message == "Squaring cancelled."


def test_jobs_latest_request_wins_and_the_replaced_one_is_stopped(qtbot):
    jobs = Jobs()
    got, cancelled = Collector(), Collector()
    first = FunctionWorker(_slow_square, 2)
    assert jobs.start("square", first, got.add, on_cancelled=cancelled.add)
    second = FunctionWorker(_slow_square, 5)
    assert not jobs.start("square", FunctionWorker(_slow_square, 9), got.add, replace=False)
    with qtbot.waitSignal(jobs.job_done, timeout=10_000) as done:
        jobs.start("square", second, got.add, on_cancelled=cancelled.add)
    assert first.should_stop.is_set() and done.args == ["square"]
    qtbot.waitUntil(lambda: not jobs.running("square"))
    assert got.items == [25] and cancelled.items == []  # the replaced job's cancellation is not delivered
    jobs.shutdown()


def test_jobs_discard_forgets_a_job_at_once_and_drops_its_late_result(qtbot):
    jobs = Jobs()
    got, cancelled, done = Collector(), Collector(), Collector()
    jobs.job_done.connect(done.add)
    worker = FunctionWorker(_slow_square, 3)
    jobs.start("square", worker, got.add, on_cancelled=cancelled.add)
    qtbot.wait(20)
    jobs.discard("square")
    assert worker.should_stop.is_set() and not jobs.running("square") and jobs.worker("square") is None
    thread = next(iter(jobs._by_worker.values())).thread
    qtbot.waitUntil(lambda: not thread.is_running(), timeout=10_000)
    qtbot.wait(50)  # the ended thread's signals are delivered
    assert got.items == [] and cancelled.items == [] and done.items == [] and not jobs._by_worker
    jobs.shutdown()


def test_jobs_shutdown_stops_and_waits_for_every_thread(qtbot):
    jobs = Jobs()
    worker = FunctionWorker(_slow_square, 4)
    jobs.start("square", worker, start_later=True)
    assert jobs.running("square") and jobs.worker("square") is worker
    qtbot.wait(50)
    jobs.shutdown()
    assert worker.should_stop.is_set() and not jobs.running("square")


_RACE = """
import json
from PySide6.QtCore import QCoreApplication, QTimer
from playground.core.models import sources
from playground.core.models.builder import build_config
from playground.workers.base import FunctionWorker, WorkerThread
from playground.workers.models import load

app = QCoreApplication([])
results, jobs = {}, []

def run(name, worker):
    worker.finished.connect(lambda value: results.update({name: type(value).__name__}))
    worker.failed.connect(lambda failure: results.update({name: failure.message}))
    jobs.append(WorkerThread(worker).start())

def on_gui_thread():
    try:
        results["gui"] = type(build_config({"model_type": "llama", "hidden_size": 64})).__name__
    except Exception as exc:
        results["gui"] = repr(exc)

run("load", FunctionWorker(load, sources.builtin_source(), "cpu", "float32"))
for ms in (100, 300, 500, 700):  # the load's import window: ~0.2-1.5 s, so one of them lands in it
    QTimer.singleShot(ms, lambda ms=ms: run(f"check{ms}", FunctionWorker(build_config, {"model_type": "gpt2"})))
QTimer.singleShot(400, on_gui_thread)
timer = QTimer(interval=50, timeout=lambda: len(results) == 6 and app.quit())
timer.start()
app.exec()
for job in jobs:
    job.shutdown()
print(json.dumps(results))
"""


def test_threads_importing_transformers_during_the_first_load_all_succeed():
    """transformers swaps in its lazy module at the end of its __init__: a second thread importing it
    meanwhile got the half-built module (ImportError). A fresh interpreter, so nothing is imported yet."""
    import json
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _RACE], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-2000:]
    results = json.loads(out.stdout.strip().splitlines()[-1])
    assert results == {"load": "ModelSession", "gui": "LlamaConfig",
                       **{f"check{ms}": "GPT2Config" for ms in (100, 300, 500, 700)}}
