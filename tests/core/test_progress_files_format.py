"""core/progress.py, core/files.py and core/format.py: the one record, the one write, the one formatter."""

import os

import pytest

from playground.core import format as fmt
from playground.core.files import current_umask, write_bytes_atomic, write_text_atomic
from playground.core.progress import Progress, Throttle, progress


def test_progress_is_clamped():
    assert progress(1.7, "x") == Progress(1.0, "x") and progress(-1, "y") == Progress(0.0, "y")


def test_the_throttle_drops_bursts_but_keeps_the_start_and_the_end():
    seen = []
    throttle = Throttle(seen.append, interval=60.0)
    throttle(0.0, "start")
    throttle(0.3, "a")
    throttle(Progress(0.5, "b"))
    throttle(1.0, "done")
    assert seen == [Progress(0.0, "start"), Progress(1.0, "done")]
    fast = []
    Throttle(fast.append, interval=0.0)(0.5, "every one")
    assert fast == [Progress(0.5, "every one")]


def test_atomic_writes_replace_the_file_and_leave_no_temp(tmp_path):
    path = write_text_atomic(tmp_path / "sub" / "a.txt", "one\ntwo\r\n")
    assert path.read_bytes() == b"one\ntwo\r\n"
    write_bytes_atomic(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01" and [p.name for p in path.parent.iterdir()] == ["a.txt"]


def test_a_failed_atomic_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "keep.txt"
    path.write_text("old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_text_atomic(path, "new")
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("call, expected", [
    (lambda: fmt.count(134_515_008), "134.5M"), (lambda: fmt.count(999), "999"), (lambda: fmt.count(2.5e12), "2.5T"),
    (lambda: fmt.exact(134_515_008), "134,515,008"), (lambda: fmt.nbytes(537_919_488), "513.0 MiB"),
    (lambda: fmt.nbytes(12), "12 B"), (lambda: fmt.flops(1.2e12), "1.2 TFLOP"), (lambda: fmt.duration(0.25), "250 ms"),
    (lambda: fmt.duration(90), "1.5 min"), (lambda: fmt.token_label("  "), "␣␣"),
])
def test_one_precision_per_quantity(call, expected):
    assert call() == expected


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_atomic_writes_get_the_mode_the_umask_gives(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        assert current_umask() == umask
        path = write_text_atomic(tmp_path / "chat.json", "{}")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode  # not mkstemp's 0600
