"""Renewing access tokens: single-flight per connection, failures classified, never lost.

The organisation's lock is held from reading the stored refresh token until the new one is
committed, so exactly one renewal reaches Fortnox however many processes ask at once; the
others wait, then find the fresh token. Before the call, `refresh_started_at` is committed: if
the process dies during the call, the next holder knows the stored refresh token may already be
spent at Fortnox and says so if Fortnox refuses it.
"""

from collections.abc import Callable
from datetime import datetime

from tokens.domain import answers
from tokens.domain.connection import SERVICE, Connection
from tokens.domain.errors import LockUnavailable
from tokens.domain.model import (
    AuditEntry,
    ClientRejected,
    Grant,
    PermanentFailure,
    TemporaryFailure,
)
from tokens.handlers import Services

Due = Callable[[Connection, datetime], bool]

INTERRUPTED_REASON = (
    "Fortnox no longer accepts the stored refresh token: an earlier renewal was interrupted"
    ' after Fortnox may have replaced it. Connect again with "Ny Token".'
)
UNANSWERED_REASON = (
    "Fortnox no longer accepts the stored refresh token: a renewal got no answer in time and"
    ' Fortnox replaced the token without our receiving the new one. Connect again with "Ny Token".'
)


def renew(
    svc: Services,
    org_id: str,
    *,
    actor: str,
    due: Due | None = None,
    wait: bool = True,
    force: bool = False,
) -> Connection | None:
    """Renew the connection's access token if `due` says so once the lock is held (or always,
    with `force`, cool-down included). Returns the connection as it is afterwards."""
    due = due or (lambda conn, now: conn.needs_refresh(now, svc.policy))
    svc.cache.drop(org_id)
    try:
        with svc.store.locked(org_id, wait=wait) as locked:
            return _renew_locked(svc, locked, actor, due, force)
    except LockUnavailable:
        if wait:  # a try-lock that finds the lock taken is no failure: someone else renews
            svc.metrics.refresh("lock_timeout", "unknown")
        raise


def _renew_locked(svc: Services, locked, actor: str, due: Due, force: bool) -> Connection | None:
    connection = locked.load()
    if connection is None or not connection.renewable:
        return connection
    now = svc.clock()
    if not force and (connection.in_cooldown(now) or not due(connection, now)):
        return connection
    interrupted = connection.refresh_started_at is not None
    connection.begin_token_call(now)
    locked.save(connection)
    unanswered = []
    try:
        grant = with_retries(svc, lambda: obtain(svc, connection), unanswered.append)
    except TemporaryFailure as failure:
        connection.temporary_failure(failure, svc.clock(), svc.policy, svc.rng)
        locked.save(connection, audit=_audit(actor, "temporary_failure", connection, failure))
        svc.metrics.refresh(_outcome_of(failure), connection.kind)
        return connection
    except ClientRejected as failure:
        # Our own client is refused (misconfigured): the operators are alerted by the client's
        # log and metric; the customer's connection is not flagged, only cooled down.
        connection.client_refused(failure, svc.clock(), svc.policy, svc.rng)
        locked.save(connection, audit=_audit(actor, "client_rejected", connection, failure))
        svc.metrics.refresh(_outcome_of(failure), connection.kind)
        return connection
    except PermanentFailure as failure:
        if interrupted:
            reason, code = INTERRUPTED_REASON, answers.REFRESH_INTERRUPTED
        elif unanswered and connection.kind != SERVICE:
            reason, code = UNANSWERED_REASON, answers.REFRESH_UNANSWERED
        else:
            reason, code = _permanent_reason(failure), failure.reason_code
        events = connection.require_reauthorization(reason, svc.clock(), code)
        locked.save(
            connection,
            events,
            audit=_audit(actor, "needs_reauthorization", connection, failure),
        )
        svc.metrics.refresh(_outcome_of(failure), connection.kind)
        return connection
    events = connection.refreshed(grant, svc.clock(), svc.policy, svc.rng)
    detail = {"kind": connection.kind, "after_interruption": interrupted}
    locked.save(connection, events, audit=AuditEntry(actor, "refresh", "ok", detail))
    svc.metrics.refresh("refreshed", connection.kind)
    return connection


def _outcome_of(failure) -> str:
    """The `token_refresh_total` outcome of a failed renewal."""
    if isinstance(failure, ClientRejected):
        return "client_rejected"
    if isinstance(failure, TemporaryFailure):
        return "rate_limited" if failure.status == 429 else "transient_failure"
    return "invalid_grant" if failure.error == "invalid_grant" else "rejected"


def obtain(svc: Services, connection: Connection) -> Grant:
    if connection.kind == SERVICE:
        return svc.fortnox.client_credentials(connection.tenant_id)
    return svc.fortnox.refresh(connection.refresh_token)


def with_retries(
    svc: Services,
    call: Callable[[], Grant],
    on_failure: Callable[[TemporaryFailure], None] = lambda failure: None,
) -> Grant:
    """Temporary failures are retried after the `retry` policy's pause (exponential back-off
    with equal jitter); a 429 waits for its Retry-After when that is short, else gives up at
    once for the cool-down to honour."""
    settings = svc.settings
    for attempt in range(1, settings.retry_attempts + 1):
        try:
            return call()
        except TemporaryFailure as failure:
            if failure.unanswered:
                on_failure(failure)
            if attempt == settings.retry_attempts:
                raise
            pause = settings.retry.delay(attempt, svc.rng)
            if failure.retry_after is not None:
                if failure.retry_after > settings.retry_after_max_wait:
                    raise
                pause = max(pause, failure.retry_after)
            svc.sleep(pause)
    raise AssertionError("unreachable")


def _permanent_reason(failure: PermanentFailure) -> str:
    if failure.error == "invalid_grant":
        return (
            "Fortnox no longer accepts the connection's grant (invalid_grant): the consent was"
            ' withdrawn or the refresh token expired. Connect again with "Ny Token".'
        )
    return f'{failure.reason}. Connect again with "Ny Token".'


def _audit(actor: str, outcome: str, connection: Connection, failure) -> AuditEntry:
    return AuditEntry(
        actor,
        "refresh",
        outcome,
        {
            "kind": connection.kind,
            "reason": failure.reason,
            "reason_code": failure.reason_code,
            "status": failure.status,
            "failures": connection.failures,
        },
    )
