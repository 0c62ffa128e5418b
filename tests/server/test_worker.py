"""The pieces under the HTTP layer: stop strings, the worker queue, loopback detection."""

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
