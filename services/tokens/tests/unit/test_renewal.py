"""Renewal and hand-out with fakes of the store and Fortnox."""

import threading
from datetime import timedelta

import pytest
from tokens.domain import answers
from tokens.domain.connection import Connection
from tokens.domain.errors import NotConnected, ReauthorizationRequired, TemporarilyUnavailable
from tokens.domain.model import ClientRejected, PermanentFailure, TemporaryFailure
from tokens.handlers.handout import hand_out
from tokens.handlers.renewal import renew


def _store_oauth(svc, expires_in=60, **fields):
    connection = Connection(
        org_id="org",
        kind="oauth",
        access_token="access-0",
        refresh_token="refresh-0",
        access_expires_at=svc.clock() + timedelta(seconds=expires_in),
        **fields,
    )
    with svc.store.locked("org") as locked:
        locked.save(connection)


def test_concurrent_handouts_share_one_refresh(fake_svc):
    _store_oauth(fake_svc)
    fake_svc.fortnox.gate = threading.Event()
    tokens = []
    threads = [
        threading.Thread(target=lambda: tokens.append(hand_out(fake_svc, "org").access_token))
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    fake_svc.fortnox.gate.set()
    for thread in threads:
        thread.join()
    assert fake_svc.fortnox.calls == [("refresh", "refresh-0")]
    assert set(tokens) == {"access-1"}


def test_the_new_refresh_token_is_used_next_time(fake_svc):
    _store_oauth(fake_svc)
    hand_out(fake_svc, "org")
    fake_svc.clock.advance(3600)
    hand_out(fake_svc, "org")
    assert [c[1] for c in fake_svc.fortnox.calls] == ["refresh-0", "refresh-1"]


def test_temporary_failures_are_retried_with_backoff_and_429_waits(fake_svc):
    _store_oauth(fake_svc)
    fake_svc.fortnox.script = [
        TemporaryFailure("Fortnox answered 503", status=503),
        TemporaryFailure("rate limited", status=429, retry_after=2),
    ]
    assert hand_out(fake_svc, "org").access_token == "access-3"
    assert len(fake_svc.pauses) == 2 and fake_svc.pauses[1] >= 2


class _Draw:
    """An rng whose every draw is the same number."""

    def __init__(self, value):
        self.value = value

    def random(self):
        return self.value


@pytest.mark.parametrize(("draw", "expected"), [(0.0, [0.25, 0.5]), (1.0, [0.5, 1.0])])
def test_retry_pauses_double_with_equal_jitter_between_half_and_all_of_the_ceiling(
    fake_svc, draw, expected
):
    _store_oauth(fake_svc)
    fake_svc.rng = _Draw(draw)
    fake_svc.fortnox.script = [TemporaryFailure("Fortnox answered 503", status=503)] * 2
    assert hand_out(fake_svc, "org").access_token == "access-3"
    assert fake_svc.pauses == expected  # the retry policy's base is half a second


def test_exhausted_retries_keep_the_valid_token_and_cool_down(fake_svc):
    _store_oauth(fake_svc)
    fake_svc.fortnox.script = [TemporaryFailure("Fortnox answered 500", status=500)] * 3
    assert hand_out(fake_svc, "org").access_token == "access-0"
    assert hand_out(fake_svc, "org").access_token == "access-0"  # cooling down: no new call
    assert len(fake_svc.fortnox.calls) == 3
    assert fake_svc.store.peek("org").health == "degraded"


def test_an_expired_token_during_cool_down_is_temporarily_unavailable(fake_svc):
    _store_oauth(fake_svc, expires_in=-1)
    fake_svc.fortnox.script = [TemporaryFailure("Fortnox answered 500", status=500)] * 3
    with pytest.raises(TemporarilyUnavailable) as unavailable:
        hand_out(fake_svc, "org")
    assert unavailable.value.retry_after >= 1


def test_invalid_grant_needs_reauthorization_with_one_event(fake_svc):
    _store_oauth(fake_svc, expires_in=-1)
    fake_svc.fortnox.script = [
        PermanentFailure("Fortnox refused", status=400, error="invalid_grant")
    ]
    for _ in range(3):
        with pytest.raises(ReauthorizationRequired):
            hand_out(fake_svc, "org")
    types = [event.type for _org, event in fake_svc.store.events]
    assert types == ["token.reauthorization_required"]
    assert len(fake_svc.fortnox.calls) == 1


def test_a_renewal_left_unfinished_is_said_to_be_interrupted_when_fortnox_refuses(fake_svc):
    _store_oauth(fake_svc, expires_in=-1, refresh_started_at=None)
    connection = fake_svc.store.peek("org")
    connection.refresh_started_at = fake_svc.clock()
    with fake_svc.store.locked("org") as locked:
        locked.save(connection)
    fake_svc.fortnox.script = [
        PermanentFailure("Fortnox refused", status=400, error="invalid_grant")
    ]
    renewed = renew(fake_svc, "org", actor="test")
    assert "interrupted" in renewed.reauthorization_reason


def test_service_accounts_use_client_credentials_never_a_refresh_token(fake_svc):
    connection = Connection(
        org_id="org",
        kind="service",
        tenant_id="900232",
        access_token="a",
        access_expires_at=fake_svc.clock() - timedelta(seconds=1),
    )
    with fake_svc.store.locked("org") as locked:
        locked.save(connection)
    assert hand_out(fake_svc, "org").access_token == "access-1"
    assert fake_svc.fortnox.calls == [("client_credentials", "900232")]
    assert fake_svc.store.peek("org").refresh_token is None


def test_the_handout_cache_serves_a_fresh_token_briefly_and_never_inside_the_margin(fake_svc):
    from tokens.adapters.cache import HandoutCache

    fake_svc.cache = HandoutCache(1.0)
    _store_oauth(fake_svc, expires_in=3600)
    first = hand_out(fake_svc, "org")
    fake_svc.store.rows.clear()  # served from memory: the store is not read again
    assert hand_out(fake_svc, "org") == first
    fake_svc.clock.advance(1.5)
    with pytest.raises(NotConnected, match="no Fortnox connection"):
        hand_out(fake_svc, "org")


def test_the_handout_cache_never_keeps_a_legacy_token(fake_svc):
    from tokens.adapters.cache import HandoutCache

    fake_svc.cache = HandoutCache(60.0)
    legacy = Connection(org_id="org", kind="legacy", legacy_token="legacy-0")
    with fake_svc.store.locked("org") as locked:
        locked.save(legacy)
    assert hand_out(fake_svc, "org").access_token == "legacy-0"
    fake_svc.store.rows.clear()  # upgraded or migrated elsewhere: the old token is dead
    with pytest.raises(NotConnected, match="no Fortnox connection"):
        hand_out(fake_svc, "org")


def test_the_handout_cache_is_dropped_by_a_renewal_in_the_same_process(fake_svc):
    from tokens.adapters.cache import HandoutCache

    fake_svc.cache = HandoutCache(60.0)
    _store_oauth(fake_svc, expires_in=400)  # outside the 300 s margin for 100 s
    assert hand_out(fake_svc, "org").access_token == "access-0"
    fake_svc.clock.advance(150)  # now inside the margin: the cache entry ended at its start
    assert hand_out(fake_svc, "org").access_token == "access-1"
    renew(fake_svc, "org", actor="test", force=True)
    assert hand_out(fake_svc, "org").access_token == "access-2"


# --- renewal acts on the class of Fortnox's answer (domain/answers.py): re-authorize flags
# the connection for "Ny Token" with its reason code, temporary backs off and keeps it,
# misconfigured (our own client refused) flags nothing and only cools down.


def _renew_failing(svc, failure):
    _store_oauth(svc)
    svc.fortnox.script = [failure] * 5
    return renew(svc, "org", actor="test", force=True)


def test_reauthorize_marks_the_connection_for_ny_token_with_its_reason_code(fake_svc):
    refusal = PermanentFailure(
        "Fortnox answered 403 to refresh", status=403, reason_code=answers.REFUSED
    )
    connection = _renew_failing(fake_svc, refusal)
    assert connection.state == "needs_reauthorization"
    assert connection.reauthorization_code == answers.REFUSED
    [(org_id, event)] = fake_svc.store.events
    assert event.type == "token.reauthorization_required"
    assert event.data["reason_code"] == answers.REFUSED
    assert len(fake_svc.fortnox.calls) == 1  # a refusal is not retried


def test_invalid_grant_keeps_its_own_reason_code(fake_svc):
    refusal = PermanentFailure("invalid_grant", error="invalid_grant", reason_code="grant_invalid")
    connection = _renew_failing(fake_svc, refusal)
    assert connection.reauthorization_code == answers.GRANT_INVALID
    assert "invalid_grant" in connection.reauthorization_reason


def test_temporary_backs_off_and_keeps_the_connection(fake_svc):
    failure = TemporaryFailure("Fortnox answered 502", status=502, reason_code=answers.UNAVAILABLE)
    connection = _renew_failing(fake_svc, failure)
    assert connection.state == "connected" and connection.health == "degraded"
    assert connection.failures == 1 and connection.cooldown_until > fake_svc.clock()
    assert connection.last_failure_code == answers.UNAVAILABLE
    assert fake_svc.store.events == []
    assert len(fake_svc.fortnox.calls) == fake_svc.settings.retry_attempts


def test_misconfigured_flags_nothing_and_cools_down_for_the_longest(fake_svc):
    refused = ClientRejected("invalid_client", status=401, error="invalid_client")
    connection = _renew_failing(fake_svc, refused)
    assert connection.state == "connected" and connection.health == "ok"
    assert connection.failures == 0 and connection.reauthorization_code is None
    assert connection.last_failure_code == answers.CLIENT_REJECTED
    longest = timedelta(seconds=fake_svc.policy.cooldown.cap)
    assert connection.cooldown_until >= fake_svc.clock() + longest / 2
    assert fake_svc.store.events == []
    assert len(fake_svc.fortnox.calls) == 1
    [(_, audit)] = [a for a in fake_svc.store.audits if a[1].action == "refresh"]
    assert audit.outcome == "client_rejected"
