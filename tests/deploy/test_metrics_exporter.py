"""The worker pods' sidecar serves the figures a worker process wrote to the shared folder."""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from servicekit.mailsink import free_port

EXPORTER = Path(__file__).resolve().parents[2] / "deploy" / "container" / "metrics_exporter.py"
WORKER = """
from prometheus_client import Counter
Counter("consumer_events_dead_lettered_total", "x", ["consumer", "type", "reason"]).labels(
    "settings", "token.upgraded", "handler_failed").inc(3)
"""


def test_exporter_serves_what_a_worker_process_counted(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    (tmp_path / "metrics").mkdir()
    subprocess.run([sys.executable, "-c", WORKER], env=env, check=True)
    port = free_port()
    env["METRICS_EXPORTER_PORT"] = str(port)
    exporter = subprocess.Popen([sys.executable, str(EXPORTER)], env=env)
    try:
        body = ""
        for _ in range(100):  # until it listens; the assertion below does not depend on timing
            try:
                body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
                break
            except requests.RequestException:  # not listening yet
                time.sleep(0.05)
        assert (
            'consumer_events_dead_lettered_total{consumer="settings",reason="handler_failed",'
            'type="token.upgraded"} 3.0' in body
        )
    finally:
        exporter.terminate()
        assert exporter.wait(timeout=10) == 0
