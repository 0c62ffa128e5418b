"""The main window: model/device/dtype toolbar, the tabs, a status bar, View menu, settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar,
                               QPushButton, QTabWidget, QToolBar, QWidget)

from playground.core import format as fmt
from playground.core.errors import Failure
from playground.core.paths import RESOURCES
from playground.core.progress import Progress
from playground.core.types import ModelInfo, ModelSource
from playground.ui import i18n
from playground.ui.architecture.tab import ArchitectureTab
from playground.ui.basics.tab import BasicsTab
from playground.ui.chat.tab import ChatTab
from playground.ui.i18n import model_name, translate
from playground.ui.optimize.tab import OptimizeTab
from playground.ui.shell import presenter, theme
from playground.ui.shell.context import TabContext
from playground.ui.shell.model_selector import ModelSelector
from playground.ui.training.tab import TrainingTab
from playground.workers.model_controller import ModelController

# Shown in both languages: the language being left may be the only one the user reads.
RESTART_NOTICE = {
    "en": "The menus and tabs will be in English the next time LLM Playground starts; the lessons already are.\n\n"
          "下次启动 LLM Playground 时，菜单和标签页将显示为英文；课程已切换为英文。",
    "zh_CN": "下次启动 LLM Playground 时，菜单和标签页将显示为中文；课程已切换为中文。\n\n"
             "The menus and tabs will be in Chinese the next time LLM Playground starts; the lessons already are.",
}


class MainWindow(QMainWindow):
    zoom_changed = Signal(float)

    def __init__(self, controller: ModelController | None = None, *, autoload: bool = True) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("LLM Playground")
        icon = RESOURCES / "icon.svg"
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.controller = controller or ModelController(self)
        self.settings = QSettings()
        self.zoom = 1.0
        self._error_box: QMessageBox | None = None
        self._queued_source: ModelSource | None = None  # a folder opened while a load ran: loaded after it
        self.server_panel = None  # playground.ui.shell.server_panel.ServerPanel, built on first use
        # An explicit minimum: otherwise the window's minimum is its content's, which grows with the zoomed
        # font, and Ctrl+= pushed the window past the screen's edge. Zoom scales inside the current size.
        self.setMinimumSize(640, 480)

        self._build_toolbar()
        self._build_tabs()
        self._build_status_bar()
        self._build_menus()
        presenter.install(self)  # the Learn panel (F1, self.learn_panel) and presenter mode (F5, self.presenter)
        self._connect_controller()
        self._restore_settings()
        self.refresh_sources()
        if autoload:
            QTimer.singleShot(0, self._load_initial_model)

    # ------------------------------------------------------------------ building
    def _build_toolbar(self) -> None:
        bar = QToolBar(translate("MainWindow", "Model"), self)
        bar.setObjectName("modelToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        bar.addWidget(QLabel(translate("MainWindow", " Model ")))
        self.model_selector = ModelSelector(self.controller)
        self.model_selector.source_chosen.connect(self._on_model_selector_source_chosen)
        self.model_selector.open_folder_chosen.connect(self._on_open_folder_triggered)
        self.model_selector.open_gguf_chosen.connect(self._on_open_gguf_triggered)
        self.model_selector.scan_failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        bar.addWidget(self.model_selector)
        self.open_folder_action = QAction(translate("MainWindow", "Open model folder…"), self, objectName="openModelFolderAction")
        self.open_folder_action.setShortcut(QKeySequence.Open)
        self.open_folder_action.triggered.connect(self._on_open_folder_triggered)
        bar.addAction(self.open_folder_action)
        self.open_gguf_action = QAction(translate("MainWindow", "Open GGUF file…"), self, objectName="openGgufFileAction")
        self.open_gguf_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_gguf_action.setToolTip(translate("MainWindow", "Open a llama.cpp .gguf model file (converted once, then cached)"))
        self.open_gguf_action.triggered.connect(self._on_open_gguf_triggered)
        bar.addSeparator()
        bar.addWidget(QLabel(translate("MainWindow", " Device ")))
        self.device_selector = QComboBox(objectName="deviceSelector")
        self.device_selector.addItem("cpu")
        self.device_selector.setToolTip(translate("MainWindow", "Where the model runs. GPUs appear when torch can see them."))
        self.device_selector.activated.connect(self._on_device_or_dtype_activated)
        bar.addWidget(self.device_selector)
        bar.addWidget(QLabel(translate("MainWindow", " Precision ")))
        self.dtype_selector = QComboBox(objectName="dtypeSelector")
        self.dtype_selector.addItems(["float32", "bfloat16"])
        self.dtype_selector.setToolTip(translate("MainWindow", "Number format of the weights: bfloat16 halves memory; it is faster on GPUs "
                                       "and on CPUs with native bf16, and its text leaves float32's after a few "
                                       "tokens. float16 is offered on GPUs."))
        self.dtype_selector.activated.connect(self._on_device_or_dtype_activated)
        bar.addWidget(self.dtype_selector)
        bar.addSeparator()
        self.load_progress = QProgressBar(objectName="loadProgress")
        self.load_progress.setRange(0, 1000)
        self.load_progress.setMaximumWidth(260)
        self.load_progress.setTextVisible(True)
        self.load_progress.hide()
        self._load_progress_action = bar.addWidget(self.load_progress)
        self.cancel_load_button = QPushButton(translate("MainWindow", "Cancel"), objectName="cancelLoadButton")
        self.cancel_load_button.clicked.connect(self.controller.cancel)
        self._cancel_action = bar.addWidget(self.cancel_load_button)
        self._load_progress_action.setVisible(False)
        self._cancel_action.setVisible(False)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget(objectName="mainTabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        context = TabContext(controller=self.controller, show_error=self.show_error,
                             refresh_sources=self.refresh_sources, chat_text=self._chat_text)
        self.chat_tab = ChatTab(context, self)
        self.training_tab = TrainingTab(context, self)
        self.architecture_tab = ArchitectureTab(context, self)
        self.optimize_tab = OptimizeTab(context, self)
        self.basics_tab = BasicsTab(context, self)
        for tab, title in ((self.chat_tab, translate("MainWindow", "Chat")),
                           (self.training_tab, translate("MainWindow", "Training")),
                           (self.architecture_tab, translate("MainWindow", "Architecture")),
                           (self.optimize_tab, translate("MainWindow", "Optimize")),
                           (self.basics_tab, translate("MainWindow", "Basics"))):
            self.tabs.addTab(tab, title)
        # The hand-offs between tabs, all of them: each tab asks through a signal, the window answers.
        for tab in (self.training_tab, self.architecture_tab, self.optimize_tab):
            tab.navigate_requested.connect(self.show_tab)  # e.g. "Chat with this model"
        self.architecture_tab.train_config_requested.connect(self.training_tab.set_model_config)  # "Train this"
        self.optimize_tab.engine_requested.connect(self.chat_tab.engines.select)  # "Load into Chat" (ONNX row)

    def _chat_text(self) -> str:
        return self.chat_tab.conversation_text()

    @Slot(str)
    def show_tab(self, object_name: str) -> None:
        tab = self.tab(object_name)
        if tab is not None:
            self.tabs.setCurrentWidget(tab)

    def tab(self, object_name: str) -> QWidget:
        return self.tabs.findChild(QWidget, object_name)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.status_labels: dict[str, QLabel] = {}
        for key, tip in (("model", translate("MainWindow", "Current model")), ("params", translate("MainWindow", "Parameter count")), ("device", translate("MainWindow", "Device")),
                         ("dtype", translate("MainWindow", "Weight precision")),
                         ("exactness", translate("MainWindow", "Lower precision runs faster, but greedy replies can differ from "
                                       "float32 after a few tokens (measured on the built-in model).")),
                         ("memory", translate("MainWindow", "Memory used by the app"))):
            label = QLabel("", objectName=f"status{key.capitalize()}")
            label.setToolTip(tip)
            label.setContentsMargins(10, 0, 10, 0)
            bar.addPermanentWidget(label)
            self.status_labels[key] = label
        self.status_labels["model"].setText(translate("MainWindow", "No model loaded"))
        self.status_labels["exactness"].setStyleSheet("color: #d08000;")
        self.status_labels["exactness"].hide()
        self._memory_timer = QTimer(self, interval=2000, timeout=self._update_memory)
        self._memory_timer.start()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(translate("MainWindow", "&File"))
        file_menu.addAction(self.open_folder_action)
        file_menu.addAction(self.open_gguf_action)
        self.serve_action = QAction(translate("MainWindow", "Serve current model…"), self, objectName="serveAction")
        self.serve_action.setToolTip(translate("MainWindow", "Serve the current model over an OpenAI-compatible API on this machine"))
        self.serve_action.triggered.connect(self._on_serve_action_triggered)
        file_menu.addAction(self.serve_action)
        file_menu.addSeparator()
        quit_action = QAction(translate("MainWindow", "Quit"), self, objectName="quitAction", shortcut=QKeySequence.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        self.view_menu = self.menuBar().addMenu(translate("MainWindow", "&View"))
        zoom_in = QAction(translate("MainWindow", "Zoom in"), self, objectName="zoomInAction")
        zoom_in.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++"), QKeySequence.ZoomIn])
        zoom_in.triggered.connect(lambda: self.set_zoom(self.zoom * 1.1))
        zoom_out = QAction(translate("MainWindow", "Zoom out"), self, objectName="zoomOutAction")
        zoom_out.setShortcuts([QKeySequence("Ctrl+-"), QKeySequence.ZoomOut])
        zoom_out.triggered.connect(lambda: self.set_zoom(self.zoom / 1.1))
        zoom_reset = QAction(translate("MainWindow", "Actual size"), self, objectName="zoomResetAction", shortcut=QKeySequence("Ctrl+0"))
        zoom_reset.triggered.connect(lambda: self.set_zoom(1.0))
        full_screen = QAction(translate("MainWindow", "Full screen"), self, objectName="fullScreenAction", checkable=True)
        full_screen.setShortcut(QKeySequence("F11"))
        full_screen.toggled.connect(lambda on: self.showFullScreen() if on else self.showNormal())
        self.dark_action = QAction(translate("MainWindow", "Dark theme"), self, objectName="darkThemeAction", checkable=True)
        self.dark_action.toggled.connect(self._on_dark_action_toggled)
        fast_engine = self.chat_tab.fast_engine_action  # a setting of the Chat tab
        for action in (zoom_in, zoom_out, zoom_reset, None, full_screen, self.dark_action, None, fast_engine):
            self.view_menu.addSeparator() if action is None else self.view_menu.addAction(action)
        self.zoom_actions = {"in": zoom_in, "out": zoom_out, "reset": zoom_reset}
        self._build_language_menu()

    def _build_language_menu(self) -> None:
        """View ▸ Language: each language in its own words; the choice is stored and applies at the next start
        (the lessons follow at once)."""
        menu = self.view_menu.addMenu(translate("MainWindow", "Language"))
        menu.setObjectName("languageMenu")
        group = QActionGroup(self, exclusive=True)
        self.language_actions: dict[str, QAction] = {}
        for language, name in (("en", "languageEnglishAction"), ("zh_CN", "languageChineseAction")):
            action = QAction(i18n.NATIVE_NAMES[language], self, objectName=name, checkable=True)
            action.setChecked(language == i18n.ui_language())
            action.triggered.connect(lambda _checked=False, lang=language: self.choose_language(lang))
            group.addAction(action)
            menu.addAction(action)
            self.language_actions[language] = action

    def choose_language(self, language: str) -> QMessageBox | None:
        """Store the UI language for the next start, show the lessons in it now, and say so (in both
        languages: the one being left may be the one the user cannot read)."""
        changed = language != i18n.ui_language()
        i18n.set_ui_language(language)
        self.language_actions[language].setChecked(True)
        learn_panel = getattr(self, "learn_panel", None)
        if learn_panel is not None:
            learn_panel.set_language(language)
        if not changed:
            return None
        box = QMessageBox(QMessageBox.Information, "Language / 语言", RESTART_NOTICE[language], QMessageBox.Ok, self)
        box.setObjectName("languageRestartNotice")
        box.open()
        return box

    def _connect_controller(self) -> None:
        c = self.controller
        c.load_started.connect(self._on_controller_load_started)
        c.load_progressed.connect(self._on_controller_load_progressed)
        c.model_changed.connect(self._on_controller_model_changed)
        c.load_failed.connect(self._on_controller_load_failed)
        c.load_cancelled.connect(self._on_controller_load_cancelled)
        c.busy_changed.connect(self._on_controller_busy_changed)

    # ------------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            self._fit_to_screen()  # a size saved while zoom still grew the window can be wider than the screen
        else:
            self.resize(1280, 820)
        self.set_zoom(float(self.settings.value("view/zoom", 1.0)))
        self.dark_action.setChecked(self.settings.value("view/dark", "false") in (True, "true"))
        theme.apply_theme(self.dark_action.isChecked())
        self._select_text(self.dtype_selector, str(self.settings.value("model/dtype", "float32")))

    def _save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("view/zoom", self.zoom)
        self.settings.setValue("view/dark", self.dark_action.isChecked())
        self.settings.setValue("model/device", self.device_selector.currentText())
        self.settings.setValue("model/dtype", self.dtype_selector.currentText())
        if self.controller.session is not None:
            self.settings.setValue("model/last", self.controller.session.source.key)
        self.settings.sync()

    # ------------------------------------------------------------------ zoom / theme
    def _fit_to_screen(self) -> None:
        area = (self.screen() or QApplication.primaryScreen()).availableGeometry()
        if not (self.isMaximized() or self.isFullScreen()) and (self.width() > area.width()
                                                                 or self.height() > area.height()):
            self.resize(min(self.width(), area.width()), min(self.height(), area.height()))

    def set_zoom(self, zoom: float, *, remember: bool = True) -> None:
        """`remember`: stored for the next start (presenter mode's zoom is not: a crash there would keep it)."""
        self.zoom = theme.apply_zoom(zoom, self)
        if remember:
            self.settings.setValue("view/zoom", self.zoom)
        self.zoom_changed.emit(self.zoom)

    @Slot(bool)
    def _on_dark_action_toggled(self, dark: bool) -> None:
        theme.apply_theme(dark)
        self.settings.setValue("view/dark", dark)

    # ------------------------------------------------------------------ models
    def refresh_sources(self) -> None:
        """Rescan the models on offer (in a worker; the list updates when it returns)."""
        self.model_selector.refresh()

    def _select_current_model(self) -> None:
        self.model_selector.select_current()

    def _load_initial_model(self) -> None:
        from playground.core.models import sources

        key = self.settings.value("model/last")
        source = sources.source_from_key(str(key)) if key else None
        offered = self.model_selector.sources
        source = source or sources.builtin_source() or (offered[0] if offered else None)
        if source is not None:
            self.load_source(source)

    def load_source(self, source: ModelSource) -> bool:
        device = self.device_selector.currentText() or "cpu"
        return self.controller.load(source, device, self.dtype_selector.currentText() or "float32")

    def open_model(self, path: str | Path) -> bool:
        """Load a model folder or a `.gguf` file (converted once, in the worker). While another load runs it
        waits its turn (the latest wins), and the status bar says so: the dialog can be answered while the
        start-up load is running."""
        from playground.core.models.sources import opened_source

        source = opened_source(path)
        if self.controller.busy:
            self._queued_source = source
            self.statusBar().showMessage(translate("MainWindow", "Busy loading a model: {name} opens as soon as it is done…").format(name=model_name(source.name)))
            return True
        return self.load_source(source)

    def open_model_folder(self, folder: str | Path) -> bool:
        return self.open_model(folder)

    def _load_queued_source(self) -> None:
        if self._queued_source is not None and not self.controller.busy:
            source, self._queued_source = self._queued_source, None
            self.load_source(source)

    @Slot(object)
    def _on_model_selector_source_chosen(self, source: ModelSource) -> None:
        if not self.load_source(source):
            self._select_current_model()

    @Slot()
    def _on_open_folder_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, translate("MainWindow", "Open a Hugging Face model folder"))
        if folder:
            self.open_model(folder)

    @Slot()
    def _on_open_gguf_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("MainWindow", "Open a GGUF model file"), "",
                                              translate("MainWindow", "GGUF models (*.gguf);;All files (*)"))
        if path:
            self.open_model(path)

    @Slot(int)
    def _on_device_or_dtype_activated(self, _index: int) -> None:
        if self.controller.session is None:
            return
        info = self.controller.session.info()
        device, dtype = self.device_selector.currentText(), self.dtype_selector.currentText()
        if (device, dtype) != (info.device.split(":")[0], info.dtype):
            self.controller.move(device, dtype)

    @Slot(object)
    def _on_controller_load_started(self, source: ModelSource) -> None:
        self.load_progress.setValue(0)
        self.load_progress.setFormat(translate("MainWindow", "Loading {name}…").format(name=model_name(source.name)))
        self.statusBar().showMessage(translate("MainWindow", "Loading {name}…").format(name=model_name(source.name)))

    @Slot(object)
    def _on_controller_load_progressed(self, progress: Progress) -> None:
        self.load_progress.setValue(int(progress.fraction * 1000))
        self.load_progress.setFormat(f"{progress.fraction:.0%}")
        queued = self._queued_source
        message = progress.message + (f" (then {queued.name})" if queued is not None else "")
        self.load_progress.setToolTip(message)
        self.statusBar().showMessage(message)

    @Slot(bool)
    def _on_controller_busy_changed(self, busy: bool) -> None:
        self._load_progress_action.setVisible(busy)
        self._cancel_action.setVisible(busy)
        for widget in (self.model_selector, self.device_selector, self.dtype_selector):
            widget.setEnabled(not busy)
        self.open_folder_action.setEnabled(not busy)
        self.open_gguf_action.setEnabled(not busy)
        if not busy and self._queued_source is not None:
            QTimer.singleShot(0, self, self._load_queued_source)  # after every slot has seen this busy=False

    @Slot(object)
    def _on_controller_model_changed(self, info: ModelInfo) -> None:
        self._refresh_device_choices(info)
        self.refresh_sources()
        labels = self.status_labels
        labels["model"].setText(model_name(info.name))
        labels["params"].setText(translate("MainWindow", "{n_params} parameters").format(n_params=fmt.count(info.n_params)))
        labels["params"].setToolTip(translate("MainWindow", "{n_params:,} parameters").format(n_params=info.n_params))
        labels["device"].setText(info.device)
        labels["dtype"].setText(info.dtype)
        inexact = info.dtype != "float32"
        labels["exactness"].setText(translate("MainWindow", "faster, not exact") if inexact else "")
        labels["exactness"].setVisible(inexact)
        self._update_memory()
        loaded = (translate("MainWindow", "Loaded {name} in {seconds:.1f} s from cache") if info.from_cache
                  else translate("MainWindow", "Loaded {name} in {seconds:.1f} s"))
        self.statusBar().showMessage(loaded.format(name=model_name(info.name), seconds=info.load_seconds), 5000)
        self.settings.setValue("model/last", info.source_key)

    def _refresh_device_choices(self, info: ModelInfo) -> None:
        from playground.core.models.devices import available_devices, dtypes_for

        device = info.device.split(":")[0]
        for combo, items, value in ((self.device_selector, available_devices(), device),
                                    (self.dtype_selector, dtypes_for(device), info.dtype)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(items)
            self._select_text(combo, value)
            combo.blockSignals(False)

    @staticmethod
    def _select_text(combo: QComboBox, text: str) -> None:
        index = combo.findText(text)
        if index >= 0:
            combo.setCurrentIndex(index)

    @Slot(object)
    def _on_controller_load_failed(self, failure: Failure) -> None:
        self._on_controller_load_cancelled(failure)
        self.show_error(translate("MainWindow", "Could not load the model"), failure.message)

    @Slot(object)
    def _on_controller_load_cancelled(self, failure: Failure) -> None:
        """The previous model stays: show it selected again, and say why in the status bar."""
        self._select_current_model()
        if self.controller.session is not None:
            info = self.controller.session.info()
            self._select_text(self.device_selector, info.device.split(":")[0])
            self._select_text(self.dtype_selector, info.dtype)
        self.statusBar().showMessage(failure.message, 8000)

    def show_error(self, title: str, message: str) -> QMessageBox:
        """A non-blocking error dialog (tests and scripts find it as `errorDialog`)."""
        if self._error_box is not None:
            self._error_box.close()
        box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, self)
        box.setObjectName("errorDialog")
        box.setAttribute(Qt.WA_DeleteOnClose, False)
        box.open()
        self._error_box = box
        return box

    def _update_memory(self) -> None:
        from playground.core.models.devices import process_memory_bytes

        device = self.controller.session.info().device if self.controller.session else "cpu"
        try:
            self.status_labels["memory"].setText(translate("MainWindow", "{n0} used").format(n0=fmt.nbytes(process_memory_bytes(device))))
        except Exception:  # psutil missing or the GPU went away: the label is optional
            self.status_labels["memory"].setText("")

    @Slot()
    def _on_serve_action_triggered(self) -> None:
        if self.controller.session is None:
            self.show_error(translate("MainWindow", "No model to serve"), translate("MainWindow", "Load a model first, then choose File → Serve current model."))
            return
        if self.server_panel is None:
            from playground.ui.shell.server_panel import ServerPanel

            self.server_panel = ServerPanel(self.controller, self, show_error=self.show_error)
            self.addDockWidget(Qt.BottomDockWidgetArea, self.server_panel)
        self.server_panel.show()
        self.server_panel.raise_()
        self.resizeDocks([self.server_panel], [self.server_panel.compact_height()], Qt.Vertical)  # not ~40%
        if not self.server_panel.is_running():
            self.server_panel.start()

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Stop every worker: each tab's, the server's, then the model controller's."""
        self._memory_timer.stop()
        self.model_selector.shutdown()
        if self.server_panel is not None:
            self.server_panel.shutdown()
        for tab in (self.chat_tab, self.training_tab, self.architecture_tab, self.optimize_tab, self.basics_tab):
            tab.shutdown()
        self.controller.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.presenter.set_active(False)  # the saved geometry and zoom are the normal ones
        self._save_settings()
        self.shutdown()
        super().closeEvent(event)
