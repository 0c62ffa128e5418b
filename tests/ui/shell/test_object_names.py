"""objectNames are how tests, scripts and the README point at widgets: each one is there and names one thing."""

from __future__ import annotations

import collections
import re
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QTabWidget

README = Path(__file__).parents[3] / "README.md"
# Every objectName the README documents (backticked camelCase words), kept by hand so that a README edit that
# names a new widget, or a widget renamed under the README, fails here until both agree.
DOCUMENTED = {
    "attentionView", "basicsActivationCombo", "basicsDatasetCombo", "basicsLayersSpin", "basicsLearningRateSpin",
    "basicsNeuronsSpin", "basicsOptimizerCombo", "basicsOverfitPresetButton", "basicsPages", "basicsPlayButton",
    "basicsResetButton", "basicsSpiralsPresetButton",
    "basicsStepButton", "basicsTab", "confusionMatrixView", "decisionBoundaryPlot", "digitDrawPad",
    "digitProbabilities", "digitsCompareButton", "digitsTrainButton", "misclassifiedGallery", "neuronThumbnails",
    "blockDiagram", "branchLabel", "branchNextButton", "branchPrevButton", "chatInputTokenCount", "chatModeCombo",
    "chatTokensToggle", "configBuilder", "contextMeter", "deviceSelector",
    "distillAlphaSpin", "distillTemperatureSpin", "dtypeSelector", "engineCombo", "engineStatusLabel",
    "evalPromptEdit", "evalTokensSpin", "gradNormPlot", "groupSizeCombo", "guessModeToggle", "guessRevealButton", "importanceCombo", "languageMenu", "learnPanel", "logitLensView",
    "lossPlot", "lrPlot", "modelSelector", "moduleTree", "optimizeMessage", "optimizeReport", "optimizerCombo",
    "pplTokensSpin", "presenterMode", "presetCombo", "pruneHeadsSpin", "runOptimizeButton", "runsList", "sampleView", "sceneOverlay", "showMeButton",
    "sparsitySpin", "startDistillButton", "techniqueList", "tokenizerBpeView", "tokenizerCharView",
    "tokenizerExamples", "tokenizerInput", "tokenizerModelView", "tokenizerPage", "whyAttentionView",
    "whyLogitLensView", "whyTokenButton", "whyTokenPanel",
    # The Basics tab's optimizer paths panel
    "optimizerPathPlot", "pathBeta1Spin", "pathBeta2Spin", "pathLearningRateSpin", "pathMessage", "pathMomentumSpin",
    "pathPlayButton", "pathResetButton", "pathResultsTable", "pathRhoSpin", "pathSpeedCombo", "pathStepButton",
    "pathStepSizeSpin", "pathStepSlider", "pathStepsSpin", "pathSurfaceCombo",
}
QT_OWN_NAMES = {"ScrollLeftButton", "ScrollRightButton"}  # QTabBar's scroll arrows, named by Qt itself


def _show_everything(qtbot, window) -> None:
    """Show every tab and every page inside one (pages may build more pages when first shown)."""
    seen: set[int] = set()
    while True:
        pending = [tabs for tabs in window.findChildren(QTabWidget) if id(tabs) not in seen]
        if not pending:
            return
        for tabs in pending:
            seen.add(id(tabs))
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                QApplication.processEvents()
        qtbot.wait(50)  # widgets built right after their first paint


def _named_objects(window) -> dict[str, list[QObject]]:
    named = collections.defaultdict(list)
    for obj in [window, *window.findChildren(QObject)]:
        name = obj.objectName()
        if name and not name.startswith("qt_") and name not in QT_OWN_NAMES:
            named[name].append(obj)
    return named


def test_the_readme_and_this_list_name_the_same_widgets():
    in_readme = set(re.findall(r"`([a-z][a-z0-9]*[A-Z][A-Za-z0-9]*)`", README.read_text(encoding="utf-8")))
    assert in_readme == DOCUMENTED, (f"named in the README, not here: {sorted(in_readme - DOCUMENTED)}; "
                                     f"here, not in the README: {sorted(DOCUMENTED - in_readme)}")


def test_every_object_name_is_unique_and_every_documented_one_is_there(qtbot, window):
    _show_everything(qtbot, window)
    named = _named_objects(window)
    duplicates = {name: [type(o).__name__ for o in objs] for name, objs in named.items() if len(objs) > 1}
    assert duplicates == {}
    missing = sorted(name for name in DOCUMENTED if window.findChild(QObject, name) is None)
    assert missing == []


def test_the_training_plots_carry_their_names(qtbot, window):
    from pyqtgraph import PlotWidget

    names = ("lossPlot", "lrPlot", "gradNormPlot", "throughputPlot")
    window.show_tab("trainingTab")  # the plots are built when the tab is first shown
    qtbot.waitUntil(lambda: all(isinstance(window.findChild(QObject, n), PlotWidget) for n in names), timeout=10_000)
    qtbot.waitUntil(lambda: all(window.findChild(QObject, n).isVisible() for n in names), timeout=10_000)
