"""A refresher killed (SIGKILL) in the middle of a renewal: the connection stays usable, or is
clearly marked when Fortnox had already replaced the refresh token; never silently broken."""

import signal
import sys
import time

import pytest
from tokens.domain.errors import LockUnavailable, ReauthorizationRequired
from tokens.handlers import connection_status
from tokens.handlers.handout import hand_out
from tokens.handlers.renewal import INTERRUPTED_REASON


def _served(fortnox_sandbox) -> int:
    return fortnox_sandbox.control.counters()["faults_served"].get("token", 0)


def _wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _lock_free(svc, org_id: str) -> bool:
    try:
        with svc.store.locked(org_id, wait=False):
            return True
    except LockUnavailable:
        return False


@pytest.fixture
def kill_refresher_mid_renewal(tokens_env, helpers, fortnox_sandbox, raw, tmp_path):
    """Start a refresher, let its renewal call reach the (hanging) sandbox, then SIGKILL it."""

    def _kill(org_id: str) -> None:
        served = _served(fortnox_sandbox)
        with open(tmp_path / "refresher.log", "w+") as log:
            process = helpers.spawn(
                [sys.executable, "-m", "tokens.entrypoints.refresher"], tokens_env, log
            )
            try:
                _wait_for(lambda: _served(fortnox_sandbox) > served, "the renewal call")
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            finally:
                helpers.stop(process)

    return _kill


def test_killed_before_fortnox_answered_leaves_a_usable_marked_connection(
    svc, connect_org, raw, helpers, fortnox_sandbox, kill_refresher_mid_renewal
):
    org_id = connect_org().org_id
    helpers.expire_soon(raw, org_id, seconds=60)  # used recently and near expiry: due
    fortnox_sandbox.control.inject_fault("token", 503, hang_seconds=6)
    kill_refresher_mid_renewal(org_id)
    status = connection_status.status(svc, org_id)
    assert status["health"] == "refreshing" and status["state"] == "connected"
    # The dead process's lock goes with its database session, once PostgreSQL has noticed the
    # closed socket and ended that backend (a moment after the kill on a busy machine).
    _wait_for(lambda: _lock_free(svc, org_id), "the dead process's lock to be released", 10)
    token = hand_out(svc, org_id).access_token
    assert fortnox_sandbox.company_information(token).status_code == 200
    assert connection_status.status(svc, org_id)["health"] == "ok"
    assert svc.store.audit_trail(org_id)[0]["detail"]["after_interruption"] is True


def test_killed_after_fortnox_replaced_the_token_asks_for_reauthorization_clearly(
    svc, connect_org, raw, helpers, fortnox_sandbox, kill_refresher_mid_renewal
):
    connected = connect_org()
    org_id, tenant_id = connected.org_id, connected.tenant.tenant_id
    helpers.expire_soon(raw, org_id, seconds=60)
    refreshes = fortnox_sandbox.control.counters(tenant_id)["refreshes"]
    fortnox_sandbox.control.inject_fault("token", None, hang_seconds=1.5)  # then it rotates
    kill_refresher_mid_renewal(org_id)
    _wait_for(
        lambda: fortnox_sandbox.control.counters(tenant_id)["refreshes"] > refreshes,
        "Fortnox carrying out the orphaned renewal",
    )
    helpers.expire_soon(raw, org_id, seconds=-1)
    with pytest.raises(ReauthorizationRequired) as refused:
        hand_out(svc, org_id)
    assert refused.value.message == INTERRUPTED_REASON
    status = connection_status.status(svc, org_id)
    assert status["state"] == "needs_reauthorization"
    assert status["reauthorization_reason"] == INTERRUPTED_REASON
    assert len(helpers.events_of(raw, org_id, "token.reauthorization_required")) == 1
