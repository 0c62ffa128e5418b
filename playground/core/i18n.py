"""Marks the core's user-visible labels for translation, without Qt.

`QT_TRANSLATE_NOOP("Core", "text")` returns `text` unchanged; Qt's lupdate finds the call by its name and
puts the string in the UI's translation file (`make translations` reads these core modules too). The UI then
shows `playground.ui.i18n.core_text(label)`, i.e. `translate("Core", label)`: the core stays English and
Qt-free, the user sees their language. Only fixed labels can be marked; a message built with values
(an error naming a file) stays English.
"""

from __future__ import annotations

CONTEXT = "Core"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """`text`, marked for translation in `context` (always "Core" here)."""
    return text
