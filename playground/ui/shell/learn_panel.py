"""The Learn panel (`learnPanel`, F1): lessons with a formula and a Show me button that sets up the demo.

Lessons are data (core/lessons.py: `resources/lessons/<lang>/*.md + *.json`, and the user's own under
`<data dir>/lessons/<lang>/`). A lesson that cannot be read, or asks for a demo that does not exist, is listed
in the panel's status by its file name and skipped. The language comes from the `learn/language` setting,
else the system locale (English fallback); `set_language` is what a View ▸ Language menu calls.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QLocale, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QDockWidget, QFrame, QLabel, QListWidget, QListWidgetItem, QPushButton, QSplitter,
                               QTextBrowser, QVBoxLayout, QWidget)

from playground.core import lessons as core_lessons
from playground.ui.i18n import translate
from playground.ui.shell.demos import DEMOS, DemoError, run_demo

LANGUAGE_KEY = "learn/language"
STAGES = ("preprocess", "init", "forward", "loss", "backprop", "update")


def lesson_language() -> str:
    """The language lessons are shown in: the setting, else the system locale's, else English."""
    chosen = str(QSettings().value(LANGUAGE_KEY, "") or "")
    if chosen in core_lessons.LANGUAGES:
        return chosen
    return core_lessons.language_for_locale(QLocale.system().name())


def user_lesson_roots() -> list:
    from playground.core.paths import data_dir

    return [data_dir() / "lessons"]


