"""The Architecture tab's Tokenizer page, driven through its widgets on the real built-in model."""

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QTabWidget, QTextBrowser

from playground.core.inspect import tokenizer as core_tokenizer
from tests.ui.chat.test_tokens import drawn_token_ids  # the tooltips both views draw (ui/widgets/token_pieces.py)

LONG = 120_000  # ms: the shared CPU can be very busy; no test asserts on timing


@pytest.fixture
def page(qtbot, loaded_window):
    loaded_window.show_tab("architectureTab")
    tab = loaded_window.tab("architectureTab")
    pages = tab.findChild(QTabWidget, "architecturePages")
    page = tab.findChild(type(tab.tokenizer), "tokenizerPage")
    pages.setCurrentWidget(page)  # as a click on the "Tokenizer" tab does
    assert page.isVisible()
    yield page
    qtbot.waitUntil(lambda: not any(page.jobs.running(f"tokenizer page: {k}") for k in ("model", "char", "bpe")),
                    timeout=LONG)


def shown_after_typing(qtbot, page, text: str) -> dict:
    box = page.findChild(QPlainTextEdit, "tokenizerInput")
    shown = {}
    page.split_shown.connect(lambda kind, split: shown.__setitem__(kind, split))
    box.clear()
    box.setFocus()
    typed = text.encode("ascii", errors="ignore").decode()
    qtbot.keyClicks(box, typed)  # QTest types ASCII only: the rest is pasted, as from the clipboard
    box.insertPlainText(text[len(typed):])
    qtbot.waitUntil(lambda: page.text() == text and not page._timer.isActive() and set(shown) == set(page.views)
                    and not any(page.jobs.running(f"tokenizer page: {k}") for k in page.views), timeout=LONG)
    return shown


def test_three_tokenizers_split_the_typed_text_side_by_side(qtbot, page, builtin_session):
    text = "How many r's are in strawberry? 草莓"  # ASCII first, then the Chinese
    shown = shown_after_typing(qtbot, page, text)
    views = {kind: page.findChild(QTextBrowser, name) for kind, name in
             (("model", "tokenizerModelView"), ("char", "tokenizerCharView"), ("bpe", "tokenizerBpeView"))}
    expected = {"model": builtin_session.tokenizer(text, add_special_tokens=False)["input_ids"],
                "char": core_tokenizer.corpus_tokenizer("char")(text, add_special_tokens=False)["input_ids"],
                "bpe": core_tokenizer.corpus_tokenizer("bpe")(text, add_special_tokens=False)["input_ids"]}
    for kind, view in views.items():
        assert drawn_token_ids(view) == expected[kind] == [p.token_id for p in shown[kind].pieces]
        summary = page.findChild(QLabel, view.objectName() + "Summary").text()
        assert summary.startswith(f"{len(expected[kind])} tokens · {len(text)} characters")
    assert len(expected["char"]) == len(text)  # one token per character ...
    assert views["char"].toPlainText().endswith("<unk><unk>")  # ... and none for characters the corpus lacks
    assert "·strawberry?" in views["model"].toPlainText()  # one token to the model: no letters to count
    assert "‹e8›‹8d›‹89›" in views["bpe"].toPlainText()  # a Chinese character: 3 byte tokens
    assert len(expected["bpe"]) > len(expected["model"])
    assert page.findChild(QLabel, "tokenizerModelViewTitle").text() == f"<b>{builtin_session.source.name}</b>"


def test_an_example_fills_the_box_and_chinese_costs_more_tokens_than_english(qtbot, page):
    combo = page.findChild(QComboBox, "tokenizerExamples")
    shown = {}
    page.split_shown.connect(lambda kind, split: shown.__setitem__(kind, split))
    combo.setCurrentIndex(combo.findText("Chinese costs more"))
    combo.activated.emit(combo.currentIndex())
    english, chinese = page.text().split("\n")
    qtbot.waitUntil(lambda: "bpe" in shown and "".join(p.text for p in shown["bpe"].pieces) == page.text(),
                    timeout=LONG)
    pieces = list(shown["bpe"].pieces)
    newline = [p.shown for p in pieces].index("↵")
    english_tokens, chinese_tokens = pieces[:newline], pieces[newline + 1:]
    assert "".join(p.text for p in chinese_tokens) == chinese
    assert len(chinese_tokens) == 3 * len(chinese) > len(english_tokens)  # 3 bytes, 3 tokens per character
    assert combo.currentIndex() == 0  # ready for the next example


def test_the_bpe_view_says_it_is_training_until_the_bpe_is_built(qtbot, page, monkeypatch):
    monkeypatch.setattr(core_tokenizer, "_corpus_tokenizers", {})  # as in a fresh process: no BPE yet
    summary = page.findChild(QLabel, "tokenizerBpeViewSummary")
    page.set_text("strawberry")
    qtbot.waitUntil(lambda: summary.text().startswith("Training a small BPE"), timeout=LONG)
    trained = "7 tokens · 10 characters"  # st·ra·w·b·er·r·y
    qtbot.waitUntil(lambda: summary.text().startswith(trained), timeout=LONG)
    assert core_tokenizer.corpus_tokenizer_ready("bpe")
