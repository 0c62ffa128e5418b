import threading
from dataclasses import replace

import torch
from PySide6.QtCore import QObject, Slot

from playground.core.generation.conversation import Message, PromptRequest, build_prompt
from playground.core.generation.engine import TorchEngine
from playground.core.generation.stream import encode_chat, eos_ids, generate_stream
from playground.core.generation.sampling import GREEDY, SamplingSettings
from playground.workers.base import FunctionWorker, WorkerThread
from playground.workers.chat import CompareWorker, ReplyStreamer, position_logits


LONG = 300_000  # ms: the shared CPU can be very busy


def prompt(session, text="What is the capital of France?"):
    return encode_chat(session.tokenizer, [{"role": "user", "content": text}])


def test_logits_worker_runs_one_forward_pass(qtbot, builtin_session):
    ids = prompt(builtin_session)
    job = WorkerThread(FunctionWorker(position_logits, builtin_session, ids, request="here"))
    with qtbot.waitSignal(job.worker.finished, timeout=LONG) as blocker:
        job.start()
    qtbot.waitUntil(lambda: not job.is_running())
    got = blocker.args[0]
    with torch.inference_mode():
        direct = builtin_session.model(torch.tensor([ids])).logits[0, -1].float()
    assert got.request == "here" and got.context_ids == tuple(ids)
    assert torch.allclose(got.logits, direct, atol=1e-4)


class Collector(QObject):
    """Receives a worker's signals in the GUI thread (its own slot, so the connection is queued)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list = []

    @Slot(object)
    def add(self, item) -> None:
        self.items.append(item)


def test_compare_worker_answers_once_per_setting(qtbot, builtin_session):
    s = builtin_session
    ids = prompt(s)
    settings = [replace(GREEDY, max_new_tokens=5), SamplingSettings(temperature=1.5, top_k=0, top_p=1.0,
                                                                    max_new_tokens=5, seed=3)]
    worker = CompareWorker(s, ids, settings, TorchEngine(s.model))
    tokens, columns, finished = Collector(), Collector(), Collector()
    worker.token_generated.connect(tokens.add)
    worker.column_finished.connect(columns.add)
    worker.finished.connect(finished.add)
    job = WorkerThread(worker).start()
    qtbot.waitUntil(lambda: not job.is_running() and bool(finished.items), timeout=LONG)
    results = finished.items[0]
    assert [r.column for r in results] == [0, 1] == [c.column for c in columns.items]
    greedy = generate_stream(TorchEngine(s.model), s.tokenizer, ids, settings[0], stop_ids=eos_ids(s.model, s.tokenizer))
    assert results[0].result.token_ids == greedy.token_ids and results[0].engine == "Exact (PyTorch)"
    assert [t.step.token_id for t in tokens.items if t.column == 1] == list(results[1].result.token_ids)


def test_reply_streamer_batches_tokens_and_stops(qtbot, builtin_session):
    s = builtin_session
    streamer = ReplyStreamer()
    batches, states = [], []
    streamer.tokens_arrived.connect(batches.append)
    streamer.running_changed.connect(states.append)
    ids = prompt(s, "Count from one to fifty.")
    main = threading.current_thread()
    seen_threads = []
    streamer.tokens_arrived.connect(lambda _: seen_threads.append(threading.current_thread()))
    streamer.tokens_arrived.connect(lambda _: streamer.stop() if sum(map(len, batches)) >= 3 else None)
    with qtbot.waitSignal(streamer.finished, timeout=LONG) as blocker:
        streamer.start(s, ids, replace(GREEDY, max_new_tokens=200), TorchEngine(s.model))
    qtbot.waitUntil(lambda: not streamer.is_running())
    result = blocker.args[0]
    streamed = [step.token_id for batch in batches for step in batch]
    assert result.stop_reason == "stopped" and 3 <= len(result.token_ids) < 200
    assert streamed == list(result.token_ids) and states == [True, False]
    assert set(seen_threads) == {main}  # the GUI only ever sees tokens in its own thread


def test_generation_runs_off_the_gui_thread_and_the_gui_stays_live(qtbot, builtin_session):
    """Regression: with PySide6 6.12 an automatic `started → run` connection ran workers on the GUI thread."""
    from PySide6.QtCore import QTimer

    s = builtin_session

    class RecordingEngine(TorchEngine):
        threads: list = []

        def prefill(self, ids):
            self.threads.append(threading.current_thread())
            return super().prefill(ids)

    ticks = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(1))
    streamer = ReplyStreamer()
    timer.start()
    with qtbot.waitSignal(streamer.finished, timeout=LONG):
        streamer.start(s, prompt(s), replace(GREEDY, max_new_tokens=4), RecordingEngine(s.model))
    qtbot.waitUntil(lambda: not streamer.is_running())
    timer.stop()
    assert RecordingEngine.threads and threading.main_thread() not in RecordingEngine.threads
    assert len(ticks) > 5  # the GUI thread's timers kept firing while the model ran


def test_the_reply_worker_builds_the_prompt_off_the_gui_thread(qtbot, builtin_session, monkeypatch):
    """A PromptRequest is templated and tokenized in the worker: the same tokens as the full template,
    and the GUI thread never calls the tokenizer's chat template."""
    s = builtin_session
    messages = (Message("user", "Hi!"), Message("assistant", "Hello! How can I help?"),
                Message("user", "What is 2+2?"), Message("assistant", "4."), Message("user", "And 3+3?"))
    request = PromptRequest(messages, "Answer briefly.", "chat", s.context_length, reserve=4)
    expected = build_prompt(s.tokenizer, messages, system_prompt="Answer briefly.", context_length=s.context_length,
                            reserve=4)
    template = type(s.tokenizer).apply_chat_template
    callers = []

    def recording(self, *args, **kwargs):
        callers.append(threading.current_thread())
        return template(self, *args, **kwargs)

    monkeypatch.setattr(type(s.tokenizer), "apply_chat_template", recording)
    streamer = ReplyStreamer()
    prompts = []
    streamer.prompt_built.connect(prompts.append)
    with qtbot.waitSignal(streamer.finished, timeout=LONG) as blocker:
        streamer.start(s, request, replace(GREEDY, max_new_tokens=3), TorchEngine(s.model))
    qtbot.waitUntil(lambda: not streamer.is_running())
    assert prompts == [expected] and blocker.args[0].prompt_tokens == len(expected.ids)
    assert callers and threading.main_thread() not in callers


def test_a_prompt_that_cannot_be_built_is_rejected_and_nothing_runs(qtbot, builtin_session):
    s = builtin_session
    streamer = ReplyStreamer()
    finished, built = [], []
    streamer.finished.connect(finished.append)
    streamer.prompt_built.connect(built.append)
    request = PromptRequest((Message("user", "word " * 200),), "", "chat", 64)
    with qtbot.waitSignal(streamer.rejected, timeout=LONG) as blocker:
        streamer.start(s, request, GREEDY, TorchEngine(s.model))
    qtbot.waitUntil(lambda: not streamer.is_running())
    assert "Shorten the message" in blocker.args[0] and finished == [] and built == []
