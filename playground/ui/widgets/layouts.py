"""Small layout helpers the tabs share: a margin-less column, a row, a bar that wraps when zoomed."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLayout, QLayoutItem, QVBoxLayout, QWidget


def column(*items: QWidget | QLayout, stretch: int = 0) -> QWidget:
    """A widget holding `items` top to bottom, without margins; item `stretch` takes the spare height."""
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, item in enumerate(items):
        factor = 1 if index == stretch else 0
        if isinstance(item, QLayout):
            layout.addLayout(item, factor)
        else:
            layout.addWidget(item, factor)
    return widget


def row(*widgets: QWidget, stretch: int | None = None) -> QHBoxLayout:
    """`widgets` side by side; widget `stretch` (if given) takes the spare width."""
    layout = QHBoxLayout()
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if index == stretch else 0)
    return layout


class FlowBar(QLayout):
    """Widgets side by side at their preferred widths, wrapping to more lines when the width runs out (a
    zoomed font): the bar never forces the window wider. On a single line, the widgets from `right_from` on
    sit flush right."""

    def __init__(self, widgets: list[QWidget], right_from: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._right_from = right_from
        self.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            self.addWidget(widget)

    # ------------------------------------------------------------------ QLayout
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientations:  # noqa: N802 - Qt override
        return Qt.Orientations(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hints = [item.sizeHint() for item in self._visible()]
        return QSize(sum(h.width() for h in hints) + self._gap() * max(len(hints) - 1, 0),
                     max((h.height() for h in hints), default=0))

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        width = max((item.sizeHint().width() for item in self._visible()), default=0)
        return QSize(width, self.heightForWidth(width))

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    # ------------------------------------------------------------------ placing
    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _gap(self) -> int:
        spacing = self.spacing()
        return spacing if spacing >= 0 else 6

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines, line, used = [], [], 0
        for item in self._visible():
            w = item.sizeHint().width()
            if line and used + self._gap() + w > width:
                lines.append(line)
                line, used = [], 0
            used = used + self._gap() + w if line else w
            line.append(item)
        return lines + [line] if line else lines

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Place the items in `rect` (when `apply`); returns the height they take."""
        lines = self._lines(rect.width())
        top = rect.y()
        for line in lines:
            height = max(item.sizeHint().height() for item in line)
            x = rect.x()
            for index, item in enumerate(line):
                hint = item.sizeHint()
                if len(lines) == 1 and self._right_from is not None and index == self._right_from:
                    rest = line[index:]
                    x = rect.right() + 1 - (sum(i.sizeHint().width() for i in rest) + self._gap() * (len(rest) - 1))
                if apply:
                    item.setGeometry(QRect(x, top + (height - hint.height()) // 2, hint.width(), hint.height()))
                x += hint.width() + self._gap()
            top += height + self._gap()
        return max(top - self._gap() - rect.y(), 0)
