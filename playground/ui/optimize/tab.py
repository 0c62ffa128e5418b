"""The Optimize tab: compress the current model (quantize, prune, distill) and measure what it costs.

Every job runs in a worker; the current model is only read (copied under its lock), never changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QSplitter, QTabWidget, QVBoxLayout,
                               QWidget)

from playground.core.errors import Failure
from playground.core.optimize.compression.spec import CompressionError, validate
from playground.core.optimize.onnx_variants import OnnxVariant, validate_variant
from playground.core.optimize.report import bases
from playground.ui.i18n import translate
from playground.ui.optimize.files import ask_export_path, report_text
from playground.ui.optimize.panels import MeasurePanel, ReportTable, TechniquePanel, button, scroll
from playground.ui.optimize.variants import LOAD_TIP, SAVE_TIP, VariantActionsMixin
from playground.ui.shell.context import TabContext
from playground.ui.widgets.layouts import column, row
from playground.workers.jobs import Jobs

JOB = "optimize"  # one job at a time: compress + measure, distil, or save


class OptimizeTab(VariantActionsMixin, QWidget):
    report_updated = Signal()  # a row was added or removed
    job_finished = Signal(bool)  # True: completed; False: failed or cancelled
    navigate_requested = Signal(str)  # "chatTab" after "Load into Chat"
    engine_requested = Signal(str)  # a Chat engine name ("Fast (ONNX int4)") after "Load into Chat" on an ONNX row

    def __init__(self, context: TabContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("optimizeTab")
        self.controller = controller = context.controller
        self._results: list = []  # VariantResult, one per report row
        self._problem_shown = ""  # the validation message on show, cleared once fixed
        self._saved: dict[int, str] = {}  # id(result) -> saved folder
        self._jobs = Jobs(self)
        self._jobs.job_done.connect(self._on_jobs_job_done)
        self._load_after_save = False
        self._finished_ok = False
        self._saving = None
        self._build()
        controller.model_changed.connect(self._on_controller_model_changed)
        controller.busy_changed.connect(lambda _busy: self._refresh_state())
        self._refresh_state()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.techniques = TechniquePanel()
        self.measure = MeasurePanel()
        self.techniques.changed.connect(self._refresh_state)
        self.measure.changed.connect(self._refresh_state)
        self.run_button = QPushButton(translate("OptimizeTab", "Compress && measure"), objectName="runOptimizeButton")
        self.run_button.setToolTip(translate("OptimizeTab", "Make a variant for every ticked technique and measure it (and the original)."))
        self.run_button.clicked.connect(self._on_run_button_clicked)
        compress_page = QWidget()
        page = QVBoxLayout(compress_page)
        page.addWidget(self.techniques)
        page.addStretch(1)
        self.modes = QTabWidget(objectName="optimizeModes")
        self.modes.addTab(scroll(compress_page), translate("OptimizeTab", "Quantize && prune"))
        self._build_distill_page()

        self.progress = QProgressBar(objectName="optimizeProgress", minimum=0, maximum=1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.cancel_button = QPushButton(translate("OptimizeTab", "Cancel"), objectName="cancelOptimizeButton")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.message = QLabel("", objectName="optimizeMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        # The action button sits below the scrolled settings, not in them: at any zoom it stays in view.
        self.modes.currentChanged.connect(lambda i: self.run_button.setVisible(i == 0))
        left = column(self.modes, self.measure, self.run_button, row(self.progress, self.cancel_button, stretch=0),
                      self.message)

        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self._build_report_side())
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([max(420, left.minimumSizeHint().width()), 900])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    def _build_report_side(self) -> QWidget:
        self.report = ReportTable()
        self.report.itemSelectionChanged.connect(self._refresh_state)
        buttons = QHBoxLayout()
        self.save_button = button(translate("OptimizeTab", "Save variant…"), "saveVariantButton", self._on_save_button_clicked, translate("VariantActionsMixin", SAVE_TIP))
        self.load_button = button(translate("OptimizeTab", "Load into Chat"), "loadVariantButton", self._on_load_button_clicked, translate("VariantActionsMixin", LOAD_TIP))
        self.export_md_button = button(translate("OptimizeTab", "Export Markdown…"), "exportReportMarkdownButton",
                                             lambda: self._on_export_clicked("md"), translate("OptimizeTab", "Save the report as a table."))
        self.export_csv_button = button(translate("OptimizeTab", "Export CSV…"), "exportReportCsvButton",
                                              lambda: self._on_export_clicked("csv"), translate("OptimizeTab", "Save the raw numbers."))
        self.remove_button = button(translate("OptimizeTab", "Remove"), "removeVariantButton", self._on_remove_button_clicked,
                                          translate("OptimizeTab", "Drop the selected row and free its model's memory."))
        self.clear_button = button(translate("OptimizeTab", "Clear"), "clearReportButton", self.clear_report,
                                         translate("OptimizeTab", "Drop every row and free the variants' memory."))
        for widget in (self.save_button, self.load_button, self.export_md_button, self.export_csv_button,
                       self.remove_button, self.clear_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        self.right_splitter = QSplitter(Qt.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.report, 1)
        top_layout.addLayout(buttons)
        self.right_splitter.addWidget(top)
        return self.right_splitter

    def _build_distill_page(self) -> None:
        from playground.ui.optimize.distill_panel import DistillPanel

        self.distill = DistillPanel()
        self.distill.start_button.clicked.connect(self._on_start_distill_button_clicked)
        self.distill.changed.connect(self._refresh_state)
        self.modes.addTab(scroll(self.distill), translate("OptimizeTab", "Distill"))
        self.modes.currentChanged.connect(lambda _i: self._refresh_state())
        self._plots = None  # the Training tab's plots, made on the first distillation

    def _ensure_plots(self):
        if self._plots is None:
            from playground.ui.widgets.plots import TrainingPlots

            self._plots = TrainingPlots()
            self._plots.setObjectName("distillPlots")
            self.right_splitter.addWidget(self._plots)
            self.right_splitter.setSizes([350, 450])
        return self._plots

    def distill_losses(self) -> list[float]:
        """The training losses plotted so far (tests, scripts)."""
        return self._plots.loss_points() if self._plots is not None else []

    # ------------------------------------------------------------------ state
    @property
    def busy(self) -> bool:
        return self._jobs.running(JOB)

    def results(self) -> list:
        return list(self._results)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #d64541; font-weight: bold;" if error else "")

    def _selected(self):
        rows = self.report.selectionModel().selectedRows() if self.report.selectionModel() else []
        return self._results[rows[0].row()] if rows and rows[0].row() < len(self._results) else None

    def _distill_page_shown(self) -> bool:
        return self.modes.currentWidget() is not None and self.modes.currentWidget().widget() is self.distill

    def distill_error(self) -> str:
        """Why the distillation settings cannot run ("" if they can)."""
        if self.controller.session is None:
            return translate("OptimizeTab", "Load a model first (toolbar, top left).")
        problems = self.distill.config().problems()
        return f"Distillation: {problems[0]}" if problems else ""

    def validation_error(self) -> str:
        """Why the ticked techniques cannot run on the current model ("" if they can)."""
        session = self.controller.session
        if session is None:
            return translate("OptimizeTab", "Load a model first (toolbar, top left).")
        specs = self.techniques.specs()
        if not specs:
            return translate("OptimizeTab", "Tick at least one technique.")
        device = session.info().device
        for spec in specs:
            try:
                if isinstance(spec, OnnxVariant):
                    validate_variant(spec, session.folder)
                else:
                    validate(spec, session.model, device)
            except CompressionError as exc:
                return f"{spec.describe()}: {exc}"
        return ""

    @Slot()
    def _refresh_state(self) -> None:
        busy, model_busy = self.busy, self.controller.busy
        compress_problem, distill_problem = self.validation_error(), self.distill_error()
        problem = "" if busy else (distill_problem if self._distill_page_shown() else compress_problem)
        self.run_button.setEnabled(not busy and not model_busy and not compress_problem)
        self.distill.start_button.setEnabled(not busy and not model_busy and not distill_problem)
        if problem:
            self.show_message(problem, error=self.controller.session is not None)
            self._problem_shown = problem
        elif not busy and self._problem_shown and self.message.text() == self._problem_shown:
            self.show_message("")  # the problem is fixed (e.g. a model was loaded): clear its message
            self._problem_shown = ""
        self.cancel_button.setEnabled(busy)
        selected = self._selected()
        self._refresh_variant_buttons(busy, model_busy)
        self.remove_button.setEnabled(selected is not None and not busy)
        for widget in (self.export_md_button, self.export_csv_button, self.clear_button):
            widget.setEnabled(bool(self._results) and not busy)

    # ------------------------------------------------------------------ running
    def run(self) -> bool:
        """Start compressing + measuring with the current choices (what the button does)."""
        problem = self.validation_error()
        if problem or self.busy:
            self.show_message(problem or translate("OptimizeTab", "A job is already running."), error=True)
            return False
        from playground.workers.optimize import OptimizeWorker

        session = self.controller.session
        worker = OptimizeWorker(session, self.techniques.specs(), self.measure.settings(), self._needs_original())
        worker.variant_ready.connect(self._on_worker_variant_ready)
        self._start(worker, "Compressing…")
        return True

    def _needs_original(self) -> bool:
        name = self.controller.session.source.name
        return not any(r.metrics.method == "original" and r.base_name == name for r in self._results)

    def start_distillation(self) -> bool:
        """Distil a student from the current model with the Distill page's settings (its button)."""
        problem = self.distill_error()
        if problem or self.busy:
            self.show_message(problem or translate("OptimizeTab", "A job is already running."), error=True)
            return False
        from playground.workers.optimize import DistillWorker

        worker = DistillWorker(self.controller.session, self.distill.config(), self.measure.settings(),
                               self._needs_original())
        worker.variant_ready.connect(self._on_worker_variant_ready)
        plots = self._ensure_plots()
        plots.clear()
        worker.metrics_reported.connect(self._on_worker_metrics_reported)
        self._start(worker, "Distilling…")
        return True

    @Slot()
    def _on_start_distill_button_clicked(self) -> None:
        self.start_distillation()

    @Slot(object)
    def _on_worker_metrics_reported(self, step) -> None:
        self._plots.add(step)  # buffered; the plots redraw on their own timer

    def _start(self, worker, text: str) -> None:
        self.progress.setValue(0)
        self.progress.setFormat(text)
        self.show_message(text)
        self._jobs.start(JOB, worker, self._on_job_finished, self._on_job_failed, on_cancelled=self._on_job_cancelled,
                         on_progress=self._on_job_progressed, replace=False)
        self._refresh_state()

    @Slot()
    def _on_run_button_clicked(self) -> None:
        self.run()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        if self.busy:
            self._jobs.stop(JOB)
            self.show_message(translate("OptimizeTab", "Cancelling…"))

    @Slot(object)
    def _on_job_progressed(self, progress) -> None:
        self.progress.setValue(int(progress.fraction * 1000))
        self.progress.setFormat(f"{progress.fraction:.0%}")
        self.message.setStyleSheet("")
        self.message.setText(progress.message)

    @Slot(object)
    def _on_worker_variant_ready(self, result) -> None:
        self._results.append(result)
        self._refresh_report()
        self.report.selectRow(len(self._results) - 1)

    def _refresh_report(self) -> None:
        rows = [r.metrics for r in self._results]
        self.report.set_rows(rows, bases(rows))
        self.report_updated.emit()

    @Slot(object)
    def _on_job_finished(self, outcome) -> None:
        if isinstance(outcome, str):  # a saved folder
            self._on_variant_saved(outcome)
            return
        self.progress.setValue(1000)
        self.progress.setFormat(translate("OptimizeTab", "Done"))
        self.show_message(translate("OptimizeTab", "Measured {outcome} model(s). Select a row to save it or load it into Chat.").format(outcome=outcome))
        self._finished_ok = True

    @Slot(object)
    def _on_job_failed(self, failure: Failure) -> None:
        worker = self._jobs.worker(JOB)
        if worker is not None and worker.should_stop.is_set():  # whatever broke after Cancel was pressed
            self._on_job_cancelled(failure)
            return
        self._load_after_save = False
        self.progress.setFormat(translate("OptimizeTab", "Stopped"))
        self.show_message(failure.message, error=True)
        self._finished_ok = False

    @Slot(object)
    def _on_job_cancelled(self, _failure: Failure) -> None:
        self._load_after_save = False
        self.progress.setFormat(translate("OptimizeTab", "Stopped"))
        self.show_message(translate("OptimizeTab", "Cancelled; the rows measured so far stay."))
        self._finished_ok = False

    @Slot(str)
    def _on_jobs_job_done(self, _name: str) -> None:
        self._refresh_state()
        ok, self._finished_ok = self._finished_ok, False
        self.job_finished.emit(ok)

    # ------------------------------------------------------------------ report actions
    def clear_report(self) -> None:
        self._results.clear()
        self._saved.clear()
        self._refresh_report()
        self._refresh_state()
        self.show_message(translate("OptimizeTab", "Report cleared."))

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        selected = self._selected()
        if selected is not None:
            self._results.remove(selected)
            self._saved.pop(id(selected), None)
            self._refresh_report()
            self._refresh_state()

    def export_report(self, path: str | Path) -> Path:
        """Write the report as Markdown (.md) or CSV (.csv), atomically."""
        from playground.core.files import write_text_atomic

        written = write_text_atomic(path, report_text(self._results, self.measure.settings(), Path(path)))
        self.show_message(translate("OptimizeTab", "Report written to {written}").format(written=written))
        return written

    def _on_export_clicked(self, fmt: str) -> None:
        path = ask_export_path(self, fmt)
        if path:
            try:
                self.export_report(path)
            except OSError as exc:
                self.show_message(translate("OptimizeTab", "Could not write {path}: {n1}. Choose another folder.").format(path=path, n1=exc.strerror or exc), True)

    @Slot(object)
    def _on_controller_model_changed(self, _info) -> None:
        limits = self.controller.session.model.config if self.controller.session else None
        heads = getattr(limits, "num_attention_heads", None)
        if heads:
            self.techniques.heads.setMaximum(int(heads))
        if limits is not None:
            self.distill.set_vocab_size(int(limits.vocab_size))
        self._refresh_state()

    def shutdown(self) -> None:
        self._jobs.shutdown()
