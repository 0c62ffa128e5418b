"""The Architecture tab's Tokenizer page (`tokenizerPage`): type text and see it split, side by side, by the
current model's tokenizer (`tokenizerModelView`), by characters (`tokenizerCharView`) and by a small BPE
trained on the built-in corpus (`tokenizerBpeView`; the Training tab's two tokenizers), with counts.

Each split runs in a worker (a pasted page takes a while; the first BPE split trains the BPE, about a
second, once per process); the latest text wins.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPlainTextEdit, QSplitter, QVBoxLayout, QWidget

from playground.core.errors import Failure
from playground.ui.i18n import translate
from playground.ui.widgets.contrast import MutedLabel
from playground.ui.widgets.token_pieces import TOKENS_LEGEND, TokenPiecesView
from playground.workers.base import FunctionWorker
from playground.workers.jobs import Jobs

EXAMPLES = {
    QT_TRANSLATE_NOOP("TokenizerPage", "Spelling: strawberry"): "How many r's are in strawberry?",
    QT_TRANSLATE_NOOP("TokenizerPage", "Chinese costs more"): "The capital of France is Paris.\n法国的首都是巴黎。",
    QT_TRANSLATE_NOOP("TokenizerPage", "Numbers"): "12345 + 67890 = 80235. In 2024, 3.14159 was still π.",
    QT_TRANSLATE_NOOP("TokenizerPage", "Python code"): "def add(a, b):\n    return a + b\n",
    QT_TRANSLATE_NOOP("TokenizerPage", "Emoji"): "I ❤️ tokenizers 🤖🍓",
}
DEFAULT_TEXT = EXAMPLES["Spelling: strawberry"] + "\n" + "草莓里有几个 r？"
CAPTION = (QT_TRANSLATE_NOOP("TokenizerPage", "The model never sees letters, only token ids: to it “strawberry” is a few tokens, so counting its "
           "r's means remembering how each token is spelled. Characters make every letter a token, but text "
           "gets long, and any character the corpus never had is <unk>. A BPE trained on English gives Chinese "
           "3 byte tokens per character: the same sentence costs several times more tokens."))
TYPE_DELAY_MS = 120  # after the last key


class TokenizerPage(QWidget):
    split_shown = Signal(str, object)  # "model" | "char" | "bpe", core.inspect.tokenizer.Split

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tokenizerPage")
        self.controller = controller
        self.jobs = Jobs(self)
        self._dirty = True
        self._timer = QTimer(self, singleShot=True, interval=TYPE_DELAY_MS, timeout=self.refresh)
        self._build()
        self.input.textChanged.connect(self._on_input_text_changed)
        controller.model_changed.connect(self._on_controller_model_changed)

    def _build(self) -> None:
        self.input = QPlainTextEdit(DEFAULT_TEXT, objectName="tokenizerInput")
        self.input.setPlaceholderText(translate("TokenizerPage", "Type text to see how each tokenizer splits it"))
        self.input.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.examples = QComboBox(objectName="tokenizerExamples")
        self.examples.addItem(translate("TokenizerPage", "Examples…"))
        for key in EXAMPLES:
            self.examples.addItem(translate("TokenizerPage", key), key)
        self.examples.setToolTip(translate("TokenizerPage", "Put an example in the box"))
        self.examples.activated.connect(self._on_examples_activated)
        side = QVBoxLayout()
        side.addWidget(self.examples)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addLayout(side)
        self.views = {"model": TokenPiecesView("tokenizerModelView", translate("TokenizerPage", "The current model's tokenizer")),
                      "char": TokenPiecesView("tokenizerCharView", translate("TokenizerPage", "Characters")),
                      "bpe": TokenPiecesView("tokenizerBpeView", translate("TokenizerPage", "Byte-level BPE"))}
        splitter = QSplitter(objectName="tokenizerSplitter")
        splitter.setChildrenCollapsible(False)
        for view in self.views.values():
            splitter.addWidget(view)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        for text in (translate("TokenizerPage", CAPTION), translate("TokenPiecesView", TOKENS_LEGEND)):
            layout.addWidget(MutedLabel(text, wordWrap=True))
        layout.addWidget(splitter, 1)

    def set_text(self, text: str) -> None:
        self.input.setPlainText(text)

    def text(self) -> str:
        return self.input.toPlainText()

    # ------------------------------------------------------------------ splitting
    @Slot()
    def refresh(self) -> None:
        """Split the text with all three tokenizers (workers; each view fills when its split is done)."""
        from playground.core.inspect.tokenizer import corpus_tokenizer_ready, split_text, split_with_corpus_tokenizer

        self._dirty = False
        text = self.text()
        session = self.controller.session
        if session is None:
            self.jobs.stop("tokenizer page: model")
            self.views["model"].show_message(translate("TokenizerPage", "No model loaded: pick one in the toolbar to see its tokenizer."))
        else:
            self._start("model", FunctionWorker(split_text, session.tokenizer, text, name=session.source.name))
        self._start("char", FunctionWorker(split_with_corpus_tokenizer, "char", text))
        if not corpus_tokenizer_ready("bpe"):
            self.views["bpe"].show_message(translate("TokenizerPage", "Training a small BPE on the built-in corpus (once, about a second)…"))
        self._start("bpe", FunctionWorker(split_with_corpus_tokenizer, "bpe", text))

    def _start(self, kind: str, worker: FunctionWorker) -> None:
        self.jobs.start(f"tokenizer page: {kind}", worker, lambda split: self._on_split_finished(kind, split),
                        lambda failure: self._on_split_failed(kind, failure))

    def _on_split_finished(self, kind: str, split) -> None:
        self.views[kind].show_split(split)
        self.split_shown.emit(kind, split)

    def _on_split_failed(self, kind: str, failure: Failure) -> None:
        self.views[kind].show_message(translate("TokenizerPage", "Could not split the text: {message}").format(message=failure.message))

    @Slot()
    def _on_input_text_changed(self) -> None:
        if self.isVisible():
            self._timer.start()
        else:
            self._dirty = True

    @Slot(int)
    def _on_examples_activated(self, index: int) -> None:
        if index > 0:
            self.set_text(EXAMPLES[self.examples.itemData(index)])
            self.examples.setCurrentIndex(0)

    @Slot(object)
    def _on_controller_model_changed(self, _info) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override: split only once someone looks
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def shutdown(self) -> None:
        self._timer.stop()
        self.jobs.shutdown()
