"""Branches of a reply, driven through the Chat tab's widgets on the real built-in model: click another token
in the distribution chart to fork the reply there, switch with ‹ ›, save and open them again."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton

from tests.ui.chat.test_tab import LONG, send, set_sampling, widget

FORK = 3  # the token of the reply the branch forks at


@pytest.fixture
def tab(loaded_window):
    return loaded_window.tab("chatTab")


def chart_token(qtbot, tab, message_index, token_index):
    """Click token `token_index` of reply `message_index` and wait for the chart to show its distribution."""
    with qtbot.waitSignal(tab.distribution_shown, timeout=LONG) as blocker:
        qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.token_point(message_index, token_index))
    return blocker.args[0]


def fork_on_chart(qtbot, tab, message_index, token_index):
    """Chart a token, click the likeliest other token in the chart; the branch's ReplyFinished and that token."""
    view = chart_token(qtbot, tab, message_index, token_index)
    row = next(r for r, item in enumerate(view.rows) if not item.sampled)
    with qtbot.waitSignal(tab.reply_finished, timeout=LONG) as blocker:
        qtbot.mouseClick(tab.chart.plot.viewport(), Qt.LeftButton, pos=tab.chart.row_point(row))
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=LONG)
    return blocker.args[0], view.rows[row]


def test_a_click_in_the_chart_forks_the_reply_and_the_branches_switch_save_and_open(qtbot, tab, tmp_path):
    set_sampling(tab, temperature=0.0, max_tokens=10)
    first = send(qtbot, tab, "What is the capital of France?")
    original = first.message
    engine = tab.engines.torch_engine(tab.controller.session)  # the engine that wrote it, kept with its cache
    run_before = engine.tokens_run
    done, picked = fork_on_chart(qtbot, tab, first.index, FORK)
    branch = tab.messages[first.index]
    assert done.index == first.index and len(tab.messages) == 2
    assert (branch.branch, len(branch.branches)) == (1, 2)
    ids = [t.token_id for t in branch.tokens]
    assert ids[:FORK] == [t.token_id for t in original.tokens[:FORK]] and ids[FORK] == picked.token_id
    prefix = "".join(t.text for t in original.tokens[:FORK])
    assert branch.content.startswith(prefix + branch.tokens[FORK].text) and branch.content != original.content
    assert branch.branches[0].reply.content == original.content  # the earlier text is unchanged
    assert branch.branches[0].reply.tokens == original.tokens
    new_tokens = len(branch.tokens) - FORK
    assert engine.tokens_run - run_before <= new_tokens + 1 < len(original.prompt_ids)  # the prefix came cached
    assert branch.content in tab.view.toPlainText() and original.content not in tab.view.toPlainText()
    bar_label = widget(tab, QLabel, "branchLabel")
    assert bar_label.isVisible() and bar_label.text() == "2/2"
    assert "branched at token 4" in branch.note
    point = tab.view.token_point(first.index, FORK)  # where the branches part is marked, with a tooltip
    cursor = tab.view.cursorForPosition(point + QPoint(1, 0))
    assert cursor.charFormat().fontUnderline() and "Branches part here" in cursor.charFormat().toolTip()
    assert "branch 2/2" in tab.view.toPlainText()

    prev, next_ = widget(tab, QPushButton, "branchPrevButton"), widget(tab, QPushButton, "branchNextButton")
    assert prev.isEnabled() and not next_.isEnabled()
    qtbot.mouseClick(prev, Qt.LeftButton)
    assert tab.messages[first.index].content == original.content and bar_label.text() == "1/2"
    assert original.content in tab.view.toPlainText() and "branch 1/2" in tab.view.toPlainText()
    assert not prev.isEnabled() and next_.isEnabled()
    qtbot.mouseClick(next_, Qt.LeftButton)
    assert tab.messages[first.index].content == branch.content and bar_label.text() == "2/2"

    path = tmp_path / "branches.json"
    assert tab.save_conversation(path) and tab.export_markdown(tmp_path / "branches.md")
    markdown = (tmp_path / "branches.md").read_text(encoding="utf-8")
    assert branch.content.strip() in markdown and "- **Branch 1** (from token 4)" in markdown
    tab.clear_conversation()
    assert not widget(tab, QLabel, "branchLabel").isVisible()
    assert tab.open_conversation(path)
    opened = tab.messages[first.index]
    assert (opened.branch, [b.reply.content for b in opened.branches]) == (1, [original.content, branch.content])
    assert [t.token_id for t in opened.tokens] == ids and bar_label.isVisible() and bar_label.text() == "2/2"
    qtbot.mouseClick(prev, Qt.LeftButton)
    assert tab.messages[first.index].content == original.content


def test_forking_is_refused_while_streaming_and_for_an_earlier_reply_and_the_menu_forks_the_last(qtbot, tab):
    set_sampling(tab, temperature=0.0, max_tokens=6)
    send(qtbot, tab, "Hi!")
    first_reply = tab.messages[1]
    other = first_reply.tokens[0].runner_up[0]
    notice = widget(tab, QLabel, "chatNoticeLabel")
    set_sampling(tab, temperature=0.0, max_tokens=200)
    widget(tab, QPlainTextEdit, "chatInput").setPlainText("Tell me a long story about a dragon.")
    qtbot.mouseClick(widget(tab, QPushButton, "sendButton"), Qt.LeftButton)
    assert tab.is_generating()
    assert not tab.branching.fork(1, 0, other) and "A reply is streaming" in notice.text()
    with qtbot.waitSignal(tab.reply_finished, timeout=LONG):
        tab.stop()
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=LONG)
    set_sampling(tab, temperature=0.0, max_tokens=6)
    send(qtbot, tab, "What is 2+2?")
    before = list(tab.messages)
    assert not tab.branching.fork(1, 0, other) and "Only the last reply can branch" in notice.text()
    assert tab.messages == before and tab.messages[1] == first_reply
    last = len(tab.messages) - 1
    menu = tab.view.token_menu(tab.view.token_point(last, 1))
    branch_menu = next(a.menu() for a in menu.actions() if a.menu() and a.menu().objectName() == "branchMenu")
    action = branch_menu.actions()[0]
    with qtbot.waitSignal(tab.reply_finished, timeout=LONG):
        action.trigger()
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=LONG)
    menu.deleteLater()
    reply = tab.messages[last]
    assert len(reply.branches) == 2 and reply.tokens[0] == before[last].tokens[0]
    assert reply.tokens[1].token_id != before[last].tokens[1].token_id
    assert reply.tokens[1].token_id == before[last].tokens[1].runner_up[0]  # greedy: the raw runner-up is offered
