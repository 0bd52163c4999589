"""The operators' figures on /metrics, with the service run as the local run runs it: gunicorn
workers and a separate command-line process sharing one PROMETHEUS_MULTIPROC_DIR."""

import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from servicekit.testing import caller_headers

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def metrics_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("metrics")


@pytest.fixture(scope="module")
def server(tokens_env, metrics_dir, helpers):
    """Two gunicorn workers with deploy/gunicorn.conf.py and a shared metrics folder."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = tokens_env | {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    args = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py")]
    args += ["-w", "2", "-b", f"127.0.0.1:{port}", "tokens.entrypoints.api:create_app()"]
    log = tempfile.NamedTemporaryFile("w+", prefix="tokens-metrics-", suffix=".log")
    process = helpers.spawn(args, env, log)
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # until it answers; nothing below depends on how long that took
            if process.poll() is not None:
                raise RuntimeError(Path(log.name).read_text()[-3000:])
            try:
                requests.get(base_url + "/healthz", timeout=5)
                break
            except requests.RequestException:  # not listening yet, or still booting workers
                time.sleep(0.1)
        yield base_url, caller_headers("resultat-finans")
    finally:
        helpers.stop(process)
        log.close()


def _samples(base_url: str) -> dict:
    body = requests.get(base_url + "/metrics", timeout=30).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def _value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_hand_outs_of_every_worker_are_added_up(server, connect_org):
    base_url, headers = server
    connected = connect_org()
    before = _samples(base_url)
    path = f"/internal/organisations/{connected.org_id}/fortnox/access-token"
    for _ in range(12):  # a new connection each: gunicorn spreads them over its workers
        assert requests.post(base_url + path, headers=headers, timeout=30).status_code == 200
    unknown = f"/internal/organisations/{uuid.uuid4()}/fortnox/access-token"
    assert requests.post(base_url + unknown, headers=headers, timeout=30).status_code == 404
    after = _samples(base_url)
    stored = "token_handout_total", {"outcome": "stored"}
    missing = "token_handout_total", {"outcome": "not_connected"}
    assert _value(after, stored[0], **stored[1]) - _value(before, stored[0], **stored[1]) == 12
    assert _value(after, missing[0], **missing[1]) - _value(before, missing[0], **missing[1]) == 1


def test_a_refresh_in_another_process_shows_on_the_web_workers_metrics(
    server, connect_org, tokens_env, metrics_dir
):
    base_url, _headers = server
    connected = connect_org()
    before = _samples(base_url)
    env = tokens_env | {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    command = [sys.executable, "-m", "tokens.entrypoints.cli", "refresh", connected.org_id]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    after = _samples(base_url)

    def grew(name, **labels):
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("token_refresh_total", outcome="refreshed", kind="oauth") == 1
    assert grew("fortnox_requests_total", endpoint="token", status="200") == 1
    assert grew("fortnox_request_duration_seconds_count", endpoint="token") == 1


def test_connections_by_state_are_counted_in_the_database_at_each_scrape(
    server, connect_org, svc, raw
):
    from tokens.handlers import revocation

    base_url, _headers = server
    connected = connect_org()

    def gauge() -> dict:
        samples = _samples(base_url)
        return {
            state: _value(samples, "token_connections", state=state)
            for state in ("connected", "legacy", "needs_reauthorization", "revoked")
        }

    def database() -> dict:
        rows = raw.execute(
            "SELECT CASE WHEN state = 'connected' AND kind = 'legacy' THEN 'legacy'"
            " ELSE state END AS state, count(*) AS n FROM connections GROUP BY 1"
        ).fetchall()
        return {"connected": 0, "legacy": 0, "needs_reauthorization": 0, "revoked": 0} | {
            r["state"]: r["n"] for r in rows
        }

    first = gauge()
    assert first == database() and first["connected"] >= 1
    revocation.disconnect(svc, connected.org_id, actor="test")
    second = gauge()
    assert second == database()
    assert second["revoked"] == first["revoked"] + 1
    assert second["connected"] == first["connected"] - 1
