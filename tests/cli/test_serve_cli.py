"""`playground serve` in a subprocess: it serves, warns off loopback, and Ctrl+C shuts it down cleanly."""

import re
import signal
import subprocess
import sys
import time

import httpx


def test_serve_warns_off_loopback_answers_and_stops_on_ctrl_c(tmp_path):
    err_path = tmp_path / "serve.err"
    with open(err_path, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "playground", "serve", "--host", "0.0.0.0", "--port", "0"],
                                stdout=subprocess.DEVNULL, stderr=err, text=True)
    try:
        deadline = time.monotonic() + 240
        while "Serving" not in err_path.read_text() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        log = err_path.read_text()
        assert "warning: listening on 0.0.0.0" in log
        url = re.search(r"at (http://127\.0\.0\.1:\d+)/v1", log).group(1)
        assert httpx.get(f"{url}/v1/models").json()["data"][0]["id"] == "smollm2-135m-instruct"
        reply = httpx.post(f"{url}/chat", json={"message": "What is the capital of France?", "temperature": 0},
                           timeout=300).json()["reply"]
        assert "Paris" in reply
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    log = err_path.read_text()
    assert "POST /chat  200" in log and log.rstrip().endswith("Server stopped.") and "Traceback" not in log
