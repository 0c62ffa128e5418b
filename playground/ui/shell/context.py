"""What the main window hands every tab (and its panels): the one way a tab reaches beyond itself.

A tab never looks up the window (`self.window()`), another tab, or an attribute it hopes is there. It gets a
`TabContext` when it is built, and asks for hand-offs to other tabs through its `*_requested` signals, which
the main window wires by name (`navigate_requested`, `train_config_requested`, `engine_requested`).
A tab built on its own (tests, scripts) gets `TabContext()`: no model controller, errors not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # the controller's module imports the workers; only the type is needed here
    from playground.workers.model_controller import ModelController


def _no_dialog(_title: str, _message: str) -> None:
    """A tab on its own has no window to show a dialog over; the tab's status line already says it."""


def _nothing() -> None:
    pass


def _no_chat() -> str | None:
    return None


@dataclass(frozen=True)
class TabContext:
    controller: ModelController | None = None  # the current model, shared by every tab
    show_error: Callable[[str, str], object] = _no_dialog  # (title, message): a non-blocking error dialog
    refresh_sources: Callable[[], None] = _nothing  # rescan the models the toolbar offers (a run was saved)
    chat_text: Callable[[], str | None] = _no_chat  # the Chat tab's conversation as plain text (None: no chat)
