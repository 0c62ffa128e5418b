"""The conversation view: messages as blocks, reply tokens tinted by their probability (near-ties of a
greedy reply dotted), hover for the top-5 alternatives, click for the whole distribution. Replies are appended token by token (never a
full re-render while streaming), so long conversations stay smooth."""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QPoint, QSize, Qt, Signal, Slot
from PySide6.QtGui import (QAction, QColor, QFont, QPainter, QPalette, QTextBlockFormat, QTextCharFormat,
                           QTextCursor)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextBrowser, QWidget

from playground.ui.i18n import translate
from playground.ui.widgets.tokens import near_tie_color, prob_color, token_tooltip, visible_token

TITLES = {"user": QT_TRANSLATE_NOOP("ChatView", "You"), "assistant": QT_TRANSLATE_NOOP("ChatView", "Assistant"),
          "notice": "", "error": ""}  # shown translated


def branch_color(dark: bool) -> QColor:
    return QColor("#ce93d8" if dark else "#8e24aa")


def branch_label(message) -> str:
    """"branch 2/3" for a reply with branches, else ""."""
    if len(message.branches) <= 1:
        return ""
    return translate("ChatView", "branch {number}/{count}").format(number=message.branch + 1, count=len(message.branches))


def divergence_marks(message) -> dict[int, str]:
    """{token index: what the mark there says} where the reply's other branches part from the one shown."""
    from playground.core.generation.branches import divergences

    def other(n: int, text: str) -> str:
        if text:
            return translate("ChatView", "branch {number} has “{token}”").format(number=n, token=html.escape(visible_token(text)))
        return translate("ChatView", "branch {number} ends here").format(number=n)

    return {d.position: translate("ChatView", "⑂ Branches part here: {branches}").format(
        branches=translate("ChatView", ", ").join(other(n, text) for n, text in d.others)) for d in divergences(message)}


class TokenTextView(QTextBrowser):
    """A read-only text view that appends tinted, hoverable, clickable tokens."""

    token_clicked = Signal(int, int)  # message index, token index
    action_requested = Signal(str, int)  # "edit" | "copy", message index

    def __init__(self, parent: QWidget | None = None, *, clickable_tokens: bool = True) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.clickable_tokens = clickable_tokens
        self._spans: dict[str, tuple[int, int]] = {}  # anchor href → document positions
        self.anchorClicked.connect(self._on_anchor_clicked)

    # Qt draws a text view's placeholder on one line, cut at the right edge: this one wraps (drawn below).
    def setPlaceholderText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._placeholder = text
        super().setPlaceholderText("")
        self.viewport().update()

    def placeholderText(self) -> str:  # noqa: N802 - Qt override
        return getattr(self, "_placeholder", "")

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self.placeholderText() and self.document().isEmpty():
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.PlaceholderText))
            margin = int(self.document().documentMargin())
            painter.drawText(self.viewport().rect().adjusted(margin, margin, -margin, -margin),
                             Qt.AlignTop | Qt.AlignLeft | Qt.TextWordWrap, self.placeholderText())
            painter.end()

    def dark(self) -> bool:
        return self.palette().color(QPalette.Base).lightness() < 128

    def muted(self) -> QColor:
        return self.palette().color(QPalette.PlaceholderText)

    def clear_view(self) -> None:
        self.clear()
        self._spans.clear()

    # ------------------------------------------------------------------ appending
    def _end_cursor(self) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.End)
        return cursor

    def _at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _follow(self, was_at_bottom: bool) -> None:
        if was_at_bottom:
            self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def append_text(self, text: str, fmt: QTextCharFormat | None = None) -> None:
        follow = self._at_bottom()
        self._end_cursor().insertText(text, fmt or QTextCharFormat())
        self._follow(follow)

    def append_tokens(self, message_index: int, steps, marks: dict[int, str] | None = None) -> None:
        """`marks`: {token index: a line of html}: where branches of the reply part (underlined, the line
        heads the token's tooltip)."""
        from playground.core.generation.ties import near_tie

        follow = self._at_bottom()
        cursor = self._end_cursor()
        dark = self.dark()
        for step in steps:
            if not step.text:  # half a multi-byte character: its text arrives with the next token
                continue
            fmt = QTextCharFormat()
            fmt.setBackground(prob_color(step.prob, dark))
            mark = (marks or {}).get(step.index)
            if mark is not None:
                fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline)
                fmt.setUnderlineColor(branch_color(dark))
                fmt.setFontUnderline(True)
            elif near_tie(step) is not None:
                fmt.setUnderlineStyle(QTextCharFormat.DotLine)
                fmt.setUnderlineColor(near_tie_color(dark))
            tooltip = token_tooltip(step, clickable=self.clickable_tokens)
            fmt.setToolTip(f"<b>{mark}</b><br>{tooltip}" if mark is not None else tooltip)
            if self.clickable_tokens:
                fmt.setAnchor(True)
                fmt.setAnchorHref(f"tok:{message_index}:{step.index}")
            start = cursor.position()
            cursor.insertText(step.text, fmt)
            self._spans[f"tok:{message_index}:{step.index}"] = (start, cursor.position())
        self._follow(follow)

    def token_point(self, message_index: int, token_index: int) -> QPoint | None:
        """Viewport point inside a token (scrolled into view): where a click inspects it."""
        return self.anchor_point(f"tok:{message_index}:{token_index}")

    def anchor_point(self, href: str) -> QPoint | None:
        """Viewport point inside the link or token `href` (scrolled into view), or None."""
        span = self._spans.get(href)
        if span is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        start = self.cursorRect(cursor)
        cursor.setPosition(span[0] + 1)
        end = self.cursorRect(cursor)
        x = (start.x() + end.x()) // 2 if end.y() == start.y() else start.x() + 1
        return QPoint(x, start.center().y())

    @Slot(object)
    def _on_anchor_clicked(self, url) -> None:
        kind, _, rest = url.toString().partition(":")
        try:
            numbers = [int(part) for part in rest.split(":")]
        except ValueError:
            return
        if kind == "tok" and len(numbers) == 2:
            self.token_clicked.emit(*numbers)
        elif kind in ("edit", "copy") and len(numbers) == 1:
            self.action_requested.emit(kind, numbers[0])


