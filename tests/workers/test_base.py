"""Workers really run off the GUI thread (a regression: PySide6 ran overridden slots on the GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import QThread, Slot
from PySide6.QtWidgets import QApplication

from playground.workers.base import Worker, WorkerThread


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
