"""The UI's languages: English (the source strings) and Simplified Chinese, through Qt's translation system.

Every user-visible string of the UI goes through `translate("Context", "text")`: lupdate extracts that form
(`make translations` → `resources/translations/playground_zh_CN.ts`, compiled to `.qm` by lrelease). The
context is explicit, not `self.tr()`'s runtime class, so subclasses and shared helpers find their strings.
Placeholders are `{name}` for `str.format`: lupdate cannot read f-strings.

The language is the `ui/language` setting, else the system locale's (English fallback). It is applied when
the app starts (`install_translators` in `create_app`); View ▸ Language stores it for the next start.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from playground.core import lessons as core_lessons
from playground.core.paths import RESOURCES

LANGUAGE_KEY = "ui/language"
LANGUAGES = core_lessons.LANGUAGES  # ("en", "zh_CN"): the UI and the lessons come in the same ones
NATIVE_NAMES = {"en": "English", "zh_CN": "中文"}  # each language in its own words, never translated
TRANSLATIONS_DIR = RESOURCES / "translations"

_installed: list[QTranslator] = []  # kept alive: Qt holds only a pointer


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`text` in the UI's language. Call it with literal strings so lupdate finds them."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def core_text(text: str) -> str:
    """A label the core marked with `QT_TRANSLATE_NOOP("Core", …)` (core/i18n.py), in the UI's language;
    any other text comes back as it is."""
    return QCoreApplication.translate("Core", text)


def model_name(name: str) -> str:
    """A model's display name with the core's "(built-in)" in the UI's language."""
    from playground.core.models.sources import BUILTIN_SUFFIX

    return name[:-len(BUILTIN_SUFFIX)] + core_text(BUILTIN_SUFFIX) if name.endswith(BUILTIN_SUFFIX) else name


def duration(seconds: float) -> str:
    """`core.format.duration` with its unit in the UI's language ("1.5 years" → "1.5 年")."""
    from playground.core import format as fmt

    number, _, unit = fmt.duration(seconds).rpartition(" ")
    return f"{number} {core_text(unit)}"


def ui_language() -> str:
    """The language the UI starts in: the setting, else the system locale's, else English."""
    chosen = str(QSettings().value(LANGUAGE_KEY, "") or "")
    if chosen in LANGUAGES:
        return chosen
    return core_lessons.language_for_locale(QLocale.system().name())


def set_ui_language(language: str) -> None:
    """Remember `language` for the next start (the strings already built stay as they are)."""
    if language not in LANGUAGES:
        raise ValueError(f"no UI translation for {language!r}; there are {LANGUAGES}")
    QSettings().setValue(LANGUAGE_KEY, language)


def install_translators(language: str) -> list[QTranslator]:
    """Install the app's translator for `language` and Qt's own (standard buttons: OK, Cancel…), replacing
    earlier ones; English installs none. Returns what was installed (a missing Qt file is skipped)."""
    app = QCoreApplication.instance()
    remove_translators()
    if language == "en" or app is None:
        return []
    wanted = [(f"playground_{language}", str(TRANSLATIONS_DIR)),
              (f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.TranslationsPath))]
    for name, folder in wanted:
        translator = QTranslator(app)
        if translator.load(name, folder) and app.installTranslator(translator):
            _installed.append(translator)
    return list(_installed)


def remove_translators() -> None:
    app = QCoreApplication.instance()
    while _installed:
        translator = _installed.pop()
        if app is not None:
            app.removeTranslator(translator)
