"""ui/widgets/contrast.py: WCAG contrast, and the text colours the logit lens and muted labels pick."""

import pytest
from PySide6.QtGui import QColor, QPalette

from playground.ui.widgets.contrast import tint_color as cell_color, tint_text_color as cell_text_color
from playground.ui.shell.theme import apply_theme
from playground.ui.widgets.contrast import contrast_ratio, muted_text_color, readable_text_color


def test_contrast_ratio_is_wcags():
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#2e86de"), QColor("#2e86de")) == 1.0
    assert readable_text_color(QColor("#2e86de")) == QColor("black")  # white on it is only 3.9:1
    assert readable_text_color(QColor("#16171a")) == QColor("white")


@pytest.mark.parametrize("base", ["#ffffff", "#16171a"])  # the light and the dark theme's Base
def test_every_logit_lens_cell_is_readable(base):
    for step in range(101):
        background = cell_color(step / 100, QColor(base))
        assert contrast_ratio(cell_text_color(step / 100, QColor(base)), background) >= 4.5, (base, step)


@pytest.mark.parametrize("dark", [False, True])
def test_muted_text_is_readable_on_either_theme(qapp, dark):
    apply_theme(dark)
    try:
        palette = qapp.palette()
        muted = muted_text_color(palette)
        window = palette.color(QPalette.Window)
        assert contrast_ratio(muted, window) >= 4.5
        assert contrast_ratio(muted, window) < contrast_ratio(palette.color(QPalette.Text), window)  # still muted
    finally:
        apply_theme(False)
