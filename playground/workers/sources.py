"""Lists the models on this machine off the GUI thread: the HF cache walk stats every snapshot folder."""

from __future__ import annotations

from PySide6.QtCore import Slot

from playground.workers.base import Worker


class ListSourcesWorker(Worker):
    """Emits finished(tuple[ModelSource, ...]): the built-in model, training runs, the HF cache."""

    @Slot()
    def run(self) -> None:
        try:
            from playground.core.models.sources import list_sources

            found = tuple(list_sources())
        except Exception as exc:  # noqa: BLE001 - an unreadable folder reaches the status bar
            self.fail(exc)
        else:
            self.finished.emit(found)
