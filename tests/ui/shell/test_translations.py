"""The Chinese UI is complete: every user-visible string of the window, its tabs, menus, docks and dialogs has a
zh_CN translation, the .ts has no unfinished message, the lessons exist in both languages, and View ▸ Language
stores the choice (applied at the next start; the lessons switch at once)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QComboBox, QDockWidget, QDoubleSpinBox,
                               QGroupBox, QLabel, QLineEdit, QListWidget, QMenu, QPlainTextEdit, QPushButton, QSpinBox,
                               QStatusBar, QTabBar, QTabWidget, QTextBrowser, QTextEdit, QWidget)

from playground.core.lessons import LESSONS_DIR
from playground.ui import i18n

TS_FILE = i18n.TRANSLATIONS_DIR / "playground_zh_CN.ts"

# Latin words a Chinese UI keeps as they are: names of models, formats, libraries, algorithms and keys, units,
# and the usual English abbreviations of ML text. Kept small on purpose: anything else is an untranslated string.
ALLOWED_WORDS = {
    # models, libraries, formats
    "GPT-2", "GPT", "Llama", "LoRA", "ONNX", "GGUF", "llama.cpp", "PyTorch", "Runtime", "OpenAI", "Hugging", "Face",
    "SmolLM2", "Markdown", "JSON", "CSV", "PNG", "API", "URL", "BPE", "LLM", "Playground", "English", "transformers",
    "pydoc",
    # optimizers and ML abbreviations
    "Adam", "AdamW", "SGD", "RMSprop", "AdaGrad", "Momentum", "MLP", "LM", "KL", "KV", "softmax", "top-k", "top-p", "min-p",
    "logit", "logits", "GFLOP", "FLOP", "FFN", "GQA", "alpha", "id", "safetensors", "torch", "Python", "JSONL",
    # activation functions, layers and a data set's name (the Basics tab)
    "ReLU", "tanh", "sigmoid", "GELU", "Dense", "Dropout", "XOR", "Rosenbrock",
    # the Transformer's parts by their papers' names, and a paper's authors
    "LayerNorm", "RMSNorm", "RoPE", "SwiGLU", "Chinchilla", "Hoffmann", "IEEE", "GenAI",
    # devices and number formats
    "cpu", "gpu", "cuda", "float32", "float16", "bfloat16", "bf16", "fp32", "int8", "int4",
    # keys
    "Ctrl", "Shift", "Enter", "Esc", "Space", "PageDown", "PageUp", "F1", "F5", "F11",
    # units and architecture names
    "KiB", "MiB", "GiB", "TiB", "ms", "Transformer", "meta", "KFLOP", "MFLOP", "TFLOP", "PFLOP",
    # the tokenizer page's example is about spelling an English word
    "strawberry",
    # code the Architecture tab quotes (its meta-device check: "sum(p.numel()) = …", shown once it has run)
    "sum", "p.numel",
}
_ALLOWED = {word.lower() for word in ALLOWED_WORDS}
# Combo boxes whose items are data (model names, presets, devices, numbers), not UI words.
DATA_COMBOS = {"modelSelector", "deviceSelector", "dtypeSelector", "presetCombo", "optimizerCombo",
               "groupSizeCombo", "trainDeviceCombo", "studentFamilyCombo", "familyCombo",
               "builderFamilyCombo", "builderPresetCombo", "queryTokenCombo"}
# Tables whose column headers are data (the input's tokens), not UI words.
DATA_HEADERS = {"logitLensTable"}
# Not this pass, listed so that nothing else slips through: texts that come from playground.core (its messages
# stay English).
LATER: set[str] = set()
# Lists whose items are UI words (others list the user's runs, files and models).
UI_LISTS = {"lessonList", "techniqueList"}
# Read-only text views that the UI writes (the others show the model's tokens or a lesson's own Markdown).
UI_TEXT_VIEWS = {"modelSummaryText", "configSummaryText"}
# Widgets that paint their text (no child widget holds it): they list it in `texts()`.
PAINTED = {"blockDiagram", "attentionGrid", "attentionHeatmap", "whyAttentionHeatmap", "confusionMatrixView"}
# Widgets that show the user's or the model's text, not the UI's.
DATA_WIDGETS = (QLineEdit, QPlainTextEdit, QTextEdit)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")


def _is_name(word: str) -> bool:
    """A model's name ("SmolLM2-135M-Instruct": an allowed name, then its size) or a transformers class
    ("LlamaForCausalLM")."""
    return bool(re.fullmatch(r"[A-Z]\w*For[A-Z]\w*", word)) or (
        "-" in word and word.split("-")[0].lower() in _ALLOWED and any(c.isdigit() for c in word))


def latin_words(text: str) -> list[str]:
    """The Latin words of `text` that a Chinese UI should not show (HTML tags, entities, placeholders and
    accelerators removed; single letters are formula symbols, snake_case words code names, .ext extensions;
    “quoted” and <code> text is a token or the user's text)."""
    text = re.sub(r"“[^”]*”|<code>.*?</code>", " ", text)
    text = re.sub(r"<[^>]*>|&[a-z]+;|\{[^}]*\}|&(?=\w)|\.[a-z]+\b|\w*_\w*", " ", text)
    words = []
    for word in _WORD.findall(text):
        word = word.rstrip(".")
        if len(word) > 1 and word.lower() not in _ALLOWED and not re.fullmatch(r"[A-Za-z]?\d[\w.]*|\d+[A-Za-z]+", word) \
                and not _is_name(word):
            words.append(word)
    return words


def visible_texts(root: QWidget):
    """(where, text) for every string the UI itself shows under `root`: labels, buttons, group boxes, tabs,
    menu and toolbar actions, combo items, placeholders, tooltips, window and dock titles."""
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if w.objectName() in LATER:
            continue
        where = f"{type(w).__name__} {w.objectName() or '(unnamed)'}"
        if w.toolTip():
            yield where + " tooltip", w.toolTip()
        if w.isWindow() and w.windowTitle():
            yield where + " title", w.windowTitle()
        if isinstance(w, (QLabel, QAbstractButton)):
            yield where, w.text()
        if isinstance(w, QGroupBox):
            yield where, w.title()
        if isinstance(w, QDockWidget):
            yield where, w.windowTitle()
        if isinstance(w, QTabBar):
            for i in range(w.count()):
                yield f"{where} tab {i}", w.tabText(i)
        if isinstance(w, QComboBox) and w.objectName() not in DATA_COMBOS:
            for i in range(w.count()):
                yield f"{where} item {i}", w.itemText(i)
        if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
            yield where + " placeholder", w.placeholderText()
        if isinstance(w, QMenu):
            yield where, w.title()
        for action in w.actions():
            if action.objectName() in LATER:
                continue
            yield f"{where} action {action.objectName() or '(unnamed)'}", action.text()
            if action.toolTip() != action.text().replace("&", ""):
                yield f"{where} action {action.objectName()} tooltip", action.toolTip()
        if isinstance(w, QListWidget) and w.objectName() in UI_LISTS:
            for i in range(w.count()):
                yield f"{where} item {i}", w.item(i).text()
                yield f"{where} item {i} tooltip", w.item(i).toolTip()
        if isinstance(w, QAbstractItemView) and w.model() is not None and not isinstance(w, QListWidget) \
                and DATA_HEADERS.isdisjoint({w.objectName(), w.parentWidget() and w.parentWidget().objectName()}):
            for i in range(_columns(w.model())):
                yield f"{where} header {i}", str(w.model().headerData(i, Qt.Horizontal, Qt.DisplayRole) or "")
        if isinstance(w, QTextBrowser) and w.objectName() in UI_TEXT_VIEWS:
            yield where, w.toPlainText()
        if isinstance(w, QStatusBar):
            yield where, w.currentMessage()
        if hasattr(w, "texts") and w.objectName() in PAINTED:
            for text in w.texts():
                yield where + " (painted)", text


def _columns(model) -> int:
    try:
        return model.columnCount(QModelIndex())
    except TypeError:  # a list model: no header
        return 0


def untranslated(root: QWidget) -> list[str]:
    return sorted({f"{where}: {text!r} ({', '.join(words)})" for where, text in visible_texts(root)
                   if text and (words := latin_words(text))})


def show_every_page(qtbot, window) -> None:
    """Show every tab, and every page inside one: some build their widgets when first shown."""
    seen: set[int] = set()
    while pending := [t for t in window.findChildren(QTabWidget) if id(t) not in seen]:
        for tabs in pending:
            seen.add(id(tabs))
            _bring_forward(tabs)  # a page inside a hidden tab is not shown, so never built
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                QApplication.processEvents()
        qtbot.wait(50)


def _bring_forward(widget: QWidget) -> None:
    """Make every tab that holds `widget` the current one."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QTabWidget):
            parent.setCurrentIndex(next(i for i in range(parent.count()) if parent.widget(i).isAncestorOf(widget)))
        parent = parent.parentWidget()


@pytest.fixture
def chinese():
    QSettings().setValue(i18n.LANGUAGE_KEY, "zh_CN")
    QSettings().setValue("learn/language", "zh_CN")
    installed = i18n.install_translators("zh_CN")
    assert installed, "the compiled playground_zh_CN.qm is missing: run `make translations`"
    yield
    i18n.remove_translators()


@pytest.fixture
def zh_window(qtbot, chinese):
    from playground.ui.shell.main_window import MainWindow

    win = MainWindow(autoload=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown()


def test_every_visible_string_of_the_window_has_a_chinese_translation(qtbot, zh_window):
    show_every_page(qtbot, zh_window)
    zh_window.learn_panel.show()
    assert zh_window.tabs.tabText(0) == "对话"
    basics = zh_window.findChild(QTabWidget, "basicsPages")  # its pages are built when first shown: all were
    assert all(basics.widget(i).findChildren(QLabel) for i in range(basics.count()))
    assert untranslated(zh_window) == []


def test_with_the_built_in_model_loaded_every_tab_still_reads_in_chinese(qtbot, zh_window, builtin_session):
    """What appears only with a model: the status bar, the Architecture tab's summary, block diagram and
    formulas, the Optimize tab's techniques and report headers (labels the core marks for translation)."""
    zh_window.controller.adopt(builtin_session)
    show_every_page(qtbot, zh_window)
    summary = zh_window.findChild(QTextBrowser, "modelSummaryText")
    qtbot.waitUntil(lambda: "嵌入" in summary.toPlainText(), timeout=30_000)  # the anatomy worker has reported
    diagram = zh_window.findChild(QWidget, "blockDiagram")
    assert any("层" in text for text in diagram.texts())
    assert "内置" in zh_window.findChild(QLabel, "statusModel").text()
    assert untranslated(zh_window) == []


def test_the_docks_and_dialogs_are_in_chinese_too(qtbot, zh_window, builtin_session):
    from playground.ui.shell.server_panel import ServerPanel

    zh_window.controller.adopt(builtin_session)
    server = ServerPanel(zh_window.controller, zh_window, show_error=zh_window.show_error)
    qtbot.addWidget(server)
    zh_window.chat_tab.open_compare()
    compare = zh_window.chat_tab.compare_view
    problems = untranslated(server) + untranslated(compare)
    server.shutdown()
    compare.close()
    assert problems == []


def test_every_message_in_the_ts_file_is_translated():
    root = ET.parse(TS_FILE).getroot()
    unfinished = [m.findtext("source") for m in root.iter("message")
                  if (t := m.find("translation")) is None or t.get("type") in ("unfinished", "obsolete")
                  or not (t.text or "").strip()]
    assert unfinished == []
    assert (TS_FILE.with_suffix(".qm")).stat().st_mtime_ns > 0


def test_translations_keep_their_placeholders():
    root = ET.parse(TS_FILE).getroot()
    broken = []
    for message in root.iter("message"):
        source, translation = message.findtext("source"), message.findtext("translation") or ""
        for pattern in (r"\{[^}]*\}", r"%\d"):
            if sorted(re.findall(pattern, source)) != sorted(re.findall(pattern, translation)):
                broken.append(source)
    assert broken == []


def test_the_lessons_exist_in_both_languages_with_the_same_files():
    english = sorted(p.name for p in (LESSONS_DIR / "en").iterdir())
    chinese = sorted(p.name for p in (LESSONS_DIR / "zh_CN").iterdir())
    assert english and english == chinese


def test_view_language_chinese_stores_the_setting_and_switches_the_lessons(qtbot, window):
    menu = window.findChild(QMenu, "languageMenu")
    assert [a.text() for a in menu.actions()] == ["English", "中文"]
    action = window.findChild(type(menu.actions()[0]), "languageChineseAction")
    action.trigger()
    assert QSettings().value(i18n.LANGUAGE_KEY) == "zh_CN"
    assert action.isChecked() and not window.findChild(type(action), "languageEnglishAction").isChecked()
    assert window.learn_panel.language == "zh_CN"
    notice = window.findChild(QWidget, "languageRestartNotice")
    assert notice is not None and "下次启动" in notice.text() and "next time" in notice.text()
    notice.close()


def test_the_ui_language_follows_the_setting_else_english(monkeypatch):
    QSettings().setValue(i18n.LANGUAGE_KEY, "zh_CN")
    assert i18n.ui_language() == "zh_CN"
    QSettings().setValue(i18n.LANGUAGE_KEY, "en")
    assert i18n.ui_language() == "en"
    assert i18n.install_translators("en") == []


def test_the_cores_marked_labels_show_in_the_ui_language(qapp, chinese):
    from playground.core.models.sources import BUILTIN_NAME
    from playground.core.optimize.compression.spec import METHODS

    assert i18n.core_text(METHODS["int4-weight"][0]) == "仅权重 int4 量化"
    assert i18n.model_name(BUILTIN_NAME) == "SmolLM2-135M-Instruct （内置）"
    assert i18n.duration(3 * 365.25 * 86400) == "3.0 年" and i18n.duration(90) == "1.5 分钟"
    assert i18n.core_text("a text nobody marked") == "a text nobody marked"
    i18n.remove_translators()
    assert i18n.model_name(BUILTIN_NAME) == BUILTIN_NAME and i18n.duration(90) == "1.5 min"


def _model_texts(model) -> list[str]:
    """Every header (both directions) and tooltip of a table model: the logit lens's."""
    rows, cols = model.rowCount(), model.columnCount()
    texts = [str(model.headerData(r, Qt.Vertical, Qt.DisplayRole) or "") for r in range(rows)]
    texts += [str(model.headerData(c, Qt.Horizontal, Qt.ToolTipRole) or "") for c in range(cols)]
    texts += [str(model.data(model.index(r, c), Qt.ToolTipRole) or "") for r in range(rows) for c in range(cols)]
    return texts


def test_the_attention_page_and_the_logit_lens_read_in_chinese_after_a_run(qtbot, zh_window, builtin_session):
    """Run on the built-in model: the heatmap's title, hint and hover line, the grid's labels and tooltips, the
    token strip, a token followed across heads, the head average, and the logit lens's rows and tooltips."""
    from PySide6.QtCore import QPoint

    zh_window.controller.adopt(builtin_session)
    tab = zh_window.architecture_tab
    zh_window.show_tab("architectureTab")
    tab.show_page("attention")
    tab.findChild(QPlainTextEdit, "attentionInput").setPlainText("The capital of France is")
    with qtbot.waitSignal(tab.lens_computed, timeout=180_000):
        qtbot.mouseClick(tab.findChild(QPushButton, "runAttentionButton"), Qt.LeftButton)
    heatmap, grid = zh_window.findChild(QWidget, "attentionHeatmap"), zh_window.findChild(QWidget, "attentionGrid")
    assert "查询" in heatmap.texts()[0] and "滚轮缩放" in heatmap.texts()[1]
    assert "单击打开" in grid.tip(3, 2)
    strip = zh_window.findChild(QTextBrowser, "tokenStrip")
    texts = [strip.toPlainText().splitlines()[0], *heatmap.texts(), *grid.texts()]

    plot = heatmap._plot_rect(heatmap.rect().toRectF())
    qtbot.mouseMove(heatmap, pos=QPoint(int(plot.center().x()), int(plot.center().y())))
    qtbot.waitUntil(lambda: heatmap.hover_text() != "", timeout=5000)
    assert "查询" in heatmap.hover_text() and "键" in heatmap.hover_text()
    texts.append(heatmap.hover_text())

    view = zh_window.findChild(QWidget, "attentionView")
    view.select_query(2)  # followed across every layer and head
    texts += [strip.toPlainText().splitlines()[0], *heatmap.texts()]
    mode = zh_window.findChild(QComboBox, "attentionMode")
    mode.setCurrentIndex(mode.findData("average"))
    assert grid.texts()[0] == "平均"
    texts += grid.texts()

    tab.show_page("lens")
    lens = zh_window.findChild(QWidget, "logitLensView").model
    lens_texts = _model_texts(lens)
    assert lens_texts[0] == "嵌入层" and "输出" in lens_texts[lens.rowCount() - 1]
    texts += lens_texts
    assert [f"{text!r} ({', '.join(words)})" for text in texts if (words := latin_words(text))] == []
    assert untranslated(zh_window) == []


def test_a_chat_reply_its_stats_line_and_token_tooltips_read_in_chinese(qtbot, zh_window, builtin_session):
    """A short greedy reply: the stats line (speed, first token, engine, why it ended, its near-tie), the view's
    headers, the near-tie token's tooltip and the distribution chart of a clicked token."""
    zh_window.controller.adopt(builtin_session)
    chat = zh_window.chat_tab
    zh_window.show_tab("chatTab")
    chat.findChild(QDoubleSpinBox, "temperatureSpin").setValue(0.0)
    chat.findChild(QSpinBox, "maxTokensSpin").setValue(3)
    chat.findChild(QPlainTextEdit, "chatInput").setPlainText("What is the capital of France?")
    with qtbot.waitSignal(chat.reply_finished, timeout=300_000) as finished:
        qtbot.mouseClick(chat.findChild(QPushButton, "sendButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not chat.is_generating(), timeout=300_000)
    assert finished.args[0].result.stop_reason == "length"
    stats = zh_window.findChild(QLabel, "chatStatsLabel").text()
    assert "词元/秒" in stats and "达到最大词元数" in stats and "近似平局" in stats and "精确" in stats
    shown = chat.view.toPlainText()
    assert "助手" in shown and "复制" in shown and "Assistant" not in shown

    start, _end = chat.view._spans["tok:1:0"]  # the first token, "The": a near-tie on float32
    cursor = chat.view.textCursor()
    cursor.setPosition(start + 1)
    tip = cursor.charFormat().toolTip()
    assert "近似平局" in tip and "前 5 名" in tip and "单击查看完整分布" in tip
    with qtbot.waitSignal(chat.distribution_shown, timeout=300_000):
        chat.inspect_token(1, 0)
    assert [f"{text!r} ({', '.join(words)})" for text in (stats, tip) if (words := latin_words(text))] == []
    assert untranslated(zh_window) == []


def test_the_training_progress_reads_in_chinese_to_the_end_of_a_run(qtbot, zh_window):
    """Step, loss, speed, and once the run ends its outcome ("finished" was left in English)."""
    from tests.ui.training.test_tab import STEP_TIMEOUT, tiny

    tab = zh_window.tab("trainingTab")
    zh_window.show_tab("trainingTab")
    tab.set_config(tiny(max_steps=3, eval_every=0, sample_every=0))
    with qtbot.waitSignal(tab.training_finished, timeout=STEP_TIMEOUT):
        qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_training, timeout=10_000)
    text = tab.progress.format()
    assert text.startswith("第 3 / 3 步") and text.endswith("· 已完成"), text
    assert latin_words(text) == []
