"""Many processes asking at once for a token that is about to expire: one refresh, one answer.

Hand-outs run in 4 extra OS processes (in-process handler calls) and in the 3 gunicorn workers
of the tokens service (HTTP calls from those processes); the sandbox counts refreshes.
"""

import hashlib
import sys
import time

import pytest
from tokens.handlers.handout import hand_out

PROCESSES, THREADS = 4, 14  # 56 concurrent hand-outs


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
    svc, connect_org, raw, helpers, fortnox_sandbox, race
):
    connected = connect_org()
    org_id, tenant_id = connected.org_id, connected.tenant.tenant_id
    helpers.expire_soon(raw, org_id)
    before = _refreshes(fortnox_sandbox, tenant_id)
    results = race(org_id, PROCESSES, THREADS)
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
    race,
    two_refreshers,
):
    connected = connect_org()
    org_id, tenant_id = connected.org_id, connected.tenant.tenant_id
    helpers.expire_soon(raw, org_id)
    before = _refreshes(fortnox_sandbox, tenant_id)
    results = race(org_id, PROCESSES, THREADS)
    after = _refreshes(fortnox_sandbox, tenant_id)
    _assert_one_refresh_one_token(results, before, after, svc, org_id, fortnox_sandbox)
    assert all(p.poll() is None for p in two_refreshers)
