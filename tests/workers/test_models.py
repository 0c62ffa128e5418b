from pathlib import Path

from playground.core.models import sources
from playground.workers.base import FunctionWorker, WorkerThread
from playground.workers.model_controller import ModelController
from playground.workers.models import load


def test_load_worker_reports_progress_then_finishes(qtbot):
    worker = FunctionWorker(load, sources.builtin_source(), "cpu", "float32")
    progress = []
    worker.progressed.connect(progress.append)
    job = WorkerThread(worker)
    with qtbot.waitSignal(worker.finished, timeout=120_000) as blocker:
        job.start()
    qtbot.waitUntil(lambda: not job.is_running())
    session = blocker.args[0]
    assert progress and progress[-1].fraction == 1.0
    assert session.info().n_params > 100_000_000


def test_cancel_ends_a_first_time_conversion_early(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path))  # force the slow GGUF conversion
    worker = FunctionWorker(load, sources.builtin_source(), "cpu", "float32")
    worker.progressed.connect(lambda p: worker.stop() if "Converting" in p.message else None)
    job = WorkerThread(worker)
    with qtbot.waitSignal(worker.cancelled, timeout=60_000) as blocker:
        job.start()
    qtbot.waitUntil(lambda: not job.is_running())
    assert blocker.args[0].kind == "cancelled" and "cancelled" in blocker.args[0].message.lower()
    assert not any(Path(tmp_path, "models").glob("*/model.safetensors")), "a cancelled load writes no cache"


def test_controller_keeps_the_old_model_when_a_load_fails(qtbot, tmp_path, builtin_session):
    controller = ModelController()
    controller.adopt(builtin_session)
    with qtbot.waitSignal(controller.load_failed, timeout=30_000) as blocker:
        controller.load(sources.folder_source(tmp_path))
    qtbot.waitUntil(lambda: not controller.busy)
    assert blocker.args[0].kind == "user" and "config.json" in blocker.args[0].message
    assert controller.session is builtin_session
