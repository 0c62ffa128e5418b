"""Text drawn as its tokens (`core.inspect.tokenizer.Piece`): alternating tints so each boundary shows,
control tokens in bold purple, unknown ones in red, the id and text of each on hover.

`insert_pieces` draws into any QTextDocument (the chat view's Tokens mode uses it); `TokenPiecesView` is a
read-only view of one `Split` with a title line above it (the Architecture tab's Tokenizer page).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from playground.ui.widgets.contrast import MutedLabel
from playground.ui.i18n import model_name, translate

TOKENS_LEGEND = (QT_TRANSLATE_NOOP("TokenPiecesView", "Each token has its own tint (two alternate, so every boundary shows); bold purple: control "
                 "tokens of the chat template; red: unknown (<unk>); ‹e8 8d›: bytes of a character cut across "
                 "tokens. · is a space, ↵ a newline, ⇥ a tab. Hover a token for its id."))


def piece_tints(dark: bool) -> tuple[QColor, QColor]:
    """The two alternating backgrounds: translucent blue and amber, readable in either theme."""
    first, second = (QColor(80, 140, 255, 90), QColor(255, 170, 40, 90)) if dark else \
        (QColor(60, 120, 255, 70), QColor(255, 160, 0, 95))
    return first, second


def special_color(dark: bool) -> QColor:
    return QColor("#ce93d8" if dark else "#7b1fa2")


def unknown_color(dark: bool) -> QColor:
    return QColor("#ff9e9e" if dark else "#c62828")


def piece_tooltip(piece, position: int) -> str:
    if piece.special:
        what = translate("TokenPiecesView", "a control token (part of the chat template, not text)")
    elif piece.unknown:
        what = translate("TokenPiecesView", "unknown: this tokenizer has no token for the text here")
    elif piece.partial:
        what = translate("TokenPiecesView", "bytes {bytes} of a character cut across tokens").format(bytes=piece.shown)
        if piece.text:
            what += translate("TokenPiecesView", "; they complete “{text}”").format(text=html.escape(piece.text))
    else:
        what = f"“{html.escape(piece.shown)}”"
    head = translate("TokenPiecesView", "Token {number} · id <b>{id}</b>").format(number=position + 1, id=piece.token_id)
    return f"{head}<br>{what}"


def piece_format(piece, position: int, dark: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(piece_tints(dark)[position % 2])
    if piece.special or piece.unknown:
        fmt.setForeground(special_color(dark) if piece.special else unknown_color(dark))
        fmt.setFontWeight(QFont.Bold)
    fmt.setToolTip(piece_tooltip(piece, position))
    return fmt


def insert_pieces(cursor: QTextCursor, pieces, dark: bool, first: int = 0) -> None:
    """Draw `pieces` at `cursor`, numbered from `first`; a piece holding a newline also breaks the line."""
    for offset, piece in enumerate(pieces):
        cursor.insertText(piece.shown, piece_format(piece, first + offset, dark))
        if "\n" in piece.text and not piece.special:
            cursor.insertText("\n", QTextCharFormat())


MAX_DRAWN = 5000  # pieces drawn at most: a pasted book splits in a worker, but drawing it would stall the window


def _split_name(name: str) -> str:
    """The corpus tokenizers' names (core.inspect.tokenizer.CORPUS_NAMES) in the UI's language."""
    from playground.core.inspect.tokenizer import BPE_VOCAB_SIZE, CORPUS_NAMES

    if name == CORPUS_NAMES["char"]:
        return translate("TokenPiecesView", "Characters (the built-in corpus)")
    if name == CORPUS_NAMES["bpe"]:
        return translate("TokenPiecesView", "Byte-level BPE, {n:,} tokens (trained on the built-in corpus)").format(
            n=BPE_VOCAB_SIZE)
    return model_name(name)


class TokenPiecesView(QWidget):
    """A title ("SmolLM2 · 12 tokens · …") over the split text; `show_split` / `show_message`."""

    def __init__(self, object_name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(f"<b>{html.escape(title)}</b>", objectName=f"{object_name}Title", wordWrap=True)
        self.summary = MutedLabel("", objectName=f"{object_name}Summary", wordWrap=True)
        self.text = QTextBrowser(objectName=object_name)
        self.text.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.summary, self.text):
            layout.addWidget(widget, 1 if widget is self.text else 0)
        self.split = None

    def show_split(self, split) -> None:
        self.split = split
        self.title.setText(f"<b>{html.escape(_split_name(split.name))}</b>")
        more = translate("TokenPiecesView", " (the first {n:,} are drawn)").format(n=MAX_DRAWN) \
            if split.count > MAX_DRAWN else ""
        per = translate("TokenPiecesView", " · {ratio:.1f} characters per token").format(
            ratio=split.chars / split.count) if split.count else ""
        self.summary.setText(translate("TokenPiecesView", "{count:,} tokens · {chars:,} characters{per}{more} · "
                                       "vocabulary {vocab_size:,}").format(
            count=split.count, chars=split.chars, per=per, more=more, vocab_size=split.vocab_size))
        self._draw()

    def show_message(self, text: str) -> None:
        """Instead of a split: why there is none yet ("training a small BPE…")."""
        self.split = None
        self.summary.setText(text)
        self.text.clear()

    def pieces(self) -> tuple:
        return self.split.pieces if self.split is not None else ()

    def _draw(self) -> None:
        self.text.clear()
        if self.split is not None:
            dark = self.text.palette().color(QPalette.Base).lightness() < 128
            insert_pieces(QTextCursor(self.text.document()), self.split.pieces[:MAX_DRAWN], dark)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override: re-tint for the new theme
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange and self.split is not None:
            self._draw()
