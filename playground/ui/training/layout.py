"""The Training tab's widgets and their layout: the settings column (config, Start/Pause/Stop, config
files) beside the monitor (progress, status, live plots; samples and past runs below)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QSplitter,
                               QVBoxLayout, QWidget)

from playground.ui.i18n import translate
from playground.ui.training.config_panel import TrainConfigPanel
from playground.ui.training.runs import RunsPanel
from playground.ui.training.samples import SampleView
from playground.ui.widgets.layouts import column, row
from playground.ui.widgets.plots import TrainingPlots


def build(tab) -> None:
    """Make the tab's widgets (as attributes of `tab`, connected to its handlers) and lay them out."""
    main = QSplitter(Qt.Horizontal)
    main.addWidget(_settings_column(tab))
    main.addWidget(_monitor(tab))
    main.setStretchFactor(1, 1)
    main.setSizes([380, 900])
    QHBoxLayout(tab).addWidget(main)


def _settings_column(tab) -> QWidget:
    tab.panel = TrainConfigPanel()
    tab.panel.config_changed.connect(tab._on_panel_config_changed)
    tab.config_scroll = QScrollArea(widgetResizable=True, horizontalScrollBarPolicy=Qt.ScrollBarAlwaysOff)
    tab.config_scroll.setWidget(tab.panel)
    tab.message = QLabel(objectName="configMessage", wordWrap=True)
    tab.message.setStyleSheet("color: #c62828; font-weight: bold;")
    tab.start_button = QPushButton(translate("TrainingTab", "Start"), objectName="startTrainingButton")
    tab.pause_button = QPushButton(translate("TrainingTab", "Pause"), objectName="pauseTrainingButton")
    tab.stop_button = QPushButton(translate("TrainingTab", "Stop"), objectName="stopTrainingButton")
    bold = tab.start_button.font()
    bold.setBold(True)  # a font, not a style sheet: that drew the button white in the dark theme, even disabled
    tab.start_button.setFont(bold)
    tab.start_button.clicked.connect(tab._on_start_button_clicked)
    tab.pause_button.clicked.connect(tab._on_pause_button_clicked)
    tab.stop_button.clicked.connect(tab._on_stop_button_clicked)
    export = QPushButton(translate("TrainingTab", "Export run config…"), objectName="exportConfigButton")
    export.clicked.connect(tab._on_export_button_clicked)
    load = QPushButton(translate("TrainingTab", "Open config…"), objectName="importConfigButton")
    load.clicked.connect(tab._on_import_button_clicked)
    return column(tab.config_scroll, tab.message, row(tab.start_button, tab.pause_button, tab.stop_button),
                  row(export, load))


def _monitor(tab) -> QWidget:
    tab.progress = QProgressBar(objectName="trainingProgress", textVisible=True)
    tab.progress.setFormat(translate("layout", "Not started"))
    tab.progress.setValue(0)
    tab.status = QLabel(translate("TrainingTab", "Pick a preset and press Start."), objectName="trainingStatus", wordWrap=True)
    tab.status.setAlignment(Qt.AlignLeft | Qt.AlignTop)
    tab._fit_to_font()
    tab.plots = TrainingPlots()
    tab.sample_view = SampleView()
    tab.runs = RunsPanel()
    tab.runs.selection_changed.connect(tab._on_runs_selection_changed)
    tab.runs.chat_requested.connect(lambda run: tab.hand_off(run, "chatTab"))
    tab.runs.inspect_requested.connect(lambda run: tab.hand_off(run, "architectureTab"))
    tab.runs.resume_requested.connect(tab._on_runs_resume_requested)
    top = column(tab.progress, tab.status, tab.plots, stretch=2)
    bottom = QSplitter(Qt.Horizontal)
    bottom.addWidget(_group(translate("layout", "Samples"), tab.sample_view))
    bottom.addWidget(_group(translate("layout", "Runs"), tab.runs))
    bottom.setSizes([600, 400])
    right = QSplitter(Qt.Vertical)
    right.addWidget(top)
    right.addWidget(bottom)
    right.setSizes([560, 260])
    return right


def _group(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box
