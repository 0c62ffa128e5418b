"""The Chat tab's engines in `engineCombo`: "Fast (ONNX int4/int8)", "Exact (ONNX fp32)" (the same greedy
tokens as PyTorch float32, ~2x faster on a CPU) and "Exact (PyTorch)".

The fast engine's ONNX model is built once per model and precision, in a worker, while the chat keeps
working on PyTorch; `engineStatusLabel` beside the combo shows the build's progress. Whenever the fast
engine cannot answer (turned off, model unsupported, packages missing, build failed or still running)
the reply runs on PyTorch and a one-line notice says why.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtGui import QAction

from playground.core.errors import Failure
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs

EXACT_ENGINE = "Exact (PyTorch)"
ONNX_ENGINES = {"Fast (ONNX int4)": "int4", "Fast (ONNX int8)": "int8", "Exact (ONNX fp32)": "fp32"}
SETTING = "chat/fast_engine"
FAST_DEFAULT_MIN_PARAMS = 50_000_000  # tiny models trained here gain little: Exact stays their default


def fast_engine_enabled() -> bool:
    """The user's setting; by default on (PLAYGROUND_FAST_ENGINE=0 changes the default, as the tests do)."""
    default = os.environ.get("PLAYGROUND_FAST_ENGINE", "1") != "0"
    return QSettings().value(SETTING, default, type=bool)


