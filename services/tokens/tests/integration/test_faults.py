"""Faults injected in the sandbox: temporary ones are retried and recovered from, a 429 waits
for its Retry-After, invalid_grant asks for re-authorization once."""

import dataclasses
import threading

import pytest
from servicekit.backoff import Policy
from tokens.domain.errors import ReauthorizationRequired
from tokens.handlers.handout import hand_out
from tokens.handlers.renewal import renew


@pytest.fixture
def pauses(svc):
    """The back-off pauses the renewal took (they still happen, really)."""
    taken = []
    real_sleep = svc.sleep

    def sleep(seconds: float) -> None:
        taken.append(seconds)
        real_sleep(seconds)

    svc.sleep = sleep
    return taken


class _Fixed:
    def __init__(self, value: float):
        self.value = value

    def random(self) -> float:
        return self.value


def _expired(raw, org_id):
    raw.execute(
        "UPDATE connections SET access_expires_at = now() - interval '1 second' WHERE org_id = %s",
        (org_id,),
    )


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_then_success_are_retried_within_the_renewal(
    svc, connect_org, raw, helpers, fortnox_sandbox, pauses, status
):
    org_id = connect_org().org_id
    helpers.expire_soon(raw, org_id)
    fortnox_sandbox.control.inject_fault("token", status, count=2)
    token = hand_out(svc, org_id).access_token
    assert fortnox_sandbox.company_information(token).status_code == 200
    assert len(pauses) == 2
    assert svc.store.peek(org_id).health == "ok"


def test_failures_beyond_the_retries_degrade_then_recover_with_an_event(
    svc, connect_org, raw, helpers, fortnox_sandbox
):
    connected = connect_org()
    org_id = connected.org_id
    helpers.expire_soon(raw, org_id)
    fortnox_sandbox.control.inject_fault("token", 503, count=3)
    still_valid = hand_out(svc, org_id)  # inside the margin: the old token is still good
    connection = svc.store.peek(org_id)
    assert connection.state == "connected" and connection.health == "degraded"
    assert "503" in connection.last_failure_reason
    assert fortnox_sandbox.company_information(still_valid.access_token).status_code == 200
    raw.execute("UPDATE connections SET cooldown_until = now() WHERE org_id = %s", (org_id,))
    hand_out(svc, org_id)
    assert svc.store.peek(org_id).health == "ok"
    recovered = helpers.events_of(raw, org_id, "token.recovered")
    assert len(recovered) == 1 and recovered[0]["envelope"]["data"]["failures"] == 1


def test_cool_down_keeps_a_broken_connection_from_calling_fortnox_again(
    svc, connect_org, raw, helpers, fortnox_sandbox
):
    connected = connect_org()
    org_id, tenant_id = connected.org_id, connected.tenant.tenant_id
    helpers.expire_soon(raw, org_id)
    fortnox_sandbox.control.inject_fault("token", 500, count=3)
    hand_out(svc, org_id)
    raw.execute(
        "UPDATE connections SET cooldown_until = now() + interval '1 hour' WHERE org_id = %s",
        (org_id,),
    )
    calls = fortnox_sandbox.control.counters(tenant_id)["token_calls"]["total"]
    for _ in range(5):
        hand_out(svc, org_id)
    assert fortnox_sandbox.control.counters(tenant_id)["token_calls"]["total"] == calls


def test_time_out_then_success_recovers(svc, connect_org, raw, helpers, fortnox_sandbox, pauses):
    org_id = connect_org().org_id
    helpers.expire_soon(raw, org_id)
    svc.fortnox.timeout = 0.5
    # the sandbox hangs, then refuses: the late answer never rotates the refresh token
    fortnox_sandbox.control.inject_fault("token", 503, hang_seconds=1.5)
    token = hand_out(svc, org_id).access_token
    assert fortnox_sandbox.company_information(token).status_code == 200
    assert len(pauses) == 1


def test_an_unanswered_renewal_that_fortnox_carried_out_is_marked_clearly(
    svc, connect_org, raw, helpers, fortnox_sandbox
):
    org_id = connect_org().org_id
    helpers.expire_soon(raw, org_id, seconds=-1)
    svc.fortnox.timeout = 0.5
    # the retry comes after the late call was carried out, so its refresh token is spent
    svc.settings = dataclasses.replace(svc.settings, retry=Policy(base=2.0, cap=2.0))
    svc.rng = _Fixed(0.99)
    fortnox_sandbox.control.inject_fault("token", None, hang_seconds=1.0)  # then it rotates
    with pytest.raises(ReauthorizationRequired) as refused:
        hand_out(svc, org_id)
    assert "no answer in time" in refused.value.message
    assert svc.store.peek(org_id).state == "needs_reauthorization"


def test_rate_limit_waits_for_retry_after_then_succeeds(
    svc, connect_org, raw, helpers, fortnox_sandbox, pauses
):
    org_id = connect_org().org_id
    helpers.expire_soon(raw, org_id)
    fortnox_sandbox.control.inject_fault("token", 429, retry_after=1)
    token = hand_out(svc, org_id).access_token
    assert pauses and pauses[0] >= 1.0
    assert fortnox_sandbox.company_information(token).status_code == 200


def test_long_retry_after_becomes_the_cool_down(svc, connect_org, raw, helpers, fortnox_sandbox):
    org_id = connect_org().org_id
    helpers.expire_soon(raw, org_id)
    fortnox_sandbox.control.inject_fault("token", 429, retry_after=120)
    hand_out(svc, org_id)
    connection = svc.store.peek(org_id)
    assert connection.health == "degraded"
    assert (connection.cooldown_until - svc.clock()).total_seconds() > 100


def test_invalid_grant_needs_reauthorization_and_the_event_is_published_once(
    svc, connect_org, raw, helpers, fortnox_sandbox
):
    connected = connect_org()
    org_id = connected.org_id
    fortnox_sandbox.control.revoke_consent(connected.tenant.tenant_id)
    _expired(raw, org_id)
    outcomes = []

    def ask():
        try:
            hand_out(svc, org_id)
            outcomes.append("token")
        except ReauthorizationRequired as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    renew(svc, org_id, actor="test", force=True)  # a later attempt changes nothing
    assert len(outcomes) == 8 and all("invalid_grant" in o for o in outcomes)
    connection = svc.store.peek(org_id)
    assert connection.state == "needs_reauthorization"
    events = helpers.events_of(raw, org_id, "token.reauthorization_required")
    assert len(events) == 1
