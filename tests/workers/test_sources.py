from playground.core.models import sources
from playground.workers.base import WorkerThread
from playground.workers.sources import ListSourcesWorker


def test_list_sources_worker_finds_the_builtin_model(qtbot):
    worker = ListSourcesWorker()
    job = WorkerThread(worker)
    with qtbot.waitSignal(worker.finished, timeout=30_000) as blocker:
        job.start()
    qtbot.waitUntil(lambda: not job.is_running())
    found = blocker.args[0]
    assert isinstance(found, tuple) and found[0] == sources.builtin_source()


def test_an_unreadable_runs_folder_fails_in_words(qtbot, monkeypatch):
    def broken():
        raise PermissionError("runs folder is not readable")

    monkeypatch.setattr(sources, "run_sources", broken)
    worker = ListSourcesWorker()
    job = WorkerThread(worker)
    with qtbot.waitSignal(worker.failed, timeout=30_000) as blocker:
        job.start()
    qtbot.waitUntil(lambda: not job.is_running())
    assert "not readable" in str(blocker.args[0])