class EngineSwitcher(QObject):
    """Owns the fast entries of `tab.engine_combo`, the builds behind them and the fallback notices."""

    def __init__(self, tab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.ready: dict[tuple[Path, str], object] = {}  # (HF folder, precision) -> OnnxEngine
        self.errors: dict[tuple[Path, str], str] = {}
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)
        self.building: tuple[Path, str] | None = None  # (HF folder, precision) of the running build
        self._pending: tuple[Path, str] | None = None
        self._model = ("", "")  # (source key, device) defaults were last chosen for
        for index, (name, precision) in enumerate(ONNX_ENGINES.items()):
            tab.add_engine(name, lambda session, p=precision: self.engine_for(session, p), index=index)
        self.status = tab.engine_status
        self.action = QAction("Fast chat engine (ONNX)", tab, objectName="fastEngineAction", checkable=True)
        self.action.setToolTip("Chat on ONNX Runtime (4- or 8-bit weights, several times faster on a CPU). "
                               "Off: every reply runs on PyTorch.")
        self.action.setChecked(fast_engine_enabled())
        self.action.toggled.connect(self._on_action_toggled)
        tab.engine_combo.currentTextChanged.connect(self._on_engine_combo_changed)
        tab.controller.model_changed.connect(self.on_model_changed)
        self._apply_enabled()

    # ------------------------------------------------------------------ choosing
    def _folder(self, session) -> tuple[Path | None, str]:
        from playground.core.engines.onnx_build import unsupported_reason

        folder = session.folder
        return folder, unsupported_reason(folder)

    def default_engine(self, session) -> str:
        """Fast on a CPU for models it supports; Exact on a GPU, for other (or tiny) models, or when off."""
        if (not fast_engine_enabled() or session.device.type != "cpu" or self._folder(session)[1]
                or sum(p.numel() for p in session.model.parameters()) < FAST_DEFAULT_MIN_PARAMS):
            return EXACT_ENGINE
        return next(iter(ONNX_ENGINES))

    @Slot(object)
    def on_model_changed(self, info) -> None:
        """A new model, or the model moved to another device: pick the default engine for it."""
        session = self.tab.controller.session
        if session is None or (info.source_key, info.device) == self._model:
            return
        self._model = (info.source_key, info.device)
        self._pending = None
        combo = self.tab.engine_combo
        name = self.default_engine(session)
        if combo.currentText() == name:
            self._on_engine_combo_changed(name)  # same entry, new model: prepare it
        else:
            combo.setCurrentText(name)

    @Slot(str)
    def _on_engine_combo_changed(self, name: str) -> None:
        """Picking a fast entry starts its build at once, so it is likely ready by the next reply."""
        session = self.tab.controller.session
        precision = ONNX_ENGINES.get(name)
        if precision is None or session is None or not fast_engine_enabled():
            self.status.setText("")
            return
        folder, reason = self._folder(session)
        if reason:
            self.status.setText("unavailable")
            self.status.setToolTip(f"The fast engine cannot run this model: {reason}. Replies use PyTorch.")
            return
        self.errors.pop((folder, precision), None)  # picking it again retries a failed build
        self._prepare(folder, precision)

    @Slot(str)
    def select(self, name: str) -> None:
        """Answer with engine `name` from the next reply (the Optimize tab's "Load into Chat" on a fast-engine
        row); turns the fast engine on if it was off, since the user asked for it."""
        if name in ONNX_ENGINES and not fast_engine_enabled():
            self.action.setChecked(True)
        self.tab.engine_combo.setCurrentText(name)

    def engine_for(self, session, precision: str):
        """The engine for the next reply: the ONNX one if it is ready, else PyTorch (with a notice)."""
        from playground.core.generation.engine import TorchEngine

        folder, reason = self._folder(session)
        key = (folder, precision)
        if not fast_engine_enabled():
            reason = "it is turned off (View ▸ Fast chat engine)"
        elif not reason and key in self.ready:
            return self.ready[key]
        elif not reason and key in self.errors:
            reason = self.errors[key]
        elif not reason:
            self._prepare(folder, precision)
            reason = f"its ONNX model ({precision}) is being built, first time only, ~30 s"
        self.tab.show_notice(f"Fast engine unavailable: {reason.rstrip('.')}. This reply uses {EXACT_ENGINE}.")
        return TorchEngine(session.model)

    def engine_named(self, name: str, session):
        """The ready fast engine called `name` for `session`'s model (the token inspector reuses it)."""
        precision = ONNX_ENGINES.get(name)
        if precision is None or session is None:
            return None
        return self.ready.get((self._folder(session)[0], precision))

    # ------------------------------------------------------------------ building
    def _prepare(self, folder: Path, precision: str) -> None:
        from playground.workers.engines import build_fast_engine

        key = (folder, precision)
        if key in self.ready or key in self.errors:
            self.status.setText("ready" if key in self.ready else "unavailable")
            return
        if self.building is not None:
            if self.building != key:
                self._pending = key  # only the latest request matters; the running build is kept (slow)
            return
        self.building = key
        self._jobs.start("build", FunctionWorker(build_fast_engine, folder, precision), self._on_job_finished,
                         self._on_job_failed, on_progress=self._on_job_progressed, replace=False)  # a cancel is silent
        self.status.setText(f"preparing {precision}…")
        self.status.setToolTip("Building the ONNX model of the fast engine (first time only). "
                               "Replies use PyTorch until it is ready.")

    @Slot(object)
    def _on_job_progressed(self, progress) -> None:
        self.status.setText(f"preparing {self.building[1] if self.building else ''} {progress.fraction:.0%}")
        self.status.setToolTip(progress.message)

    @Slot(object)
    def _on_job_finished(self, ready) -> None:
        self.ready[(ready.folder, ready.precision)] = ready.engine
        self.status.setText("ready")
        self.status.setToolTip(f"{ready.engine.name} is ready: ONNX Runtime, built from {ready.folder.name}.")
        if self.tab.notice.text().startswith("Fast engine unavailable") and "being built" in self.tab.notice.text():
            self.tab.show_notice(f"{ready.engine.name} is ready: the next reply uses it.")

    @Slot(object)
    def _on_job_failed(self, failure: Failure) -> None:
        if self.building is None:
            return
        message = failure.message
        self.errors[self.building] = message
        self.status.setText("unavailable")
        self.status.setToolTip(message)
        self.tab.show_notice(f"Fast engine unavailable: {message.rstrip('.')}. Replies use {EXACT_ENGINE}.")

    @Slot(str)
    def _on_jobs_job_done(self, _name: str) -> None:
        self.building = None
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._prepare(*pending)

    # ------------------------------------------------------------------ the setting
    @Slot(bool)
    def _on_action_toggled(self, on: bool) -> None:
        QSettings().setValue(SETTING, on)
        self._apply_enabled()
        session = self.tab.controller.session
        if on and session is not None:
            self.tab.engine_combo.setCurrentText(self.default_engine(session))

    def _apply_enabled(self) -> None:
        """Off: the fast entries are greyed out and Exact is selected."""
        on = fast_engine_enabled()
        combo = self.tab.engine_combo
        for name in ONNX_ENGINES:
            item = combo.model().item(combo.findText(name))
            item.setEnabled(on)
            item.setToolTip("" if on else "Turned off: View ▸ Fast chat engine (ONNX)")
        if not on:
            if combo.currentText() in ONNX_ENGINES:
                combo.setCurrentText(EXACT_ENGINE)
            self.status.setText("")

    def shutdown(self) -> None:
        self._pending = None
        self._jobs.shutdown()
        self.building = None
