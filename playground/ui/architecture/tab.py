"""The Architecture tab: what the model is (anatomy, numbers, a config builder) and what it looks at.

Pages: Anatomy (`moduleTree` ↔ `blockDiagram`, summary), Config builder (`configBuilder`), and
Attention (`attentionView`, `logitLensView`) for text the user types or takes from the chat, and Tokenizer
(`tokenizerPage`: the model's tokenizer beside a character one and a small BPE).
Every model computation runs in a worker; the shared model is only touched under `session.lock`.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QTabWidget, QVBoxLayout,
                               QWidget)

from playground.core.errors import Failure
from playground.core.types import ModelInfo
from playground.ui.architecture.anatomy import AnatomyView
from playground.ui.architecture.attention import AttentionView
from playground.ui.architecture.config_builder import ConfigBuilder
from playground.ui.architecture.logit_lens import LogitLensView
from playground.ui.architecture.stats import Subject
from playground.ui.architecture.tokenizer_page import TokenizerPage
from playground.ui.i18n import model_name, translate
from playground.ui.shell.context import TabContext
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs

DEFAULT_TEXT = "The capital of France is Paris. The capital of Germany is"
FLOPS_KEY = "architecture/flops"


class ArchitectureTab(QWidget):
    train_config_requested = Signal(dict)  # a transformers config dict with model_type ("Train this")
    navigate_requested = Signal(str)  # objectName of the tab to show
    anatomy_shown = Signal(object)  # core.anatomy.Anatomy
    attention_captured = Signal(object)  # core.attention.AttentionCapture
    lens_computed = Signal(object)  # core.attention.LogitLens
    flops_measured = Signal(float)

    def __init__(self, context: TabContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("architectureTab")
        self.controller = controller = context.controller
        self._chat_text = context.chat_text
        self.jobs = Jobs(self)
        self.jobs.job_done.connect(self._on_jobs_job_done)
        self._anatomy_dirty = True
        self._capture_session = None  # the session the shown capture came from
        self._running_session = None
        self._flops_started = False
        self._build()
        controller.model_changed.connect(self._on_controller_model_changed)
        if controller.session is not None:
            self._on_controller_model_changed(controller.session.info())

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.pages = QTabWidget(objectName="architecturePages")
        self.anatomy = AnatomyView()
        self.anatomy.source_changed.connect(self._on_anatomy_source_changed)
        self.anatomy.stats.flops_edited.connect(self._on_flops_edited)
        self.anatomy.stats.measure_requested.connect(self._on_measure_requested)
        self.builder = ConfigBuilder()
        self.builder.train_requested.connect(self._on_builder_train_requested)
        self.builder.inspect_requested.connect(self._on_builder_inspect_requested)
        self.builder.spec_changed.connect(self._on_builder_spec_changed)
        self.builder.stats.flops_edited.connect(self._on_flops_edited)
        self.builder.stats.measure_requested.connect(self._on_measure_requested)
        self.pages.addTab(self.anatomy, translate("ArchitectureTab", "Anatomy"))
        self.pages.addTab(self.builder, translate("ArchitectureTab", "Config builder"))
        self.pages.addTab(self._build_attention_page(), translate("ArchitectureTab", "Attention && logit lens"))
        self.tokenizer = TokenizerPage(self.controller)
        self.pages.addTab(self.tokenizer, translate("ArchitectureTab", "Tokenizer"))
        self.pages.currentChanged.connect(self._on_pages_current_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    def _build_attention_page(self) -> QWidget:
        page = QWidget(objectName="attentionPage")
        self.text_input = QPlainTextEdit(DEFAULT_TEXT, objectName="attentionInput")
        self.text_input.setPlaceholderText(translate("ArchitectureTab", "Type text to look inside the model (Ctrl+Enter runs it)"))
        self.text_input.setMaximumHeight(self.fontMetrics().height() * 4)
        self.run_button = QPushButton(translate("ArchitectureTab", "Run"), objectName="runAttentionButton")
        self.run_button.setToolTip(translate("ArchitectureTab", "Run the text through the model once and capture every head (Ctrl+Enter)"))
        self.run_button.clicked.connect(self.run_attention)
        QShortcut(QKeySequence("Ctrl+Return"), self.text_input, activated=self.run_attention)
        self.chat_button = QPushButton(translate("ArchitectureTab", "Take the current chat"), objectName="takeChatButton")
        self.chat_button.setToolTip(translate("ArchitectureTab", "Use the Chat tab's conversation (with the model's replies) as the input"))
        self.chat_button.clicked.connect(self._on_chat_button_clicked)
        self.status = QLabel("", objectName="attentionStatus", wordWrap=True)
        buttons = QVBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.chat_button)
        row = QHBoxLayout()
        row.addWidget(self.text_input, 1)
        row.addLayout(buttons)
        self.attention = AttentionView()
        self.lens_view = LogitLensView()
        self.lens_view.positions_requested.connect(self._on_lens_positions_requested)
        self.inner = QTabWidget(objectName="attentionPages")
        self.inner.addTab(self.attention, translate("ArchitectureTab", "Attention heads"))
        self.inner.addTab(self.lens_view, translate("ArchitectureTab", "Logit lens"))
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.inner, 1)
        self.attention.clear(translate("ArchitectureTab", "Load a model, type some text and press Run."))
        return page

    def show_page(self, name: str) -> None:
        """Show a page: "anatomy", "builder", "attention", "lens" or "tokenizer"."""
        index = {"anatomy": 0, "builder": 1, "attention": 2, "lens": 2, "tokenizer": 3}[name]
        self.pages.setCurrentIndex(index)
        if name in ("attention", "lens"):
            self.inner.setCurrentIndex(0 if name == "attention" else 1)

    # ------------------------------------------------------------------ the current model
    @Slot(object)
    def _on_controller_model_changed(self, info: ModelInfo) -> None:
        session = self.controller.session
        config = session.model.config.to_dict() | {"model_type": info.model_type} if session else None
        self.builder.set_current_model_config(config)
        self._anatomy_dirty = True
        if self.anatomy.source() == "model":
            self._show_current_model_numbers(info)
            if self.isVisible():
                self.refresh_anatomy()
        if self.jobs.running("attention"):
            self.status.setText(translate("ArchitectureTab", "The model changed while the text was running: press Run again."))
        if self._capture_session is not None:
            self._capture_session = None
            self.attention.clear(translate("ArchitectureTab", "The model changed: press Run to look inside the new one."))
            self.lens_view.clear(translate("ArchitectureTab", "The model changed: press Run."))
            self.status.setText("")

    def _show_current_model_numbers(self, info: ModelInfo, verified: int | None = None) -> None:
        from playground.core.models.sizing import param_breakdown
        from playground.core.models.spec import ModelSpec

        try:
            spec = ModelSpec.from_config(self.controller.session.model.config)
            breakdown = param_breakdown(spec)
            n = breakdown.total
        except (ValueError, TypeError):
            spec, breakdown, n = None, None, info.n_params
        self.anatomy.stats.set_subject(Subject(model_name(info.name), spec, n, breakdown, info.n_params if verified is None
                                               else verified))
        self.anatomy.diagram.set_breakdown(breakdown, self._diagram_title(spec, model_name(info.name)))

    @staticmethod
    def _diagram_title(spec, name: str) -> str:
        if spec is None:
            return name
        family = "GPT-2" if spec.family == "gpt2" else "Llama"
        return translate("ArchitectureTab", "{family} block × {layers}").format(family=family, layers=spec.n_layer)

    def refresh_anatomy(self) -> None:
        """Map the model chosen in the Anatomy page (a worker; the tree fills when it is done)."""
        from playground.workers import inspect as inspect_jobs

        if self.anatomy.source() == "config":
            if self.builder.error():
                self.anatomy.clear(translate("ArchitectureTab", "The config builder's model cannot be built: {error}").format(
                    error=self.builder.error()))
                return
            worker = FunctionWorker(inspect_jobs.anatomy, config=self.builder.config_dict(),
                                    title=self.builder.preset_combo.currentText())
        elif self.controller.session is None:
            self.anatomy.clear(translate("ArchitectureTab", "No model loaded. Pick one in the toolbar, or inspect the config builder's model."))
            return
        else:
            worker = FunctionWorker(inspect_jobs.anatomy, session=self.controller.session,
                                    title=self.controller.session.source.name)
        self._anatomy_dirty = False
        self.jobs.start("anatomy", worker, self._on_anatomy_finished, self._on_anatomy_failed)  # latest wins
        self.anatomy.show_message(translate("ArchitectureTab", "Mapping the modules…"))

    @Slot(object)
    def _on_anatomy_finished(self, anatomy) -> None:
        from playground.core.inspect.anatomy import measured_breakdown
        from playground.core.models.sizing import param_breakdown

        where = (translate("ArchitectureTab", "on the meta device (no weights allocated)") if anatomy.on_meta
                 else translate("ArchitectureTab", "on the real model"))
        self.anatomy.show_tree(anatomy.tree, translate(
            "ArchitectureTab", "<b>{title}</b> · {type_name} · {n_params} parameters · output shapes for a sample "
            "input of 1 × {tokens} tokens, {where}").format(
            title=model_name(anatomy.title), type_name=anatomy.tree.type_name, n_params=f"{anatomy.n_params:,}",
            tokens=anatomy.sample_tokens, where=where))
        breakdown = param_breakdown(anatomy.spec) if anatomy.spec is not None else measured_breakdown(anatomy.tree)
        n = breakdown.total
        self.anatomy.stats.set_subject(Subject(model_name(anatomy.title), anatomy.spec, n, breakdown, anatomy.n_params))
        self.anatomy.diagram.set_breakdown(breakdown, self._diagram_title(anatomy.spec, model_name(anatomy.title)))
        self.anatomy_shown.emit(anatomy)

    @Slot(object)
    def _on_anatomy_failed(self, failure: Failure) -> None:
        self.anatomy.show_message(translate("ArchitectureTab", "Could not map the modules: {message}").format(message=failure.message))

    @Slot(str)
    def _on_anatomy_source_changed(self, _source: str) -> None:
        self._anatomy_dirty = True
        self.refresh_anatomy()

    @Slot(dict)
    def _on_builder_inspect_requested(self, _config: dict) -> None:
        self.show_page("anatomy")
        if self.anatomy.source() != "config":
            self.anatomy.source_combo.setCurrentIndex(1)  # refreshes through source_changed
        else:
            self.refresh_anatomy()

    @Slot(object)
    def _on_builder_spec_changed(self, _spec) -> None:
        if self.anatomy.source() == "config":
            self._anatomy_dirty = True  # re-mapped when the Anatomy page is shown again

    @Slot(dict)
    def _on_builder_train_requested(self, config: dict) -> None:
        self.train_config_requested.emit(config)
        self.navigate_requested.emit("trainingTab")

    # ------------------------------------------------------------------ attention and the logit lens
    def set_attention_text(self, text: str, *, run: bool = False) -> None:
        """Put `text` in the attention input (the Chat tab can call this); optionally run it."""
        self.text_input.setPlainText(text)
        if run:
            self.run_attention()

    def attention_text(self) -> str:
        return self.text_input.toPlainText()

    @Slot()
    def run_attention(self) -> bool:
        from playground.workers import inspect as inspect_jobs

        session = self.controller.session
        if session is None:
            self.status.setText(translate("ArchitectureTab", "Load a model first (toolbar), then press Run."))
            return False
        if not self.attention_text().strip():
            self.status.setText(translate("ArchitectureTab", "Type some text first: the model needs at least one token to look at."))
            return False
        worker = FunctionWorker(inspect_jobs.attention, session, self.attention_text())
        if not self.jobs.start("attention", worker, self._on_attention_finished, self._on_attention_failed,
                               replace=False):  # one at a time: Run is disabled while it runs
            return False
        self._running_session = session
        self.run_button.setEnabled(False)
        self.status.setText(translate("ArchitectureTab", "Running the model with attention capture… (waits if the chat is using the model)"))
        return True

    @Slot(object)
    def _on_attention_finished(self, capture) -> None:
        if self._running_session is not self.controller.session:
            return  # the model changed while it ran
        self._capture_session = self._running_session
        cut = translate("ArchitectureTab", " (the first {count} tokens were cut to fit)").format(
            count=capture.truncated) if capture.truncated else ""
        self.status.setText(
            translate("ArchitectureTab", "{num_tokens} tokens{cut} · {num_layers} layers × {num_heads} heads ({num_kv_heads} key/value heads) · captured in {seconds:.2f} s · the model's next token: “{next_token_id}”").format(num_tokens=capture.num_tokens, cut=cut, num_layers=capture.num_layers, num_heads=capture.num_heads, num_kv_heads=capture.num_kv_heads, seconds=capture.seconds, next_token_id=self._token_text(capture.next_token_id)))
        self.attention.set_capture(capture)
        self._start_lens(self.lens_view.set_capture(capture))
        self.attention_captured.emit(capture)

    def _token_text(self, token_id: int) -> str:
        return self.controller.session.tokenizer.decode([token_id]) if self.controller.session else "?"

    @Slot(object)
    def _on_attention_failed(self, failure: Failure) -> None:
        self.status.setText(translate("ArchitectureTab", "Could not capture attention: {message}").format(message=failure.message))

    def _start_lens(self, positions: tuple[int, ...]) -> None:
        from playground.workers import inspect as inspect_jobs

        capture = self.attention.capture()
        if capture is None or self._capture_session is None or not positions:
            return
        worker = FunctionWorker(inspect_jobs.logit_lens, self._capture_session, capture, positions)
        self.jobs.start("lens", worker, self._on_lens_finished, self._on_lens_failed)  # latest wins

    @Slot(object)
    def _on_lens_positions_requested(self, positions) -> None:
        self._start_lens(tuple(positions))

    @Slot(object)
    def _on_lens_finished(self, lens) -> None:
        if self._capture_session is None:
            return
        self.lens_view.set_lens(lens)
        self.lens_computed.emit(lens)

    @Slot(object)
    def _on_lens_failed(self, failure: Failure) -> None:
        self.lens_view.clear(translate("ArchitectureTab", "The logit lens failed: {message}").format(message=failure.message))

    @Slot()
    def _on_chat_button_clicked(self) -> None:
        text = self._chat_text()
        if text is None:
            self.status.setText(translate("ArchitectureTab", "There is no Chat tab to take the conversation from: paste the text here instead."))
            return
        if not text:
            self.status.setText(translate("ArchitectureTab", "The chat is empty: send a message in the Chat tab first, then take it here."))
            return
        self.set_attention_text(text, run=True)

    # ------------------------------------------------------------------ FLOP/s
    def _ensure_flops(self) -> None:
        if self._flops_started:
            return
        self._flops_started = True
        typed = QSettings().value(FLOPS_KEY)
        if typed is not None:
            self._set_flops(float(typed), translate("StatsPanel", "typed in"))
        else:
            self._measure_flops(use_cache=True)

    def _measure_flops(self, *, use_cache: bool) -> None:
        from playground.workers import inspect as inspect_jobs

        device = self.controller.session.info().device.split(":")[0] if self.controller.session else "cpu"
        if self.jobs.start("flops", FunctionWorker(inspect_jobs.flops, device, use_cache=use_cache),
                           self._on_flops_finished, self._on_flops_failed, replace=False):
            for stats in (self.anatomy.stats, self.builder.stats):
                stats.measure_button.setEnabled(False)

    @Slot()
    def _on_measure_requested(self) -> None:
        QSettings().remove(FLOPS_KEY)
        self._measure_flops(use_cache=False)

    @Slot(object)
    def _on_flops_finished(self, measurement) -> None:
        self._set_flops(measurement.flops_per_second,
                        translate("ArchitectureTab", "measured on {device}, {size}² {dtype} matmul").format(
                            device=measurement.device, size=measurement.size, dtype=measurement.dtype))
        self.flops_measured.emit(measurement.flops_per_second)

    @Slot(object)
    def _on_flops_failed(self, failure: Failure) -> None:
        self._set_flops(50e9, translate("ArchitectureTab", "a guess: measuring failed ({message})").format(
            message=failure.message))

    def _set_flops(self, value: float, note: str) -> None:
        for stats in (self.anatomy.stats, self.builder.stats):
            stats.set_flops(value, note)
            stats.measure_button.setEnabled(True)

    @Slot(float)
    def _on_flops_edited(self, value: float) -> None:
        QSettings().setValue(FLOPS_KEY, value)
        for stats in (self.anatomy.stats, self.builder.stats):
            if stats is not self.sender():
                stats.set_flops(value, translate("StatsPanel", "typed in"))

    # ------------------------------------------------------------------ plumbing
    @Slot(str)
    def _on_jobs_job_done(self, name: str) -> None:
        if name == "attention":
            self.run_button.setEnabled(True)

    @Slot(int)
    def _on_pages_current_changed(self, _index: int) -> None:
        if self.pages.currentWidget() is self.anatomy and self._anatomy_dirty:
            self.refresh_anatomy()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._ensure_flops()
        if self._anatomy_dirty and self.pages.currentWidget() is self.anatomy:
            self.refresh_anatomy()

    def shutdown(self) -> None:
        """Stop every worker this tab started (called when the window closes)."""
        self.builder.shutdown()
        self.tokenizer.shutdown()
        self.jobs.shutdown()
