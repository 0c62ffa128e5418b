"""The Basics pages' texts that come from playground.core.basics (surfaces and optimizers): listed here for
lupdate, translated where they are shown with `core_text` (a text not listed, or changed in the core, shows
as the core wrote it)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.ui.i18n import translate

CONTEXT = "BasicsCore"
TEXTS = (
    # core/basics/surfaces.py: titles and descriptions
    QT_TRANSLATE_NOOP("BasicsCore", "Bowl"),
    QT_TRANSLATE_NOOP("BasicsCore", "A round bowl, L = (x² + y²)/2: every optimizer finds the bottom."),
    QT_TRANSLATE_NOOP("BasicsCore", "Elongated valley"),
    QT_TRANSLATE_NOOP("BasicsCore", "Steep across, shallow along (curvatures 4 and 0.05). SGD zig-zags across and "
                      "crawls along; momentum builds up speed along the valley, adaptive rates rescale each "
                      "direction."),
    QT_TRANSLATE_NOOP("BasicsCore", "Rosenbrock"),
    QT_TRANSLATE_NOOP("BasicsCore", "L = (1 − x)² + 100 (y − x²)²: a curved, nearly flat valley floor with the "
                      "minimum at (1, 1). Easy to reach the valley, hard to follow it."),
    QT_TRANSLATE_NOOP("BasicsCore", "Saddle"),
    QT_TRANSLATE_NOOP("BasicsCore", "A saddle point at the origin between two minima at (0, ±1). Starting almost on "
                      "the ridge, the gradient across is tiny: SGD lingers near the saddle, adaptive methods "
                      "escape quickly."),
    QT_TRANSLATE_NOOP("BasicsCore", "Noisy gradients"),
    QT_TRANSLATE_NOOP("BasicsCore", "An oval bowl whose gradient carries seeded random noise, as a mini-batch "
                      "gradient does. No optimizer settles on the minimum: each ends in a jittering cloud around "
                      "it, tighter for smaller steps (Momentum's steps are about η/(1 − β), ten times SGD's at "
                      "β = 0.9)."),
    # core/basics/paths.py: the optimizers (SGD, AdaGrad, RMSprop and Adam are names) and their ideas
    QT_TRANSLATE_NOOP("BasicsCore", "Momentum"),
    QT_TRANSLATE_NOOP("BasicsCore", "Steps straight down the slope: long steps where it is steep, tiny ones where "
                      "it is flat."),
    QT_TRANSLATE_NOOP("BasicsCore", "v remembers past gradients: it builds up speed along any direction that "
                      "persists and cancels zig-zags."),
    QT_TRANSLATE_NOOP("BasicsCore", "Divides each coordinate by all its past gradients: steep directions slow down, "
                      "and every step shrinks over time."),
    QT_TRANSLATE_NOOP("BasicsCore", "Like AdaGrad, but forgets old gradients: its steps do not shrink for ever."),
    QT_TRANSLATE_NOOP("BasicsCore", "Momentum (m) divided by RMSprop's running size (v); m̂ and v̂ undo the zero "
                      "start of the first steps."),
)


def core_text(text: str) -> str:
    """`text` from playground.core.basics in the UI's language."""
    return translate(CONTEXT, text)
