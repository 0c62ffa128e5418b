"""The pieces under the HTTP layer: stop strings, the worker queue, loopback detection."""

import threading
from dataclasses import replace

import pytest

from playground.server.runner import is_loopback
from playground.server.worker import StopMatcher


@pytest.mark.parametrize("pieces, stops, expected, matched", [
    (["Hello", " world"], [], "Hello world", False),
    (["The answer", " is 4.", " Next"], ["."], "The answer is 4", True),
    (["ab", "c<", "/s", "> more"], ["</s>"], "abc", True),
    (["ab", "c<", "/x"], ["</s>"], "abc</x", False),  # a false start is released
    (["one\n", "\nUser:"], ["\n\n", "User:"], "one", True),  # the earliest stop wins
])
def test_stop_matcher_cuts_at_the_first_stop_string(pieces, stops, expected, matched):
    m = StopMatcher(stops)
    out = "".join(m.feed(p) for p in pieces)
    if not m.matched:
        out += m.flush()
    assert out == expected and m.matched == matched


def test_stop_matcher_holds_back_only_a_possible_prefix():
    m = StopMatcher(["STOP"])
    assert m.feed("go ST") == "go "
    assert m.feed("ay") == "STay"


@pytest.mark.parametrize("host, expected", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("0.0.0.0", False), ("192.168.1.5", False)])
def test_loopback_detection(host, expected):
    assert is_loopback(host) is expected


def test_a_job_after_stop_is_refused(builtin_session):
    from playground.server.worker import Job, ModelWorker, ServerBusy

    worker = ModelWorker(builtin_session)
    worker.stop()
    assert not worker.is_alive()
    with pytest.raises(ServerBusy):
        worker.submit(Job(builtin_session, [1], None, emit=lambda e: None))


def test_the_model_id_comes_from_the_source_data_not_its_label():
    from playground.core.types import ModelSource
    from playground.server.app import model_id

    assert model_id(ModelSource("builtin", "Any label (built-in)", "/x/SmolLM2.Q4_1.gguf")) == "smollm2-135m-instruct"
    assert model_id(ModelSource("run", "run: a label", "/runs/my-run/model")) == "my-run"
    assert model_id(ModelSource("folder", "Shown", "/models/My Model")) == "my-model"
    assert model_id(ModelSource("hf-cache", "HuggingFaceTB/SmolLM2-360M", "/snap/abc")) == "huggingfacetb-smollm2-360m"


def test_a_refusal_while_closing_is_typed_as_shutting_down(builtin_session):
    from playground.core.errors import failure_of
    from playground.server.worker import Failed, Job, ModelWorker, ServerBusy

    worker = ModelWorker(builtin_session)
    worker.stop()
    with pytest.raises(ServerBusy) as refused:
        worker.submit(Job(builtin_session, [1], None, emit=lambda e: None))
    assert failure_of(refused.value).kind == "shutting-down"
    events = []
    late = ModelWorker(builtin_session)  # a job already queued when the stop came hears why it will not run
    late._stopping = True
    late._queue.put(Job(builtin_session, [1], None, emit=events.append))
    late._queue.put(None)
    late._thread.join(10)
    assert events == [Failed("The server is shutting down.", "shutting-down")]


def _naive_cut(text: str, stops: list[str]) -> tuple[str, bool]:
    """The reference: the text up to where the first stop string to be completed begins."""
    for end in range(1, len(text) + 1):
        done = [s for s in stops if s and text[:end].endswith(s)]
        if done:
            return text[:end - max(len(s) for s in done)], True
    return text, False


def test_stop_matcher_agrees_with_the_naive_cut_on_random_streams():
    import random

    rng = random.Random(7)
    for _ in range(400):
        alphabet = "ab" if rng.random() < 0.7 else "abc\n"
        stops = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 4))]
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        cuts = sorted(rng.sample(range(len(text) + 1), k=min(len(text) + 1, rng.randint(1, 6))))
        pieces = [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]
        m = StopMatcher(stops)
        out = "".join(m.feed(p) for p in pieces)
        if not m.matched:
            out += m.flush()
        assert (out, m.matched) == _naive_cut(text, stops), (pieces, stops)


def test_stop_matcher_holds_back_exactly_the_longest_possible_start_of_a_long_stop():
    stop = "ab" * 50_000 + "c"
    m = StopMatcher([stop, "x" * 100_000])
    assert m.feed("z" + "ab" * 49_999) == "z"  # all of it may still begin the stop string
    assert m.feed("abab") == "ab"  # "ab"*50_001 cannot: one "ab" is released
    assert m.feed("c") == "" and m.matched


def test_a_full_context_finishes_with_openai_length(tmp_path):
    """OpenAI has no "context" finish reason: a reply cut by the full context is "length" there."""
    from types import SimpleNamespace

    from transformers import AutoModelForCausalLM, AutoTokenizer

    from playground.core.generation.sampling import GREEDY
    from playground.server.worker import Job, _generate
    from tests.core.generation.test_stream import gpt2_char_folder

    folder = gpt2_char_folder(tmp_path, context=64)
    session = SimpleNamespace(model=AutoModelForCausalLM.from_pretrained(folder).eval(), lock=threading.Lock(),
                              tokenizer=AutoTokenizer.from_pretrained(folder), context_length=64)
    prompt = session.tokenizer("once upon a time", add_special_tokens=False)["input_ids"]
    done = _generate(Job(session, prompt, replace(GREEDY, max_new_tokens=200), emit=lambda event: None))
    assert (done.finish_reason, done.completion_tokens) == ("length", 64 - len(prompt))


def test_the_token_aligner_reports_a_token_once_its_text_is_out_and_cuts_with_the_stop():
    from playground.server.worker import TokenAligner

    a = TokenAligner()
    for text in ("The", " answer", " is", " 4."):
        a.add(text, text.upper())
    assert [t.text for t in a.emitted("The ans")] == ["The"]  # " answer" only partly out
    assert [(t.text, t.logprobs) for t in a.emitted("wer is 4")] == [(" answer", " ANSWER"), (" is", " IS")]
    assert [(t.text, t.logprobs) for t in a.cut()] == [(" 4", " 4.")]  # a stop string at ".": the part kept
    a.add(" Next", "x")
    assert a.emitted("") == () and a.cut() == ()  # a stop at its first character: not reported
