""""Why this token?" in the Chat tab: the attention and logit lens of the position that wrote a reply
token, on the real built-in model, asked from the token inspector's button and the token's context menu."""

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QWidget

from playground.core.inspect.attention import capture_attention

LONG = 300_000  # ms: the shared CPU can be very busy; no test asserts on timing


@pytest.fixture
def tab(loaded_window):
    tab = loaded_window.tab("chatTab")
    tab.findChild(QWidget, "maxTokensSpin").setValue(6)
    tab.findChild(QWidget, "temperatureSpin").setValue(0.0)
    return tab


def send(qtbot, tab, text):
    tab.findChild(QPlainTextEdit, "chatInput").setPlainText(text)
    with qtbot.waitSignal(tab.reply_finished, timeout=LONG) as blocker:
        qtbot.mouseClick(tab.findChild(QPushButton, "sendButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=LONG)
    return blocker.args[0]


def reference(session, context):
    """What the last position of `context` attends to (L, H, T) and the model's next-token softmax."""
    with session.lock:
        capture = capture_attention(session.model, session.tokenizer, token_ids=context)
        with torch.inference_mode():
            probs = session.model(torch.tensor([context])).logits[0, -1].float().softmax(-1)
    return capture.attentions[:, :, -1, :], probs


def test_why_this_token_fills_an_attention_view_and_a_logit_lens_view_for_that_position(qtbot, tab,
                                                                                        builtin_session):
    done = send(qtbot, tab, "What is the capital of France?")
    steps, panel, button = done.message.tokens, tab.findChild(QWidget, "whyTokenPanel"), \
        tab.findChild(QPushButton, "whyTokenButton")
    assert not panel.isVisible() and not button.isEnabled()
    with qtbot.waitSignal(tab.distribution_shown, timeout=LONG):
        qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.token_point(done.index, 2))
    assert button.isEnabled()
    with qtbot.waitSignal(tab.why.why_shown, timeout=LONG) as blocker:
        qtbot.mouseClick(button, Qt.LeftButton)
    why = blocker.args[0]
    context = list(done.message.prompt_ids) + [s.token_id for s in steps[:2]]
    attention, probs = reference(builtin_session, context)
    assert panel.isVisible() and why.token_ids == tuple(context) and why.target_id == steps[2].token_id

    view = tab.findChild(QWidget, "whyAttentionView")
    shown = view.values()  # one row per layer (head-averaged) over every token of the conversation so far
    assert shown.shape == (30, len(context))
    np.testing.assert_allclose(shown, attention.mean(axis=1), atol=1e-5)
    np.testing.assert_allclose(view.strip_weights(), attention.mean(axis=1).mean(axis=0), atol=1e-5)
    qtbot.mouseClick(tab.findChild(QPushButton, "whyPerHeadButton"), Qt.LeftButton)  # the per-head grid
    np.testing.assert_allclose(view.values(), attention.reshape(270, len(context)), atol=1e-5)
    view.heatmap.cell_clicked.emit(5, 0)  # a click on row L0·H5 tints the text by that head
    np.testing.assert_allclose(view.strip_weights(), attention[0, 5], atol=1e-5)

    lens = tab.findChild(QWidget, "whyLogitLensView")
    model = lens.model
    assert model.rowCount() == 31 and model.columnCount() == 4  # the token written, then the top 3
    written = steps[2].text.strip()
    assert lens.cell_text(30, 1).startswith(written)  # greedy: the output's top prediction is the token written
    assert lens.cell_text(30, 0) == f"{100 * float(probs[steps[2].token_id]):.1f}% #1"
    assert why.target_probs[-1] == pytest.approx(float(probs[steps[2].token_id]), rel=1e-3)
    assert "is the top prediction from layer" in lens.status.text()
    assert written in tab.findChild(QWidget, "whyTokenCaption").text()


def test_the_context_menu_asks_why_the_newest_request_wins_and_a_model_change_cancels(qtbot, tab,
                                                                                     builtin_session):
    done = send(qtbot, tab, "Name a colour.")
    steps = done.message.tokens
    menu = tab.view.token_menu(tab.view.token_point(done.index, 1))
    action = next(a for a in menu.actions() if a.objectName() == "whyTokenAction")
    assert menu.actions()[0] is action and action.text() == "Why this token?"
    assert not any(a.objectName() == "whyTokenAction" for a in tab.view.token_menu(
        tab.view.anchor_point(f"copy:{done.index}")).actions())  # not on a link that is not a token
    tab.why.explain(done.index, 0)  # superseded by the menu's request before it ends
    with qtbot.waitSignal(tab.why.why_shown, timeout=LONG) as blocker:
        action.trigger()
    assert blocker.args[0].target_id == steps[1].token_id
    qtbot.waitUntil(lambda: not tab.why.is_running(), timeout=LONG)
    assert tab.findChild(QWidget, "whyAttentionView").why.target_id == steps[1].token_id

    tab.why.explain(done.index, 3)
    tab.controller.model_changed.emit(builtin_session.info())  # as a device move does
    qtbot.waitUntil(lambda: not tab.why.is_running(), timeout=LONG)
    assert tab.findChild(QWidget, "whyAttentionView").why is None
    assert "The model changed" in tab.findChild(QWidget, "whyTokenCaption").text()


def test_a_reply_of_the_fast_onnx_engine_is_explained_on_the_pytorch_model(qtbot, window, builtin_session,
                                                                          gguf_models):
    tab = window.tab("chatTab")
    tab.fast_engine_action.setChecked(True)
    window.controller.adopt(builtin_session)
    qtbot.waitUntil(lambda: tab.engines.building is None and tab.engine_status.text() == "ready", timeout=LONG)
    assert tab.engine_combo.currentText() == "Fast (GGUF)"
    tab.findChild(QWidget, "temperatureSpin").setValue(0.0)
    tab.findChild(QWidget, "maxTokensSpin").setValue(6)
    done = send(qtbot, tab, "What is the capital of France?")
    assert done.message.engine == "Fast (GGUF Q4_1, int8 activations)"
    menu = tab.view.token_menu(tab.view.token_point(done.index, 1))
    with qtbot.waitSignal(tab.why.why_shown, timeout=LONG) as blocker:
        next(a for a in menu.actions() if a.objectName() == "whyTokenAction").trigger()
    context = list(done.message.prompt_ids) + [done.message.tokens[0].token_id]
    attention, probs = reference(builtin_session, context)  # the PyTorch model, not the ONNX engine
    why = blocker.args[0]
    np.testing.assert_allclose(tab.findChild(QWidget, "whyAttentionView").values(), attention.mean(axis=1),
                               atol=1e-5)
    assert why.target_probs[-1] == pytest.approx(float(probs[done.message.tokens[1].token_id]), rel=1e-3)
    assert "written by Fast (GGUF Q4_1, int8 activations)" in tab.findChild(QWidget, "whyTokenCaption").text()


def test_a_reopened_conversation_is_explained_from_its_rebuilt_prompt_and_clear_closes_the_panel(
        qtbot, tab, tmp_path):
    done = send(qtbot, tab, "Say hello.")
    path = tmp_path / "chat.json"
    assert tab.save_conversation(path) and tab.open_conversation(path)
    assert tab.messages[done.index].prompt_ids is None  # a file keeps no prompt: it is built again
    with qtbot.waitSignal(tab.why.why_shown, timeout=LONG) as blocker:
        tab.view.token_menu(tab.view.token_point(done.index, 2)).actions()[0].trigger()
    steps = done.message.tokens
    assert blocker.args[0].token_ids == tuple(done.message.prompt_ids) + (steps[0].token_id, steps[1].token_id)
    panel = tab.findChild(QWidget, "whyTokenPanel")
    assert panel.isVisible()
    qtbot.mouseClick(tab.findChild(QPushButton, "clearChatButton"), Qt.LeftButton)
    assert not panel.isVisible() and not tab.findChild(QPushButton, "whyTokenButton").isEnabled()
