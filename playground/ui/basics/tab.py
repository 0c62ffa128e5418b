"""The Basics tab: neural-network fundamentals you can poke, one page per topic.

Pages are added with `add_page(title, page)`: a widget, or a function that builds one (built the first
time the page is shown, so the window starts without pyqtgraph or torch). A page with `shutdown()`
has it called when the window closes.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from playground.ui.shell.context import TabContext
from playground.ui.i18n import translate


class _LazyPage(QWidget):
    """Holds the place of a page until it is first shown."""

    def __init__(self, build: Callable[[], QWidget]) -> None:
        super().__init__()
        self._build = build
        self.page: QWidget | None = None
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.page is None:
            self.page = self._build()
            self.layout().addWidget(self.page)
        return self.page

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.ensure()
        super().showEvent(event)


def _boundary_page() -> QWidget:
    from playground.ui.basics.boundary import DecisionBoundaryPage

    return DecisionBoundaryPage()


def _digits_page() -> QWidget:
    from playground.ui.basics.digits import DigitsPage

    return DigitsPage()


def _paths_page() -> QWidget:
    from playground.ui.basics.paths import OptimizerPathsPanel

    return OptimizerPathsPanel()


class BasicsTab(QWidget):
    navigate_requested = Signal(str)  # the window wires every tab's; Basics asks for none yet

    def __init__(self, context: TabContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("basicsTab")
        self.context = context or TabContext()
        self.pages = QTabWidget(objectName="basicsPages")
        self.pages.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._pages: dict[str, QWidget] = {}
        self.add_page("Decision boundary", _boundary_page, translate("BasicsTab", "Decision boundary"))
        self.add_page("Digits", _digits_page, translate("BasicsTab", "Digits"))
        self.add_page("Optimizer paths", _paths_page, translate("BasicsTab", "Optimizer paths"))

    def add_page(self, title: str, page: QWidget | Callable[[], QWidget], label: str | None = None) -> None:
        """`title` is the page's key (`page`, `show_page`); `label` the tab's text (default: the title)."""
        holder = page if isinstance(page, QWidget) else _LazyPage(page)
        self._pages[title] = holder
        self.pages.addTab(holder, title if label is None else label)

    def page(self, title: str) -> QWidget:
        """The page (built now if it was not yet shown)."""
        holder = self._pages[title]
        return holder.ensure() if isinstance(holder, _LazyPage) else holder

    def show_page(self, title: str) -> QWidget:
        self.pages.setCurrentWidget(self._pages[title])
        return self.page(title)

    def shutdown(self) -> None:
        for holder in self._pages.values():
            page = holder.page if isinstance(holder, _LazyPage) else holder
            if page is not None and hasattr(page, "shutdown"):
                page.shutdown()
