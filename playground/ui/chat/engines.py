"""The Chat tab's engines in `engineCombo`: "Fast (GGUF)" and "Exact (GGUF)" (the model file's own
quantized blocks: int8 or float32 activations; the default for the built-in model), "Fast (ONNX int4)",
"Exact (ONNX fp32)" (the builder's engines for float models), "Exact (PyTorch)" and, last,
"Experimental (ONNX int8)" (it may change greedy answers: `names.EXPERIMENTAL`).

The fast engine's ONNX model is built once per model and precision (the GGUF engine's once per file,
in seconds), in a worker, while the chat keeps working on PyTorch; `engineStatusLabel` beside the combo
shows the build's progress. Whenever the fast
engine cannot answer (turned off, model unsupported, packages missing, build failed or still running)
the reply runs on PyTorch and a one-line notice says why.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QSettings, QT_TRANSLATE_NOOP, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel

from playground.core.engines.names import (CHOICES, ENGINE_NOTE, EXPERIMENTAL, EXPERIMENTAL_NOTE, GGUF_MODES,
                                           engine_name)
from playground.core.errors import Failure
from playground.ui.i18n import core_text, translate
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs

EXACT_ENGINE = "Exact (PyTorch)"
ONNX_ENGINES = {engine_name(p): p for p in CHOICES if p != "exact"}  # in the order offered
SETTING = "chat/fast_engine"
# engineCombo's entries, translated for display; the English name is each item's data (the key the code uses)
ENGINE_LABELS = (QT_TRANSLATE_NOOP("EngineSwitcher", "Exact (PyTorch)"), QT_TRANSLATE_NOOP("EngineSwitcher", "Fast (GGUF)"), QT_TRANSLATE_NOOP("EngineSwitcher", "Exact (GGUF)"),
                 QT_TRANSLATE_NOOP("EngineSwitcher", "Fast (ONNX int4)"), QT_TRANSLATE_NOOP("EngineSwitcher", "Exact (ONNX fp32)"),
                 QT_TRANSLATE_NOOP("EngineSwitcher", "Experimental (ONNX int8)"))


# the GGUF engine's names in a reply's stats line (core.engines.names.gguf_engine_name)
GGUF_NAMES = (QT_TRANSLATE_NOOP("EngineSwitcher", "Fast (GGUF {blocks}, int8 activations)"),
              QT_TRANSLATE_NOOP("EngineSwitcher", "Exact (GGUF {blocks})"))
_GGUF_NAME = re.compile(r"(Fast|Exact) \(GGUF (.+?)(, int8 activations)?\)")


def engine_label(name: str) -> str:
    """Engine `name` ("Fast (GGUF)", "Exact (GGUF Q4_1)"…) in the UI's language (a name not listed above as
    it is)."""
    match = _GGUF_NAME.fullmatch(name)
    if match and (match.group(1) == "Fast") == bool(match.group(3)):
        return translate("EngineSwitcher", GGUF_NAMES[0 if match.group(3) else 1]).format(blocks=match.group(2))
    return translate("EngineSwitcher", name)


def engine_note(choice: str) -> str:
    """core.engines.names.engine_note in the UI's language: what to know before choosing `choice`."""
    if choice not in EXPERIMENTAL:
        return ""
    return core_text(ENGINE_NOTE).format(engine=engine_label(engine_name(choice)), note=core_text(EXPERIMENTAL_NOTE),
                                         choice=choice)


def fallback_notice(fallback, consequence: str) -> str:
    """The one-line notice for a fallback to PyTorch (its reason comes from the core, in English)."""
    return translate("EngineSwitcher", "Fast engine unavailable: {reason}. {consequence}.").format(reason=fallback.reason.rstrip("."),
                                                                                        consequence=consequence)


def fast_engine_enabled() -> bool:
    """The user's setting; by default on (PLAYGROUND_FAST_ENGINE=0 changes the default, as the tests do)."""
    default = os.environ.get("PLAYGROUND_FAST_ENGINE", "1") != "0"
    return QSettings().value(SETTING, default, type=bool)


