"""`compareView`: one prompt answered under 2–4 sampling settings side by side, one after another
(the model is shared), each column with its own settings, tinted reply and stats. Clicking a token of a
column charts the distribution it was sampled from (the chat's `TokenInspector`, under that column's
settings) in `compareDistribution` below the columns."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QDialog, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSpinBox,
                               QSplitter, QVBoxLayout, QWidget)

from playground.ui.chat.distribution import TokenDistributionChart
from playground.ui.chat.inspector import TokenInspector
from playground.ui.chat.engines import engine_label
from playground.ui.chat.replies import ties_note
from playground.ui.chat.view import TokenTextView
from playground.ui.chat.sampling_panel import RANDOM_SEED, SamplingPanel
from playground.core.errors import Failure
from playground.ui.i18n import translate
from playground.workers.jobs import Jobs

JOB = "compare"
MAX_COLUMNS = 4
DEFAULT_TEMPERATURES = (0.2, 1.0, 1.5, 2.0)


class CompareColumn(QGroupBox):
    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(translate("CompareColumn", "Setting {n}").format(n=index + 1), parent)
        self.setObjectName(f"compareColumn{index}")
        layout = QVBoxLayout(self)
        self.panel = SamplingPanel(self, suffix=str(index), with_length=False)
        self.panel.temperature.setValue(DEFAULT_TEMPERATURES[index])
        self.panel.top_k.setValue(0)
        self.panel.top_p.setValue(1.0)
        self.output = TokenTextView(self)
        self.output.setObjectName(f"compareOutput{index}")
        self.output.setPlaceholderText(translate("CompareColumn", "The reply under these settings appears here."))
        self.stats = QLabel("", objectName=f"compareStats{index}", wordWrap=True)
        layout.addWidget(self.panel)
        layout.addWidget(self.output, 1)
        layout.addWidget(self.stats)
        self.steps: list = []

    def reset(self, waiting: bool) -> None:
        self.output.clear_view()
        self.steps = []
        self.stats.setText(translate("CompareColumn", "waiting…") if waiting else "")

    def text(self) -> str:
        return self.output.toPlainText()


class CompareView(QDialog):
    """Non-modal. `prompt_builder(text) -> ids` and `engine_factory() -> Engine` come from the Chat tab."""

    run_finished = Signal(object)  # tuple of chat_workers.CompareColumnResult

    def __init__(self, controller, prompt_builder: Callable[[str], list[int]], engine_factory: Callable,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.setWindowTitle(translate("CompareView", "Compare sampling settings"))
        self.setModal(False)
        self.controller, self.prompt_builder, self.engine_factory = controller, prompt_builder, engine_factory
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)
        self.results: tuple = ()
        self._run: tuple | None = None  # (prompt ids, engine, model key) of the last run, to inspect its tokens
        self._inspected = 0  # the column whose token is on the chart

        self.prompt_edit = QPlainTextEdit(objectName="comparePromptEdit")
        self.prompt_edit.setPlaceholderText(translate("CompareView", "One prompt, answered under each setting below"))
        self.prompt_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.columns_spin = QSpinBox(objectName="compareColumnsSpin", minimum=2, maximum=MAX_COLUMNS, value=3)
        self.max_tokens_spin = QSpinBox(objectName="compareMaxTokensSpin", minimum=1, maximum=4096, value=64)
        self.seed_spin = QSpinBox(objectName="compareSeedSpin", minimum=RANDOM_SEED, maximum=2**31 - 1, value=0)
        self.seed_spin.setSpecialValueText(translate("CompareView", "random"))
        self.seed_spin.setToolTip(translate("CompareView", "The same seed for every column, so only the settings differ."))
        self.run_button = QPushButton(translate("CompareView", "Run"), objectName="compareRunButton")
        self.run_button.setDefault(True)
        self.stop_button = QPushButton(translate("CompareView", "Stop"), objectName="compareStopButton", enabled=False)
        self.notice = QLabel("", objectName="compareNoticeLabel", wordWrap=True)
        self.notice.hide()

        controls = QHBoxLayout()
        for label, widget in ((translate("CompareView", "Columns"), self.columns_spin), (translate("CompareView", "Max tokens"), self.max_tokens_spin),
                              (translate("CompareView", "Seed"), self.seed_spin)):
            controls.addWidget(QLabel(label))
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.run_button)
        controls.addWidget(self.stop_button)
        self.columns = [CompareColumn(i, self) for i in range(MAX_COLUMNS)]
        columns = QWidget()
        row = QHBoxLayout(columns)
        row.setContentsMargins(0, 0, 0, 0)
        for column in self.columns:
            row.addWidget(column, 1)
        splitter = QSplitter(Qt.Vertical, objectName="compareSplitter", childrenCollapsible=False)
        splitter.addWidget(columns)
        splitter.addWidget(self._build_distribution())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(translate("CompareView", "Prompt")))
        layout.addWidget(self.prompt_edit)
        layout.addLayout(controls)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)

        self.columns_spin.valueChanged.connect(self._on_columns_spin_value_changed)
        for index, column in enumerate(self.columns):
            column.output.token_clicked.connect(self._on_output_token_clicked)
            column.panel.changed.connect(lambda i=index: self._on_column_panel_changed(i))
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        self._on_columns_spin_value_changed(self.columns_spin.value())
        self.resize(self.fontMetrics().averageCharWidth() * 150, self.fontMetrics().lineSpacing() * 34)

    def _build_distribution(self) -> QGroupBox:
        """`compareDistribution`: the chat's chart and inspector, hidden until a token is clicked."""
        self.distribution = QGroupBox(translate("CompareView", "Next-token distribution"), objectName="compareDistribution")
        self.chart = TokenDistributionChart(self.distribution)
        for widget, name in ((self.chart.caption, "compareDistributionCaption"),
                             (self.chart.legend, "compareDistributionLegend"),
                             (self.chart.ensure_plot(), "compareDistributionPlot")):
            widget.setObjectName(name)  # the chat tab's chart keeps the chart's own names
        QVBoxLayout(self.distribution).addWidget(self.chart)
        self.inspector = TokenInspector(self.chart, lambda: self.columns[self._inspected].panel.settings(), self)
        self.distribution.hide()
        return self.distribution

    def visible_columns(self) -> list[CompareColumn]:
        return self.columns[: self.columns_spin.value()]

    def is_running(self) -> bool:
        return self._jobs.running(JOB)

    def set_prompt(self, text: str) -> None:
        self.prompt_edit.setPlainText(text)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # ------------------------------------------------------------------ running
    @Slot()
    def run(self) -> bool:
        from dataclasses import replace

        from playground.core.errors import PlaygroundError
        from playground.workers.chat import CompareWorker

        text = self.prompt_edit.toPlainText()
        session = self.controller.session
        if self.is_running() or not text.strip():
            self.show_notice("" if self.is_running() else translate("CompareView", "Type a prompt first."))
            return False
        if session is None:
            self.show_notice(translate("CompareView", "No model is loaded. Pick one in the Model list at the top of the window."))
            return False
        seed = self.seed_spin.value()
        settings = [replace(c.panel.settings(), max_new_tokens=self.max_tokens_spin.value(),
                            seed=None if seed == RANDOM_SEED else seed) for c in self.visible_columns()]
        try:
            prompt_ids, engine = self.prompt_builder(text), self.engine_factory()
        except PlaygroundError as exc:
            self.show_notice(str(exc))
            return False
        self.show_notice("")
        for column in self.visible_columns():
            column.reset(waiting=True)
        self._run = (tuple(prompt_ids), engine, session.source.key)
        self.inspector.clear(translate("CompareView", "Click a token of a reply to see the distribution it was sampled from."))
        worker = CompareWorker(session, prompt_ids, settings, engine)
        worker.column_started.connect(self._on_worker_column_started)
        worker.token_generated.connect(self._on_worker_token_generated)
        worker.column_finished.connect(self._on_worker_column_finished)
        self._jobs.start(JOB, worker, self._on_job_finished, self._on_job_failed, on_cancelled=self._on_job_cancelled,
                         replace=False)
        self._set_running(True)
        return True

    @Slot()
    def stop(self) -> None:
        self._jobs.stop(JOB)

    def shutdown(self) -> None:
        self._jobs.shutdown()
        self.inspector.shutdown()

    # ------------------------------------------------------------------ inspecting a token
    def inspect_token(self, column_index: int, token_index: int) -> bool:
        """Chart the distribution token `token_index` of column `column_index` was sampled from, under that
        column's settings (from the engine that wrote it, as in the chat)."""
        from playground.core.generation.engine import TorchEngine

        session = self.controller.session
        steps = self.columns[column_index].steps if 0 <= column_index < len(self.columns) else []
        if self._run is None or session is None or not 0 <= token_index < len(steps):
            return False
        prompt_ids, engine, model_key = self._run
        self._inspected = column_index
        self.distribution.show()
        if model_key != session.source.key:
            self.inspector.clear(translate("CompareView", "Another model wrote these replies. Run the comparison again to inspect them."))
            return False
        context = list(prompt_ids) + [step.token_id for step in steps[:token_index]]
        self.inspector.inspect(session, context, steps[token_index].token_id,
                               translate("CompareView", "Setting {column}, token {token}").format(column=column_index + 1, token=token_index + 1),
                               engine=None if isinstance(engine, TorchEngine) else engine)
        return True

    @Slot(int, int)
    def _on_output_token_clicked(self, column_index: int, token_index: int) -> None:
        self.inspect_token(column_index, token_index)

    def _on_column_panel_changed(self, index: int) -> None:
        if index == self._inspected:
            self.inspector.redraw()

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.columns_spin.setEnabled(not running)

    @Slot(int)
    def _on_columns_spin_value_changed(self, count: int) -> None:
        for i, column in enumerate(self.columns):
            column.setVisible(i < count)

    @Slot(int)
    def _on_worker_column_started(self, index: int) -> None:
        self.columns[index].stats.setText(translate("CompareView", "generating…"))

    @Slot(object)
    def _on_worker_token_generated(self, token) -> None:
        column = self.columns[token.column]
        column.steps.append(token.step)
        column.output.append_tokens(token.column, [token.step])

    @Slot(object)
    def _on_worker_column_finished(self, done) -> None:
        r = done.result
        reason = {"eos": translate("CompareView", "ended by the model"),
                  "length": translate("CompareView", "reached max tokens"), "stopped": translate("CompareView", "stopped"),
                  "context": translate("CompareView", "context full ({count} tokens)").format(
                      count=r.prompt_tokens + len(r.token_ids))}[r.stop_reason]
        self.columns[done.column].stats.setText(
            translate("CompareView", "{token_ids} tokens · {tokens_per_second:.1f} tokens/s · first token {time_to_first_token:.2f} s · {reason} · {engine}{steps}").format(token_ids=len(r.token_ids), tokens_per_second=r.tokens_per_second, time_to_first_token=r.time_to_first_token, reason=reason, engine=engine_label(done.engine), steps=ties_note(self.columns[done.column].steps)))

    @Slot(object)
    def _on_job_finished(self, results) -> None:
        self.results = results
        for column in self.visible_columns()[len(results):]:
            column.stats.setText(translate("CompareView", "skipped (stopped)"))
        self.run_finished.emit(results)

    @Slot(object)
    def _on_job_failed(self, failure: Failure) -> None:
        self.show_notice(translate("CompareView", "Generation failed: {message}").format(message=failure.message))
        self.run_finished.emit(())

    @Slot(object)
    def _on_job_cancelled(self, failure: Failure) -> None:
        self.show_notice(failure.message)
        self.run_finished.emit(())

    @Slot(str)
    def _on_jobs_job_done(self, _name: str) -> None:
        self._set_running(False)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override: closing stops the run
        self.stop()
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Escape stops a run before it closes the view
        if event.key() == Qt.Key_Escape and self.is_running():
            self.stop()
            return
        super().keyPressEvent(event)
