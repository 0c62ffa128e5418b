"""Presenter mode (`presenterMode`, F5) and scenes, plus `install`, which adds the Learn panel (F1) and
presenter mode to the main window.

Presenter mode: fonts 1.5× (or more), a high-contrast palette, thicker plot lines, advanced controls hidden,
full screen. F5 again puts back exactly what was there: zoom, palette, the hidden widgets, pens, geometry.
Scenes: a list of Show-me demos (the lessons, or File ▸ Open scenes…) stepped with PageDown / PageUp (what
presentation clickers send), the scene's title in a small translucent overlay (`sceneOverlay`). Sampling
scenes use a fixed seed. While a guess-the-next-token reply runs, PageDown steps the guess instead.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QCheckBox, QFileDialog, QLabel, QWidget

from playground.core import lessons as core_lessons
from playground.ui.i18n import translate
from playground.ui.shell import theme
from playground.ui.shell.demos import DEFAULT_SEED

PRESENTER_ZOOM = 1.5  # at least this much larger than the zoom before
# Controls a live demo does not need (a tab can mark more with the dynamic property `advanced` = True).
ADVANCED = ("systemPromptButton", "chatTokensToggle", "compareButton", "openChatButton", "saveChatButton",
            "exportMarkdownButton", "exportConfigButton", "importConfigButton", "resumeRunButton", "deleteRunButton",
            "bf16Check", "exportGridButton", "exportHeatmapButton", "exportReportMarkdownButton",
            "exportReportCsvButton", "openModelFolderAction", "fromCurrentModelButton", "inspectConfigButton")
PEN_SCALE = 2.0
# Fusion draws a check box's frame a shade darker than the window: on black it vanished. Its label takes the
# colour it had when the sheet was set (before the high-contrast palette): black on black, so it is set too.
HIGH_CONTRAST_SHEET = (" QCheckBox { color: #ffffff; }"
                       " QCheckBox::indicator { border: 2px solid #ffffff; background: #000000; }"
                       " QCheckBox::indicator:checked { background: #ffd500; }")


class SceneOverlay(QLabel):
    """`sceneOverlay`: "3 / 9 · title", bottom right, translucent, never takes the mouse."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window, objectName="sceneOverlay")
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setStyleSheet("background: rgba(0, 0, 0, 150); color: white; border-radius: 6px; padding: 4px 10px;")
        self.hide()
        window.installEventFilter(self)

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.adjustSize()
        self._place()
        self.setVisible(bool(text))
        self.raise_()

    def _place(self) -> None:
        """Top right of the tabs, over the tab bar's empty end (never over a tab's controls)."""
        central = self.parentWidget().centralWidget()
        corner = central.mapTo(self.parentWidget(), central.rect().topRight())
        self.move(max(0, corner.x() - self.width() - 8), corner.y() + 2)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Resize and self.isVisible():
            self._place()
        return False


