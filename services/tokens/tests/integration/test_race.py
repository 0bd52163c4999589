"""Many processes asking at once for a token that is about to expire: one refresh, one answer.

Hand-outs run in 4 extra OS processes (in-process handler calls) and in the 3 gunicorn workers
of the tokens service (HTTP calls from those processes); the sandbox counts refreshes.
"""

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tokens.handlers.handout import hand_out

RACER = Path(__file__).with_name("racer.py")
PROCESSES, THREADS = 4, 14  # 56 concurrent hand-outs


def race(tokens_env, tokens_server, org_id: str, tmp_path: Path) -> list[dict]:
    go = tmp_path / f"go-{org_id}"
    racers = [
        subprocess.Popen(
            [sys.executable, str(RACER), org_id, str(THREADS), str(go), tokens_server.base_url],
            env={**__import__("os").environ, **tokens_env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    for racer in racers:
        line = racer.stdout.readline()
        assert line.strip() == "ready", racer.stderr.read()[-2000:]
    go.touch()
    results = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err[-2000:]
        results += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return results


def _refreshes(fortnox_sandbox, tenant_id) -> int:
    return fortnox_sandbox.control.counters(tenant_id)["refreshes"]


def _assert_one_refresh_one_token(results, before, after, svc, org_id, fortnox_sandbox):
    assert len(results) == PROCESSES * THREADS
    failures = [r for r in results if not r["ok"]]
    assert not failures, failures[:3]
    assert after - before == 1
    assert len({r["pid"] for r in results}) >= 4
    assert {r["via"] for r in results} == {"direct", "http"}
    assert len({r["token"] for r in results}) == 1
    token = hand_out(svc, org_id).access_token
    assert hashlib.sha256(token.encode()).hexdigest() == results[0]["token"]
    assert fortnox_sandbox.company_information(token).status_code == 200


def test_concurrent_handouts_across_processes_reach_fortnox_with_exactly_one_refresh(
    svc, connect_org, raw, helpers, fortnox_sandbox, tokens_env, tokens_server, tmp_path
):
    connected = connect_org()
    org_id, tenant_id = connected.org_id, connected.tenant.tenant_id
    helpers.expire_soon(raw, org_id)
    before = _refreshes(fortnox_sandbox, tenant_id)
    results = race(tokens_env, tokens_server, org_id, tmp_path)
    after = _refreshes(fortnox_sandbox, tenant_id)
    _assert_one_refresh_one_token(results, before, after, svc, org_id, fortnox_sandbox)
    helpers.expire_soon(raw, org_id)  # and it still renews afterwards
    renewed = hand_out(svc, org_id).access_token
    assert _refreshes(fortnox_sandbox, tenant_id) == after + 1
    assert fortnox_sandbox.company_information(renewed).status_code == 200


@pytest.fixture
def two_refreshers(tokens_env, helpers, tmp_path):
    logs = [open(tmp_path / f"refresher-{i}.log", "w+") for i in range(2)]
    command = [sys.executable, "-m", "tokens.entrypoints.refresher"]
    processes = [helpers.spawn(command, tokens_env, log) for log in logs]
    time.sleep(0)  # they start while the test connects its organisation
    yield processes
    for process in processes:
        helpers.stop(process)
    for log in logs:
        log.close()


def test_two_refresher_workers_and_concurrent_handouts_still_make_one_refresh(
    svc,
    connect_org,
    raw,
    helpers,
    fortnox_sandbox,
    tokens_env,
    tokens_server,
    tmp_path,
    two_refreshers,
):
    connected = connect_org()
    org_id, tenant_id = connected.org_id, connected.tenant.tenant_id
    helpers.expire_soon(raw, org_id)
    before = _refreshes(fortnox_sandbox, tenant_id)
    results = race(tokens_env, tokens_server, org_id, tmp_path)
    after = _refreshes(fortnox_sandbox, tenant_id)
    _assert_one_refresh_one_token(results, before, after, svc, org_id, fortnox_sandbox)
    assert all(p.poll() is None for p in two_refreshers)