class StageStrip(QLabel):
    """`trainingStages`: the training loop's six stages, the current ones highlighted, with the numbers of
    the step that just ran. A step's forward, loss, backprop and update take milliseconds, so they light up
    together, each with its own number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="trainingStages", wordWrap=True)
        self.setTextFormat(Qt.RichText)
        self.stage = ""
        self.detail = ""
        self._tab = None
        self.hide()

    def follow(self, training_tab) -> None:
        if self._tab is not training_tab:
            training_tab.stage_changed.connect(self.set_stage)
            self._tab = training_tab
        self.show()

    @Slot(str, object)
    def set_stage(self, stage: str, payload) -> None:
        names = {"preprocess": translate("StageStrip", "preprocess"), "init": translate("StageStrip", "init"), "forward": translate("StageStrip", "forward"),
                 "loss": translate("StageStrip", "loss"), "backprop": translate("StageStrip", "backprop"), "update": translate("StageStrip", "update")}
        lit = {"preprocess": ("preprocess",), "init": ("init",),
               "step": ("forward", "loss", "backprop", "update")}.get(stage, ())
        self.stage = stage
        if stage == "step":
            m = payload
            self.detail = (translate("StageStrip", "step %1: forward → loss %2 → backprop (gradient norm %3) → update (lr %4)")
                           .replace("%1", f"{m.step:,}").replace("%2", f"{m.loss:.3f}")
                           .replace("%3", f"{m.grad_norm:.2f}").replace("%4", f"{m.lr:.2e}"))
        elif stage == "init" and hasattr(payload, "n_params"):
            self.detail = translate("StageStrip", "model built with random weights: %1 parameters").replace("%1",
                                                                                             f"{payload.n_params:,}")
        elif isinstance(payload, str):
            self.detail = payload
        else:
            self.detail = translate("StageStrip", "preparing the data (tokenizing)…")
        cells = []
        for key in STAGES:
            on = key in lit
            style = ("background:#ffb000;color:#000;font-weight:bold;" if on else "color:palette(mid);")
            cells.append(f"<span style='{style}'>&nbsp;{html.escape(names[key])}&nbsp;</span>")
        self.setText(" → ".join(cells) + f"<br>{html.escape(self.detail)}")


class LearnPanel(QDockWidget):
    language_changed = Signal(str)
    demo_started = Signal(str)  # the lesson key whose Show me ran

    def __init__(self, window) -> None:
        super().__init__(translate("LearnPanel", "Learn"), window)
        self.setObjectName("learnPanel")
        self.window_ = window
        self.language = lesson_language()
        self.lessons: list[core_lessons.Lesson] = []
        self.problems: list[str] = []
        body = QWidget()
        layout = QVBoxLayout(body)
        self.list = QListWidget(objectName="lessonList")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.text = QTextBrowser(objectName="lessonText")
        self.text.setOpenExternalLinks(False)
        self.formula = QLabel(objectName="lessonFormula", wordWrap=True)
        self.formula.setFrameShape(QFrame.StyledPanel)
        self.formula.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.formula.setAlignment(Qt.AlignCenter)
        self.show_me_button = QPushButton(translate("LearnPanel", "Show me"), objectName="showMeButton")
        self.show_me_button.setToolTip(translate("LearnPanel", "Set up this lesson's live demo in the app"))
        self.show_me_button.clicked.connect(self.show_me)
        self.status = QLabel("", objectName="learnStatus", wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.stages = StageStrip()
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.list)
        reading = QWidget()
        column = QVBoxLayout(reading)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.text, 1)
        column.addWidget(self.formula)
        column.addWidget(self.show_me_button)
        column.addWidget(self.stages)
        column.addWidget(self.status)
        split.addWidget(reading)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        self.split = split
        layout.addWidget(split)
        self.setWidget(body)
        self.reload()

    # ------------------------------------------------------------------ lessons
    def reload(self) -> None:
        loaded = core_lessons.load_lessons(self.language, user_lesson_roots())
        self.problems = list(loaded.problems)
        self.lessons = []
        for lesson in loaded.items:
            if lesson.demo.action not in DEMOS:
                self.problems.append(translate("LearnPanel", "Lesson {file} ({language}) skipped: unknown demo action "
                                               "{action}; known: {known}").format(
                    file=f"{lesson.key}.json", language=lesson.language, action=repr(lesson.demo.action),
                    known=", ".join(sorted(DEMOS))))
                continue
            self.lessons.append(lesson)
        current = self.current_lesson().key if self.current_lesson() else None
        self.list.blockSignals(True)
        self.list.clear()
        for lesson in self.lessons:
            item = QListWidgetItem(lesson.title)
            item.setData(Qt.UserRole, lesson.key)
            self.list.addItem(item)
        self.list.blockSignals(False)
        keys = [lesson.key for lesson in self.lessons]
        self.list.setCurrentRow(keys.index(current) if current in keys else 0 if keys else -1)
        if not keys:
            self._show_lesson(None)
        self.show_status("")

    def set_language(self, language: str) -> None:
        """Show the lessons in `language` ("en", "zh_CN"), remembered; the View ▸ Language menu calls it."""
        if language not in core_lessons.LANGUAGES:
            raise ValueError(f"no lessons in {language!r}; there are {core_lessons.LANGUAGES}")
        QSettings().setValue(LANGUAGE_KEY, language)
        if language != self.language:
            self.language = language
            self.reload()
            self.language_changed.emit(language)

    def current_lesson(self) -> core_lessons.Lesson | None:
        row = getattr(self, "list", None) and self.list.currentRow()
        return self.lessons[row] if isinstance(row, int) and 0 <= row < len(self.lessons) else None

    def select_lesson(self, key: str) -> bool:
        for row, lesson in enumerate(self.lessons):
            if lesson.key == key:
                self.list.setCurrentRow(row)
                return True
        return False

    @Slot(int)
    def _on_list_current_row_changed(self, _row: int) -> None:
        self._show_lesson(self.current_lesson())

    def _show_lesson(self, lesson) -> None:
        self.show_me_button.setEnabled(lesson is not None)
        if lesson is None:
            self.text.setMarkdown(translate("LearnPanel", "No lessons found."))
            self.formula.hide()
            return
        self.text.setMarkdown(f"## {lesson.title}\n\n{lesson.body}")
        # one part per line: the files separate a formula's parts with a newline or a wide gap
        self.formula.setText(re.sub(r"\n| {3,}", "<br>", html.escape(lesson.formula)))
        self._style_formula()
        self.formula.setVisible(bool(lesson.formula))

    def _style_formula(self) -> None:
        """1.25× the panel's font (so it follows zoom and presenter mode), bold; the panel as wide as ~32
        characters so a formula line fits."""
        self.setMinimumWidth(32 * self.fontMetrics().averageCharWidth())
        font = QFont(self.font())
        font.setPointSizeF(self.font().pointSizeF() * 1.25)
        font.setBold(True)
        self.formula.setFont(font)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.FontChange and hasattr(self, "formula"):
            self._style_formula()

    # ------------------------------------------------------------------ demos
    @Slot()
    def show_me(self) -> bool:
        lesson = self.current_lesson()
        if lesson is None:
            return False
        return self.run(lesson.demo, f"{lesson.key}.json")

    def run(self, demo, name: str, *, seed: int | None = None) -> bool:
        """Run `demo`; a problem with it is shown with `name` (the lesson or scenes file), never raised."""
        if demo.action != "training_loop":
            self.stages.hide()
        try:
            self.show_status(run_demo(self.window_, demo, seed=seed))
        except (DemoError, KeyError, TypeError, ValueError) as exc:
            self.show_status(f"{name}: {exc}", error=True)
            return False
        self.demo_started.emit(name)
        return True

    def show_status(self, text: str, *, error: bool = False) -> None:
        lines = ([text] if text else []) + self.problems
        self.status.setText("\n".join(lines))
        self.status.setStyleSheet("color: #d84315;" if error or (self.problems and not text) else "")
        self.status.setVisible(bool(lines))
