"""Renewal acts on the class of Fortnox's answer (domain/answers.py): re-authorize flags the
connection for "Ny Token" with its reason code, temporary backs off and keeps it, misconfigured
(our own client refused) flags nothing and only cools down."""

from datetime import timedelta

from tokens.domain import answers
from tokens.domain.connection import Connection
from tokens.domain.model import ClientRejected, PermanentFailure, TemporaryFailure
from tokens.handlers.renewal import renew


def _store_oauth(svc) -> None:
    connection = Connection(
        org_id="org",
        kind="oauth",
        access_token="access-0",
        refresh_token="refresh-0",
        access_expires_at=svc.clock() + timedelta(seconds=60),
    )
    with svc.store.locked("org") as locked:
        locked.save(connection)


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
    refusal = PermanentFailure("invalid_grant", code="invalid_grant", reason_code="grant_invalid")
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
    refused = ClientRejected("invalid_client", status=401, code="invalid_client")
    connection = _renew_failing(fake_svc, refused)
    assert connection.state == "connected" and connection.health == "ok"
    assert connection.failures == 0 and connection.reauthorization_code is None
    assert connection.last_failure_code == answers.CLIENT_REJECTED
    assert connection.cooldown_until >= fake_svc.clock() + fake_svc.policy.cooldown_max / 2
    assert fake_svc.store.events == []
    assert len(fake_svc.fortnox.calls) == 1
    [(_, audit)] = [a for a in fake_svc.store.audits if a[1].action == "refresh"]
    assert audit.outcome == "client_rejected"
