"""`make screenshots` renders non-blank images of the right size, in English and Chinese, presenter mode too."""

from __future__ import annotations

from PySide6.QtGui import QImage

from playground.ui.shell.screenshots import SIZE, render


def _distinct_colours(image: QImage) -> int:
    step = 37
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def test_screenshots_render_every_language_and_presenter_mode_at_their_size(qtbot, tmp_path):
    paths = render(tmp_path, model=False, tabs=("chatTab",))
    assert [p.name for p in paths] == ["en-chatTab.png", "en-presenter.png", "zh_CN-chatTab.png", "zh_CN-presenter.png"]
    images = {p.name: QImage(str(p)) for p in paths}
    for name, image in images.items():
        assert (image.width(), image.height()) == SIZE, name
        assert _distinct_colours(image) > 8, f"{name} is blank"
    # presenter mode is another picture (fonts, contrast), and Chinese is another picture
    assert images["en-chatTab.png"] != images["en-presenter.png"]
    assert images["en-chatTab.png"] != images["zh_CN-chatTab.png"]
