"""The public gateway hides the platform's /metrics and /readyz: they answer only on its admin
port. Run under gunicorn, which names the port a request came in on from its socket."""

import os
import subprocess
import sys
import time

import pytest
import requests
from servicekit.gthread_worker import WORKER_CLASS
from servicekit.mailsink import free_port
from servicekit.testing import CALLER_KEYS


@pytest.fixture(scope="module")
def ports(tmp_path_factory):
    public, admin = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env |= CALLER_KEYS | {
        "GATEWAY_SECRET_KEY": "edge-test-secret-" + "s" * 32,
        "GATEWAY_ADMIN_PORT": str(admin),
        "AUTH_URL": "http://127.0.0.1:9",
        "LOG_LEVEL": "WARNING",
        "RF_VAR_DIR": str(tmp_path_factory.mktemp("var")),
    }
    args = [sys.executable, "-m", "gunicorn", "-w", "1", "-k", WORKER_CLASS]
    args += ["-b", f"127.0.0.1:{public}", "-b", f"127.0.0.1:{admin}"]
    process = subprocess.Popen([*args, "gateway.entrypoints.api:create_app()"], env=env)
    try:
        for _ in range(600):  # until it answers; a loaded machine boots it slowly
            assert process.poll() is None, "the gateway did not start"
            try:
                requests.get(f"http://127.0.0.1:{public}/healthz", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield public, admin
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.parametrize("path", ["/metrics", "/readyz"])
def test_the_public_port_answers_404_even_to_a_request_naming_the_admin_port(ports, path):
    public, admin = ports
    for headers in ({}, {"Host": f"127.0.0.1:{admin}"}, {"Accept": "text/html"}):
        answer = requests.get(f"http://127.0.0.1:{public}{path}", headers=headers, timeout=5)
        assert answer.status_code == 404, (headers, answer.text[:200])
        assert "http_requests_total" not in answer.text


def test_the_admin_port_serves_metrics_and_readiness(ports):
    _public, admin = ports
    metrics = requests.get(f"http://127.0.0.1:{admin}/metrics", timeout=5)
    assert metrics.status_code == 200 and "http_requests_total" in metrics.text
    assert requests.get(f"http://127.0.0.1:{admin}/readyz", timeout=5).status_code == 200


def test_the_public_port_still_serves_the_pages_and_health(ports):
    public, _admin = ports
    assert requests.get(f"http://127.0.0.1:{public}/healthz", timeout=5).status_code == 200
    assert requests.get(f"http://127.0.0.1:{public}/logga-in", timeout=5).status_code == 200
