import pytest
from PySide6.QtCore import QCoreApplication, QEvent


@pytest.fixture(autouse=True)
def earlier_windows_deleted():
    """The previous test's windows are deleted for good before this test makes its own: an app-wide
    change (style, font, palette) reaching a widget mid-deletion crashed the suite (a segfault in CI)."""
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    yield


@pytest.fixture
def window(qtbot):
    """The real main window, without auto-loading a model (tests choose what to load)."""
    from playground.ui.shell.main_window import MainWindow

    win = MainWindow(autoload=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown()


@pytest.fixture
def loaded_window(window, builtin_session):
    """The main window with the shared built-in model made current (no reload)."""
    window.controller.adopt(builtin_session)
    return window
