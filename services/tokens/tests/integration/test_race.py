"""Many processes asking at once for a token that is about to expire: one refresh, one answer.

Hand-outs run in 4 extra OS processes (in-process handler calls) and in the 3 gunicorn workers
of the tokens service (HTTP calls from those processes); the sandbox counts refreshes, and
counts an `invalid_grant` for every refresh token presented twice.
"""

import hashlib
import sys
import time

import pytest
from tokens.handlers.handout import hand_out
from tokens.handlers.refresher import ACTOR as REFRESHER

PROCESSES, THREADS = 4, 14  # 56 concurrent hand-outs
HANG = 3.0  # seconds the sandbox holds the refresh call, with the lock taken
PATIENCE = 60.0  # how long a process may take to get where the test waits for it


def _counters(fortnox_sandbox, tenant_id) -> tuple[int, int]:
    """(refreshes, refresh tokens presented again) of the tenant at the sandbox."""
    counters = fortnox_sandbox.control.counters(tenant_id)
    return counters["refreshes"], counters["invalid_grant"].get("refresh_token", 0)


def _one_refresh_one_token(results, before, after, svc, org_id, fortnox_sandbox):
    """Every hand-out got the one renewed token, Fortnox renewed once and was never asked with
    a spent refresh token, and the token works."""
    failures = [r for r in results if not r["ok"]]
    assert not failures, failures[:3]
    assert len(results) == PROCESSES * THREADS
    assert len({r["pid"] for r in results}) >= 4
    assert {r["via"] for r in results} == {"direct", "http"}
    assert (after[0] - before[0], after[1] - before[1]) == (1, 0)
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
    before = _counters(fortnox_sandbox, tenant_id)
    results = race(org_id, PROCESSES, THREADS)
    after = _counters(fortnox_sandbox, tenant_id)
    _one_refresh_one_token(results, before, after, svc, org_id, fortnox_sandbox)
    helpers.expire_soon(raw, org_id)  # and it still renews afterwards
    renewed = hand_out(svc, org_id).access_token
    assert _counters(fortnox_sandbox, tenant_id) == (after[0] + 1, after[1])
    assert fortnox_sandbox.company_information(renewed).status_code == 200


def _wait_for(what: str, check) -> None:
    deadline = time.monotonic() + PATIENCE
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {PATIENCE:g} s")
        time.sleep(0.05)


@pytest.fixture
def two_refreshers(tokens_env, helpers, tmp_path):
    """Two refresher processes, both past start-up and passing over the connections."""
    paths = [tmp_path / f"refresher-{i}.log" for i in range(2)]
    logs = [open(path, "w+") for path in paths]
    command = [sys.executable, "-m", "tokens.entrypoints.refresher"]
    processes = [helpers.spawn(command, tokens_env, log) for log in logs]
    for path in paths:
        _wait_for(f"{path.name} starting", lambda path=path: '"started"' in path.read_text())
    yield processes
    for process in processes:
        helpers.stop(process)
    for log in logs:
        log.close()


def test_two_refresher_workers_and_concurrent_handouts_still_make_one_refresh(
    svc, connect_org, raw, helpers, fortnox_sandbox, race, two_refreshers
):
    connected = connect_org()
    org_id, tenant_id = connected.org_id, connected.tenant.tenant_id
    before = _counters(fortnox_sandbox, tenant_id)

    def refresher_inside_the_refresh() -> None:
        # The sandbox holds the next refresh; the connection becomes due for the refreshers,
        # and the hand-outs are let go only once one of them is inside Fortnox's call.
        fortnox_sandbox.control.inject_fault("token", None, hang_seconds=HANG)
        helpers.expire_soon(raw, org_id)
        _wait_for("a refresher's renewal", lambda: svc.store.peek(org_id).refresh_started_at)

    results = race(org_id, PROCESSES, THREADS, before_go=refresher_inside_the_refresh)
    after = _counters(fortnox_sandbox, tenant_id)
    _one_refresh_one_token(results, before, after, svc, org_id, fortnox_sandbox)
    renewals = svc.store.audit_trail(org_id, actions=("refresh",))
    assert [(r["actor"], r["outcome"]) for r in renewals] == [(REFRESHER, "ok")]
    assert all(p.poll() is None for p in two_refreshers)