class ChatView(TokenTextView):
    """`chatView`: the conversation. `render()` draws it all; the `append_*` methods stream a reply.

    In Tokens mode (`show_tokens`) it draws instead the conversation as the model reads it, split into its
    tokens (a `core.inspect.tokenizer.Split` someone else computes: `messages_changed` says when to)."""

    messages_changed = Signal()  # the conversation shown changed (drawn, a message added, a reply done)

    why_requested = Signal(int, int)  # message index, token index: "Why this token?" (context menu)
    branch_requested = Signal(int, int, int)  # message index, token index, token id: "Branch from here with"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self.setPlaceholderText(translate("ChatView", "Ask the model something. Each reply token is tinted by how likely it was: "
                                "hover a token for the alternatives, click it for the whole distribution. "
                                "A dotted token of a greedy reply is a near-tie: the runner-up was almost as "
                                "likely."))
        self.mode = "chat"
        self._messages: list = []
        self._live: tuple[int, list] | None = None  # the reply being streamed: (message index, steps)
        self._live_marks: dict[int, str] | None = None  # a streaming branch: where it parts (append_tokens)
        self.tokens_shown = False
        self.token_split = None  # the Split drawn in Tokens mode
        self._token_message = ""  # shown in Tokens mode while there is no split

    def render(self, messages, mode: str) -> None:
        self.mode = mode
        self._messages = list(messages)
        self.clear_view()
        self.messages_changed.emit()
        if self.tokens_shown:
            self._render_tokens()
            return
        for index, message in enumerate(messages):
            self.append_message(index, message)
        if self._live is not None:
            self.begin_message(self._live[0], "assistant")
            self.append_tokens(*self._live, marks=self._live_marks)
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def append_message(self, index: int, message) -> None:
        if message.role in ("user", "assistant"):
            self.begin_message(index, message.role, branch_label(message))
            if message.tokens:
                self.append_tokens(index, message.tokens, divergence_marks(message))
            else:
                self.append_text(message.content, QTextCharFormat())
            if message.note:
                self.append_note(message.note)
        else:
            self._new_block()
            fmt = QTextCharFormat()
            if message.role == "error":
                fmt.setForeground(QColor("#ff6b6b" if self.dark() else "#c62828"))
                fmt.setFontWeight(QFont.Bold)
                self.append_text("⚠ " + message.content, fmt)
            else:
                fmt.setForeground(self.muted())
                fmt.setFontItalic(True)
                self.append_text("ⓘ " + message.content, fmt)

    def begin_message(self, index: int, role: str, label: str = "") -> None:
        """The header of a message ("You · Edit · Copy"; `label` after the title, muted); the text that
        follows goes below it."""
        title = translate("ChatView", TITLES[role]) if TITLES[role] else ""
        if role == "assistant" and self.mode == "completion":
            title = translate("ChatView", "Model (continues)")
        self._new_block(role)
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Bold)
        self.append_text(title, bold)
        if label:
            muted = QTextCharFormat()
            muted.setForeground(self.muted())
            muted.setToolTip(translate("ChatView", "This reply has branches: ‹ › under the chat switches between them (last reply)"))
            self.append_text(f"  · {label}", muted)
        edit, copy = ("edit", translate("ChatView", "Edit")), ("copy", translate("ChatView", "Copy"))
        actions = [edit, copy] if role == "user" else [copy]
        for action, label in actions:
            link = QTextCharFormat()
            link.setAnchor(True)
            link.setAnchorHref(f"{action}:{index}")
            link.setForeground(self.palette().color(QPalette.Link))
            link.setToolTip({"edit": translate("ChatView", "Edit this message and answer again from here (later turns are replaced)"),
                             "copy": translate("ChatView", "Copy this message to the clipboard")}[action])
            self.append_text("   ", QTextCharFormat())
            start = self._end_cursor().position()
            self.append_text(label, link)
            self._spans[f"{action}:{index}"] = (start, self._end_cursor().position())
        self._end_cursor().insertBlock(self._block_format(role), QTextCharFormat())

    def append_note(self, note: str) -> None:
        fmt = QTextCharFormat()
        fmt.setForeground(self.muted())
        self._end_cursor().insertBlock(self._block_format("assistant"), QTextCharFormat())
        self.append_text(note, fmt)

    def _block_format(self, role: str = "") -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        pad = self.fontMetrics().height() // 2
        fmt.setLeftMargin(pad)
        fmt.setRightMargin(pad)
        if role == "user":
            tint = QColor(self.palette().color(QPalette.Highlight))
            tint.setAlpha(40)
            fmt.setBackground(tint)
        return fmt

    def _new_block(self, role: str = "") -> None:
        fmt = self._block_format(role)
        cursor = self._end_cursor()
        if self.document().isEmpty():
            cursor.setBlockFormat(fmt)
        else:
            fmt.setTopMargin(self.fontMetrics().height() * 0.8)
            cursor.insertBlock(fmt, QTextCharFormat())

    def add_message(self, index: int, message) -> None:
        self._messages.append(message)
        if not self.tokens_shown:
            self.append_message(index, message)
        self.messages_changed.emit()

    def begin_reply(self, index: int, marks: dict[int, str] | None = None) -> None:
        self._live, self._live_marks = (index, []), marks
        if not self.tokens_shown:
            self.begin_message(index, "assistant")

    def append_reply(self, steps) -> None:
        if self._live is not None:
            first = len(self.token_split.pieces) + len(self._live[1]) if self.token_split else len(self._live[1])
            self._live[1].extend(steps)
            if self.tokens_shown:
                self._append_step_pieces(steps, first)
            else:
                self.append_tokens(self._live[0], steps, self._live_marks)

    def finish_reply(self, message, *, redraw: bool = False) -> None:
        """The streamed reply is complete: remember it and add its stats line (`redraw`: draw the whole
        conversation again, as for a branch, whose header and marks changed)."""
        self._live = None
        if redraw:
            self.render(self._messages + [message], self.mode)
            return
        self._messages.append(message)
        if message.note and not self.tokens_shown:
            self.append_note(message.note)
        self.messages_changed.emit()

    # ------------------------------------------------------------------ Tokens mode
    def show_tokens(self, shown: bool) -> None:
        """Draw the conversation as its tokens (True) or as messages (False)."""
        self.tokens_shown = shown
        self.render(self._messages, self.mode)

    def set_token_split(self, split, message: str = "") -> None:
        """The Split to draw in Tokens mode (None: show `message` instead, e.g. "Load a model…")."""
        self.token_split, self._token_message = split, message
        if self.tokens_shown:
            self.clear_view()
            self._render_tokens()

    def _render_tokens(self) -> None:
        from playground.ui.widgets.token_pieces import insert_pieces

        split = self.token_split
        note = QTextCharFormat()
        note.setForeground(self.muted())
        note.setFontItalic(True)
        if split is None:
            self.append_text(self._token_message or translate("ChatView", "Splitting the conversation into tokens…"), note)
        else:
            self.append_text(translate("ChatView", "{count:,} tokens: the conversation exactly as the model reads it, chat "
                                       "template included. Hover a token for its id.").format(count=split.count) + "\n", note)
            insert_pieces(self._end_cursor(), split.pieces, self.dark())
        if self._live is not None:
            self._append_step_pieces(self._live[1], len(split.pieces) if split else 0)
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def _append_step_pieces(self, steps, first: int) -> None:
        """A streaming reply's tokens in Tokens mode, as sampled (re-split once the reply is done)."""
        from playground.core.inspect.tokenizer import Piece, visible
        from playground.ui.widgets.token_pieces import insert_pieces

        pieces = [Piece(step.token_id, step.text, visible(step.text) if step.text else "‹…›",
                        partial=not step.text) for step in steps]
        follow = self._at_bottom()
        insert_pieces(self._end_cursor(), pieces, self.dark(), first)
        self._follow(follow)

    def token_menu(self, pos: QPoint) -> QMenu:
        """The context menu at viewport point `pos`: on a reply token, "Why this token?" comes first."""
        menu = self.createStandardContextMenu(pos)
        kind, _, rest = self.anchorAt(pos).partition(":")
        if kind == "tok":
            message_index, token_index = (int(part) for part in rest.split(":"))
            action = QAction(translate("ChatView", "Why this token?"), menu, objectName="whyTokenAction")
            action.setToolTip(translate("ChatView", "What the model looked at to write this token, and what each layer predicted"))
            action.triggered.connect(lambda: self.why_requested.emit(message_index, token_index))
            first = menu.actions()[0] if menu.actions() else None
            menu.insertAction(first, action)
            branch_menu = self._branch_menu(menu, message_index, token_index)
            if branch_menu is not None:
                menu.insertMenu(first, branch_menu)
            if first is not None:
                menu.insertSeparator(first)
        return menu

    def _branch_menu(self, parent: QMenu, message_index: int, token_index: int) -> QMenu | None:
        """"Branch from here with ▸" the other likely tokens at that position (the top-5 and the raw
        runner-up), or None when there are none."""
        message = self._messages[message_index] if 0 <= message_index < len(self._messages) else None
        if message is None or not 0 <= token_index < len(message.tokens):
            return None
        step = message.tokens[token_index]
        choices = {i: (text, p) for i, text, p in step.alternatives if i != step.token_id}
        if step.runner_up is not None and step.runner_up[0] != step.token_id:
            choices.setdefault(step.runner_up[0], (step.runner_up[1], step.runner_up[2]))
        if not choices:
            return None
        menu = QMenu(translate("ChatView", "Branch from here with"), parent, objectName="branchMenu")
        menu.setToolTipsVisible(True)
        for token_id, (text, prob) in choices.items():
            action = menu.addAction(f"{visible_token(text)}   {prob:.1%}")
            action.setToolTip(translate("ChatView", "Go on from this position with this token instead, as a new branch of the reply"))
            action.triggered.connect(lambda _checked=False, t=token_id:
                                     self.branch_requested.emit(message_index, token_index, t))
        return menu

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt override
        menu = self.token_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override: re-tint for the new theme/zoom
        super().changeEvent(event)
        if event.type() in (QEvent.PaletteChange, QEvent.FontChange) and (self._messages or self._live
                                                                         or self.tokens_shown):
            self.render(self._messages, self.mode)


class ChatInput(QPlainTextEdit):
    """`chatInput`: Enter sends, Shift+Enter starts a new line, Escape cancels (stop / stop editing)."""

    submitted = Signal()
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatInput")
        self.setTabChangesFocus(True)
        self.setPlaceholderText(translate("ChatInput", "Message the model…  (Enter sends, Shift+Enter for a new line)"))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not event.modifiers() & Qt.ShiftModifier:
            self.submitted.emit()
            return
        if event.key() == Qt.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802 - about three lines tall, at any zoom
        return QSize(super().sizeHint().width(), int(self.fontMetrics().lineSpacing() * 3.6))
