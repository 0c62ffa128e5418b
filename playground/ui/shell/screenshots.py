"""`make screenshots`: every main tab (and each page of the Basics tab), presenter mode and the Chinese UI,
rendered offscreen at 1600×1000 into docs/screenshots/ (the README shows them). Look at them: a clipped
label or an overlapping widget in Chinese or at 1.5× is a bug.

    python -m playground.ui.shell.screenshots [OUT_DIR] [--no-model]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

SIZE = (1600, 1000)


def _settle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def render(out: Path, *, languages=("en", "zh_CN"), model: bool = True, presenter: bool = True,
           tabs: tuple[str, ...] | None = None) -> list[Path]:
    """Write the screenshots; returns their paths. `tabs`: objectNames (default: every main tab)."""
    from playground.app import create_app
    from playground.ui import i18n
    from playground.ui.shell.main_window import MainWindow

    app = create_app()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for language in languages:
        i18n.remove_translators()
        i18n.install_translators(language)
        window = MainWindow(autoload=model)
        window.resize(*SIZE)
        window.show()
        if model:
            end = time.monotonic() + 120
            while window.controller.session is None and time.monotonic() < end:
                _settle(app, 0.2)
        _settle(app, 0.5)
        names = tabs or tuple(window.tabs.widget(i).objectName() for i in range(window.tabs.count()))
        for name in names:
            window.show_tab(name)
            pages = getattr(window.tab(name), "pages", None)
            for index in range(pages.count() if pages is not None else 1):
                if pages is not None:
                    pages.setCurrentIndex(index)
                _settle(app, 1.0)
                suffix = f"-{index + 1}" if pages is not None else ""
                written.append(_save(window, out / f"{language}-{name}{suffix}.png"))
        if presenter:
            window.show_tab(names[0])
            window.presenter.set_active(True)
            window.showNormal()  # the shot keeps the fixed size; presenter fonts, theme and hiding stay
            window.resize(*SIZE)
            _settle(app, 1.0)
            written.append(_save(window, out / f"{language}-presenter.png"))
            window.presenter.set_active(False)
        window.close()
        window.deleteLater()
        _settle(app, 0.3)
    i18n.remove_translators()
    i18n.install_translators(i18n.ui_language())
    return written


def _save(window, path: Path) -> Path:
    image = window.grab().toImage()
    tmp = path.with_name(path.name + ".tmp")
    if not image.save(str(tmp), "PNG"):
        raise OSError(f"could not write {path}")
    os.replace(tmp, path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--no-model", action="store_true", help="do not load the built-in model")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in render(args.out, model=not args.no_model):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
