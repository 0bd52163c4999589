"""Every web service runs under deploy/gunicorn.conf.py, whose worker keeps connections that have
not sent a request yet off its threads (servicekit.gthread_worker). With gunicorn's own gthread
each such connection held a thread for up to 5 s, and a handful of them stalled every page."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from servicekit.mailsink import free_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"

THREADS = 2
KEEPALIVE = 2  # gunicorn's default, which the shipped config keeps
# gunicorn's gthread waits this long on a thread for a new connection's first request.
GTHREAD_HOLDS_A_THREAD = 5.0

APP = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("worker")
    (folder / "tiny.py").write_text(APP)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env |= {"WEB_THREADS": str(THREADS), "RF_VAR_DIR": str(folder)}
    args = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    args += ["-w", "1", "-b", f"127.0.0.1:{port}", "--pythonpath", str(folder), "tiny:app"]
    process = subprocess.Popen(args, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            assert process.poll() is None, "gunicorn did not start"
            try:
                requests.get(url, timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def silent(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def get(sock: socket.socket) -> bytes:
    """One request on the connection; the whole answer (the app answers "hello")."""
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = b""
    while not answer.endswith(b"hello"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    return answer


def test_connections_that_send_nothing_do_not_hold_the_threads(server):
    quiet = [silent(server) for _ in range(THREADS * 4)]
    try:
        time.sleep(0.3)  # the worker has accepted them all
        # Answered while every quiet connection is still open and quiet, well before gthread
        # would have let go of a thread.
        answer = requests.get(f"http://127.0.0.1:{server}/", timeout=GTHREAD_HOLDS_A_THREAD - 1)
        assert answer.status_code == 200 and answer.text == "hello"
    finally:
        for sock in quiet:
            sock.close()


def test_a_connection_that_speaks_late_is_served(server):
    with silent(server) as sock:
        time.sleep(KEEPALIVE / 2)
        assert get(sock).startswith(b"HTTP/1.1 200 OK")
        assert get(sock).startswith(b"HTTP/1.1 200 OK"), "kept alive after its first request"


def test_a_connection_silent_past_the_keep_alive_timeout_is_closed(server):
    with silent(server) as sock:
        sock.settimeout(KEEPALIVE + 8)
        assert sock.recv(1) == b"", "the worker closes it"
