"""The outcome each renewal and hand-out reports to the operators' metrics, with fakes."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from tokens.adapters.cache import HandoutCache
from tokens.domain.connection import Connection
from tokens.domain.errors import LockUnavailable, NotConnected, ReauthorizationRequired
from tokens.domain.model import ClientRejected, PermanentFailure, TemporaryFailure
from tokens.handlers.handout import hand_out
from tokens.handlers.renewal import renew


class RecordedMetrics:
    def __init__(self):
        self.refreshes, self.handouts = [], []

    def refresh(self, outcome, kind):
        self.refreshes.append((outcome, kind))

    def handout(self, outcome):
        self.handouts.append(outcome)


@pytest.fixture
def svc(fake_svc):
    fake_svc.metrics = RecordedMetrics()
    return fake_svc


def _store(svc, kind="oauth", expires_in=-1):
    connection = Connection(
        org_id="org",
        kind=kind,
        access_token="access-0",
        refresh_token="refresh-0" if kind == "oauth" else None,
        tenant_id="900232",
        access_expires_at=svc.clock() + timedelta(seconds=expires_in),
    )
    with svc.store.locked("org") as locked:
        locked.save(connection)


@pytest.mark.parametrize(
    ("failure", "outcome"),
    [
        (TemporaryFailure("Fortnox answered 503", status=503), "transient_failure"),
        (TemporaryFailure("no answer", unanswered=True), "transient_failure"),
        (TemporaryFailure("rate limited", status=429, retry_after=60), "rate_limited"),
        (ClientRejected("our secret", status=401, error="invalid_client"), "client_rejected"),
        (PermanentFailure("refused", status=400, error="invalid_grant"), "invalid_grant"),
        (PermanentFailure("gone", status=400, error="consent_revoked"), "rejected"),
    ],
)
def test_a_failed_renewal_reports_its_class(svc, failure, outcome):
    _store(svc)
    svc.fortnox.script = [failure] * svc.settings.retry_attempts
    renew(svc, "org", actor="test")
    assert svc.metrics.refreshes == [(outcome, "oauth")]


def test_renewals_report_refreshed_with_the_grant_kind(svc):
    _store(svc, kind="service")
    renew(svc, "org", actor="test")
    renew(svc, "org", actor="test")  # not due any more: no attempt, nothing reported
    assert svc.metrics.refreshes == [("refreshed", "service")]


def test_giving_up_waiting_for_the_lock_is_a_lock_timeout_but_a_busy_try_lock_is_not(svc):
    _store(svc)

    @contextmanager
    def busy(org_id, *, wait=True):
        raise LockUnavailable(org_id)
        yield

    svc.store.locked = busy
    for wait in (True, False):
        with pytest.raises(LockUnavailable):
            renew(svc, "org", actor="test", wait=wait)
    assert svc.metrics.refreshes == [("lock_timeout", "unknown")]


def test_hand_outs_report_where_the_token_came_from(svc):
    svc.cache = HandoutCache(1.0)
    _store(svc, expires_in=-1)
    hand_out(svc, "org")  # renewed (a renewal's result is not kept in memory)
    hand_out(svc, "org")  # stored, and kept in memory for a second
    svc.clock.advance(2)
    hand_out(svc, "org")  # stored again: the memory lapsed
    hand_out(svc, "org")  # cached
    with pytest.raises(NotConnected):
        hand_out(svc, "nobody")
    assert svc.metrics.handouts == ["renewed", "stored", "stored", "cached", "not_connected"]


def test_a_hand_out_that_needs_a_new_authorization_reports_it(svc):
    _store(svc)
    svc.fortnox.script = [PermanentFailure("refused", status=400, error="invalid_grant")]
    with pytest.raises(ReauthorizationRequired):
        hand_out(svc, "org")
    assert svc.metrics.handouts == ["reauthorization_required"]