class Presenter(QObject):
    toggled = Signal(bool)
    scene_changed = Signal(int)  # the index of the scene now shown

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self._saved: dict = {}
        self.scenes: tuple[core_lessons.Scene, ...] = ()
        self.scenes_name = ""  # the file the scenes came from ("" = the lessons)
        self.index = -1
        self.overlay = SceneOverlay(window)
        self.action = QAction(translate("Presenter", "Presenter mode"), window, objectName="presenterMode", checkable=True)
        self.action.setShortcut(QKeySequence("F5"))
        self.action.setToolTip(translate("Presenter", "Large fonts, high contrast, full screen; PageDown/PageUp step the "
                                       "scenes (F5)"))
        self.action.toggled.connect(self.set_active)
        self.next_action = QAction(translate("Presenter", "Next scene"), window, objectName="nextSceneAction")
        self.next_action.triggered.connect(self.next_scene)
        self.previous_action = QAction(translate("Presenter", "Previous scene"), window, objectName="previousSceneAction")
        self.previous_action.triggered.connect(self.previous_scene)
        self.open_action = QAction(translate("Presenter", "Open scenes…"), window, objectName="openScenesAction")
        self.open_action.triggered.connect(self._on_open_action_triggered)
        for action in (self.next_action, self.previous_action):
            action.setShortcutVisibleInContextMenu(True)
        self.next_action.setText(translate("Presenter", "Next scene") + "\tPageDown")
        self.previous_action.setText(translate("Presenter", "Previous scene") + "\tPageUp")

    # ------------------------------------------------------------------ presenter mode
    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        if on:
            self._enter()
        else:
            self._leave()
        self.active = on
        if self.action.isChecked() != on:
            self.action.setChecked(on)
        self.toggled.emit(on)

    def _enter(self) -> None:
        w = self.window
        self._saved = {"zoom": w.zoom, "dark": w.dark_action.isChecked(), "geometry": w.saveGeometry(), "rect": w.geometry(),
                       "state": w.windowState(), "hidden": [], "pens": []}
        for widget in self._advanced_widgets():
            if not widget.isHidden():
                widget.hide()
                self._saved["hidden"].append(widget)
        for action in w.findChildren(QAction):
            if action.objectName() in ADVANCED and action.isVisible():
                action.setVisible(False)
                self._saved["hidden"].append(action)
        # Before the zoom, which sets each style sheet again with the new font. Per check box, not
        # app-wide: an application style sheet stopped the zoomed font reaching the widgets.
        self._saved["sheets"] = [(box, box.styleSheet()) for box in w.findChildren(QCheckBox)]
        for box, sheet in self._saved["sheets"]:
            box.setStyleSheet(sheet + HIGH_CONTRAST_SHEET)
        w.set_zoom(max(w.zoom * PRESENTER_ZOOM, PRESENTER_ZOOM), remember=False)
        theme.apply_high_contrast()
        self._thicken_plots()
        QApplication.instance().installEventFilter(self)
        w.showFullScreen()
        if not self.scenes:
            self.use_lesson_scenes()

    def _leave(self) -> None:
        w, saved = self.window, self._saved
        QApplication.instance().removeEventFilter(self)
        for item, pen in saved["pens"]:
            try:
                item.setPen(pen)
            except RuntimeError:  # the plot was deleted meanwhile
                pass
        for widget in saved["hidden"]:
            widget.setVisible(True)
        for box, sheet in saved["sheets"]:
            try:
                box.setStyleSheet(sheet)
            except RuntimeError:  # the box was deleted meanwhile
                pass
        theme.apply_theme(saved["dark"])
        w.set_zoom(saved["zoom"])
        w.setWindowState(saved["state"])
        if not saved["state"] & (Qt.WindowFullScreen | Qt.WindowMaximized):
            w.showNormal()
        w.restoreGeometry(saved["geometry"])
        if not saved["state"] & (Qt.WindowFullScreen | Qt.WindowMaximized):
            w.setGeometry(saved["rect"])  # restoreGeometry fits it to the screen; it was what it was
        self.overlay.hide()
        self._saved = {}

    def _advanced_widgets(self) -> list[QWidget]:
        return [widget for widget in self.window.findChildren(QWidget)
                if widget.objectName() in ADVANCED or widget.property("advanced") is True]

    def _thicken_plots(self) -> None:
        pg = sys.modules.get("pyqtgraph")  # never imported just for this: no plot exists without it
        if pg is None:
            return
        for plot in self.window.findChildren(pg.PlotWidget):
            for item in plot.getPlotItem().listDataItems():
                pen = item.opts.get("pen") if isinstance(item, pg.PlotDataItem) else None  # not bar charts
                if pen is None:
                    continue
                original = pg.mkPen(pen)
                thick = pg.mkPen(original)
                thick.setWidthF(max(3.0, original.widthF() * PEN_SCALE))
                item.setPen(thick)
                self._saved["pens"].append((item, original))

    # ------------------------------------------------------------------ scenes
    def use_lesson_scenes(self) -> None:
        self.set_scenes(core_lessons.lesson_scenes(self.window.learn_panel.lessons), "")

    def set_scenes(self, scenes, name: str) -> None:
        self.scenes, self.scenes_name, self.index = tuple(scenes), name, -1
        self.overlay.hide()

    def open_scenes(self, path) -> bool:
        """Read a scenes file (a JSON list of {"title", "action", "args"}); problems are shown by name."""
        try:
            loaded = core_lessons.read_scenes(path)
        except ValueError as exc:
            self.window.learn_panel.show_status(str(exc), error=True)
            return False
        from pathlib import Path

        if not loaded.items:
            self.window.learn_panel.show_status("; ".join(loaded.problems) or translate("Presenter", "{name} has no scenes").format(name=Path(path).name),
                                                error=True)
            return False
        self.set_scenes(loaded.items, Path(path).name)
        message = translate("Presenter", "%1: %2 scenes. PageDown starts.").replace("%1", Path(path).name) \
            .replace("%2", str(len(loaded.items)))
        self.window.learn_panel.show_status("\n".join([message, *loaded.problems]), error=bool(loaded.problems))
        return True

    def _on_open_action_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, translate("Presenter", "Open a scenes file"), "", "JSON (*.json)")
        if path:
            self.open_scenes(path)

    def next_scene(self) -> bool:
        guess = self.window.chat_tab.guess
        if guess.active():
            return guess.step()
        return self.go_to(self.index + 1)

    def previous_scene(self) -> bool:
        return self.go_to(self.index - 1)

    def go_to(self, index: int) -> bool:
        if not self.scenes:
            self.use_lesson_scenes()
        if not 0 <= index < len(self.scenes):
            return False
        self.index = index
        scene = self.scenes[index]
        name = self.scenes_name or translate("Presenter", "scene %1").replace("%1", str(index + 1))
        self.window.learn_panel.run(scene.demo, name, seed=DEFAULT_SEED)
        self.overlay.show_text(f"{index + 1} / {len(self.scenes)} · {scene.title}")
        self.scene_changed.emit(index)
        return True

    def _contrast_late_box(self, box: QCheckBox) -> None:
        """A check box first shown while presenter mode is on (on a page built when first opened, as Basics ▸
        Digits is) gets the high-contrast sheet too, and its own back on leaving."""
        if box.window() is not self.window or any(known is box for known, _ in self._saved["sheets"]):
            return
        self._saved["sheets"].append((box, box.styleSheet()))
        box.setStyleSheet(box.styleSheet() + HIGH_CONTRAST_SHEET)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        """In presenter mode PageDown/PageUp step the scenes wherever the focus is (a clicker's keys)."""
        if event.type() == QEvent.Show and isinstance(obj, QCheckBox):
            self._contrast_late_box(obj)
            return False
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_PageDown, Qt.Key_PageUp) \
                and not event.isAutoRepeat() and isinstance(obj, QWidget) and obj.window() is self.window:
            (self.next_scene if event.key() == Qt.Key_PageDown else self.previous_scene)()
            return True
        return False


def install(window) -> None:
    """The Learn panel (F1) and presenter mode (F5): dock, toolbar buttons and View menu entries."""
    from playground.ui.shell.learn_panel import LearnPanel

    window.learn_panel = panel = LearnPanel(window)
    window.addDockWidget(Qt.RightDockWidgetArea, panel)
    panel.hide()
    learn = panel.toggleViewAction()
    learn.setObjectName("learnAction")
    learn.setText(translate("Presenter", "Learn"))
    learn.setShortcut(QKeySequence("F1"))
    learn.setToolTip(translate("Presenter", "Lessons with a live demo (F1)"))
    window.presenter = presenter = Presenter(window)
    bar = window.findChild(QWidget, "modelToolbar")
    bar.addSeparator()
    bar.addAction(learn)
    bar.addAction(presenter.action)
    window.view_menu.addSeparator()
    for action in (learn, presenter.action, presenter.next_action, presenter.previous_action, presenter.open_action):
        window.view_menu.addAction(action)