class EngineSwitcher(QObject):
    """Owns the entries of `engineCombo`, the engines behind them, the fast engine's builds and its notices.

    Which engine answers is decided by `selection.open_engine` (the core's one fallback policy); this
    class keeps what that needs (the engines built here, the builds that failed), runs the builds in a
    worker and shows the outcome: `engineStatusLabel`, and a notice through `show_notice`.
    """

    def __init__(self, combo: QComboBox, status: QLabel, controller, *, show_notice: Callable[[str], None],
                 current_notice: Callable[[], str], parent: QObject) -> None:
        super().__init__(parent)
        self.combo, self.status, self.controller = combo, status, controller
        self._show_notice, self._current_notice = show_notice, current_notice
        self._factories: dict[str, Callable] = {EXACT_ENGINE: self.torch_engine}
        self._torch = None  # the TorchEngine of the current model, kept: see torch_engine
        self.ready: dict[tuple[Path, str], object] = {}  # (HF folder, precision) -> OnnxEngine
        self.errors: dict[tuple[Path, str], str] = {}
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)
        self.building: tuple[Path, str] | None = None  # (HF folder, precision) of the running build
        self._pending: tuple[Path, str] | None = None
        self._building_notice = ""  # the notice shown while a build runs, replaced once it is ready
        self._model = ("", "")  # (source key, device) defaults were last chosen for
        for index, (name, precision) in enumerate(ONNX_ENGINES.items()):  # before Exact (PyTorch), or last
            self.add(name, lambda session, p=precision: self.engine_for(session, p),
                     index=None if precision in EXPERIMENTAL else index)
        self.action = QAction(translate("EngineSwitcher", "Fast chat engine (ONNX)"), parent, objectName="fastEngineAction", checkable=True)
        self.action.setToolTip(translate("EngineSwitcher", "Chat on ONNX Runtime (4- or 8-bit weights, several times faster on a "
                                         "CPU). Off: every reply runs on PyTorch."))
        self.action.setChecked(fast_engine_enabled())
        self.action.toggled.connect(self._on_action_toggled)
        combo.currentIndexChanged.connect(lambda _index: self._on_engine_combo_changed(self.current()))
        controller.model_changed.connect(self.on_model_changed)
        self._apply_enabled()

    # ------------------------------------------------------------------ the entries
    def add(self, name: str, factory: Callable, index: int | None = None) -> None:
        """Offer another engine in `engineCombo`; `factory(session) -> Engine` (engine.Engine protocol)."""
        self._factories[name] = factory
        if self.combo.findData(name) < 0:
            self.combo.insertItem(self.combo.count() if index is None else index, engine_label(name), name)

    def current(self) -> str:
        """The engine `engineCombo` selects, by its English name (its item data; the text is translated)."""
        return self.combo.currentData() or self.combo.currentText() or EXACT_ENGINE

    def _choose(self, name: str) -> None:
        index = self.combo.findData(name)
        if index < 0:
            index = self.combo.findText(name)  # an entry added without data
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def torch_engine(self, session):
        """One TorchEngine per model, kept between replies: its KV cache carries over, so the next turn or a
        branch of the last reply runs only its new tokens (the fast engines keep theirs in `ready`)."""
        from playground.core.generation.engine import TorchEngine

        if self._torch is None or self._torch.model is not session.model:
            self._torch = TorchEngine(session.model)
        return self._torch

    def make(self, session):
        """The engine the next reply runs on: the one `engineCombo` selects, for `session`'s model."""
        return self._factories[self.current()](session)

    # ------------------------------------------------------------------ choosing
    def default_engine(self, session) -> str:
        """The entry the core's `default_choice` names for `session` (Fast on a CPU, for models it runs)."""
        from playground.core.engines.selection import default_choice

        precision = default_choice(session, enabled=fast_engine_enabled())
        return next((name for name, p in ONNX_ENGINES.items() if p == precision), EXACT_ENGINE)

    @Slot(object)
    def on_model_changed(self, info) -> None:
        """A new model, or the model moved to another device: pick the default engine for it."""
        session = self.controller.session
        if self._torch is not None and (session is None or self._torch.model is not session.model):
            self._torch = None  # its KV cache is the old model's: let it go now
        if session is None or (info.source_key, info.device) == self._model:
            return
        self._model = (info.source_key, info.device)
        self._pending = None
        self._apply_enabled()
        name = self.default_engine(session)
        if self.current() == name:
            self._on_engine_combo_changed(name)  # same entry, new model: prepare it
        else:
            self._choose(name)

    @Slot(str)
    def _on_engine_combo_changed(self, name: str) -> None:
        """Picking a fast entry starts its build at once, so it is likely ready by the next reply."""
        from playground.core.engines.selection import fast_unsupported_reason, engine_key

        session = self.controller.session
        precision = ONNX_ENGINES.get(name)
        if precision is None or session is None or not fast_engine_enabled():
            self.status.setText("")
            return
        reason = fast_unsupported_reason(session, precision)
        if reason:
            self.status.setText(translate("EngineSwitcher", "unavailable"))
            self.status.setToolTip(translate("EngineSwitcher", "The fast engine cannot run this model: {reason}. Replies use PyTorch.").format(
                reason=reason))
            return
        key = engine_key(session, precision)
        self.errors.pop(key, None)  # picking it again retries a failed build
        self._prepare(*key)

    @Slot(str)
    def select(self, name: str) -> None:
        """Answer with engine `name` from the next reply (the Optimize tab's "Load into Chat" on a fast-engine
        row); turns the fast engine on if it was off, since the user asked for it."""
        if name in ONNX_ENGINES and not fast_engine_enabled():
            self.action.setChecked(True)
        self._choose(name)

    def engine_for(self, session, precision: str):
        """The engine for the next reply, as `open_engine` decides; a fallback is shown as a notice."""
        from playground.core.engines.selection import FallbackKind, open_engine

        chosen = open_engine(session, precision, enabled=fast_engine_enabled(), ready=self.ready,
                             failed=self.errors, in_background=True)
        if chosen.build is not None:
            self._prepare(*chosen.build)
        if chosen.fallback is not None:
            hint = translate("EngineSwitcher", " (View ▸ Fast chat engine)") if chosen.fallback.kind is FallbackKind.OFF else ""
            text = fallback_notice(replace(chosen.fallback, reason=chosen.fallback.reason.rstrip(".") + hint),
                                   translate("EngineSwitcher", "This reply uses {engine}").format(engine=engine_label(EXACT_ENGINE)))
            self._building_notice = text if chosen.fallback.kind is FallbackKind.BUILDING else ""
            self._show_notice(text)
        return chosen.engine

    def engine_named(self, name: str, session):
        """The ready fast engine called `name` (its combo entry or its own name, as a reply records it) for
        `session`'s model (the token inspector reuses it)."""
        from playground.core.engines.selection import engine_key

        if session is None:
            return None
        precision = ONNX_ENGINES.get(name)
        if precision is not None:
            return self.ready.get(engine_key(session, precision))
        return next((e for (folder, _), e in self.ready.items() if folder == session.folder
                     and getattr(e, "name", None) == name), None)

    # ------------------------------------------------------------------ building
    def _prepare(self, folder: Path, precision: str) -> None:
        from playground.core.engines.selection import session_gguf
        from playground.workers.engines import build_fast_engine

        key = (folder, precision)
        if key in self.ready or key in self.errors:
            self.status.setText(translate("EngineSwitcher", "ready") if key in self.ready else translate("EngineSwitcher", "unavailable"))
            return
        if self.building is not None:
            if self.building != key:
                self._pending = key  # only the latest request matters; the running build is kept (slow)
            return
        session = self.controller.session
        gguf = session_gguf(session) if session is not None and session.folder == folder else None
        self.building = key
        self._jobs.start("build", FunctionWorker(build_fast_engine, folder, precision, gguf), self._on_job_finished,
                         self._on_job_failed, on_progress=self._on_job_progressed, replace=False)  # a cancel is silent
        self.status.setText(translate("EngineSwitcher", "preparing {precision}…").format(precision=precision))
        self.status.setToolTip(translate("EngineSwitcher", "Building the ONNX model of the fast engine (first time only). "
                                         "Replies use PyTorch until it is ready."))

    @Slot(object)
    def _on_job_progressed(self, progress) -> None:
        self.status.setText(translate("EngineSwitcher", "preparing {precision} {percent}").format(
            precision=self.building[1] if self.building else "", percent=f"{progress.fraction:.0%}"))
        self.status.setToolTip(progress.message)

    @Slot(object)
    def _on_job_finished(self, ready) -> None:
        self.ready[(ready.folder, ready.precision)] = ready.engine
        self.status.setText(translate("EngineSwitcher", "ready"))
        native = getattr(ready.engine, "native", None)
        if native is not None:
            self.status.setToolTip(translate("EngineSwitcher", "{engine} is ready, built for {model}: prompts run on ONNX "
                                             "Runtime, each next token on the native decode step ({kernel}).").format(
                engine=engine_label(ready.engine.name), model=ready.folder.name, kernel=native.kernel))
        else:
            self.status.setToolTip(translate("EngineSwitcher", "{engine} is ready: ONNX Runtime, built for {model}.").format(
                engine=ready.engine.name, model=ready.folder.name))
        if self._building_notice and self._current_notice() == self._building_notice:
            self._show_notice(translate("EngineSwitcher", "{engine} is ready: the next reply uses it.").format(engine=ready.engine.name))
        self._building_notice = ""

    @Slot(object)
    def _on_job_failed(self, failure: Failure) -> None:
        if self.building is None:
            return
        message = failure.message
        self.errors[self.building] = message
        self.status.setText(translate("EngineSwitcher", "unavailable"))
        self.status.setToolTip(message)
        from playground.core.engines.selection import Fallback, FallbackKind

        self._show_notice(fallback_notice(Fallback(FallbackKind.FAILED, message),
                                          translate("EngineSwitcher", "Replies use {engine}").format(engine=engine_label(EXACT_ENGINE))))

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
        session = self.controller.session
        if on and session is not None:
            self._choose(self.default_engine(session))

    def _apply_enabled(self) -> None:
        """Off: the fast entries are greyed out and Exact is selected. The GGUF entries are greyed out for a
        model with no GGUF file; the re-quantizing ones say what they cost for a model that has one."""
        from playground.core.engines.selection import fast_unsupported_reason, requantizing_note

        on = fast_engine_enabled()
        combo, session = self.combo, self.controller.session
        for name, precision in ONNX_ENGINES.items():
            item = combo.model().item(combo.findData(name))
            missing = (fast_unsupported_reason(session, precision)
                       if precision in GGUF_MODES and session is not None else "")
            item.setEnabled(on and not missing)
            note = missing or (requantizing_note(session, precision) if session is not None else "")
            tip = "; ".join(t for t in (engine_note(precision), note) if t)
            item.setToolTip(tip if on else translate("EngineSwitcher", "Turned off: View ▸ Fast chat engine (ONNX)"))
        if not on:
            if self.current() in ONNX_ENGINES:
                self._choose(EXACT_ENGINE)
            self.status.setText("")

    def shutdown(self) -> None:
        self._pending = None
        self._jobs.shutdown()
        self.building = None
