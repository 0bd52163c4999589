"""Legacy migration through Fortnox's /oauth-v1/migrate: resumable, idempotent, one at a time
per tenant, concurrency- and rate-limited, and only of connections an operator scheduled
(handlers/schedule.py) once their time has come: customers otherwise upgrade with "Ny Token".

A migration consumes the legacy token at Fortnox at once, so it follows the renewal's rule:
`migration_state = in_progress` is committed before the call and the new tokens are committed
straight after it. A run that finds `in_progress` left behind knows the legacy token may be gone.
"""

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from tokens.domain import events
from tokens.domain.connection import OAUTH
from tokens.domain.errors import LockUnavailable
from tokens.domain.model import (
    AuditEntry,
    ClientRejected,
    MigrationRefused,
    PermanentFailure,
    TemporaryFailure,
)
from tokens.handlers import Services
from tokens.handlers.connection_check import check

MIGRATED, FAILED, RETRY_LATER, SKIPPED, WOULD_MIGRATE = (
    "migrated",
    "failed",
    "retry_later",
    "skipped",
    "would_migrate",
)


def migrate_one(svc: Services, org_id: str, *, actor: str, dry_run: bool = False) -> str:
    try:
        with svc.store.locked(org_id, wait=False) as locked:
            connection = locked.load()
            # only an operator's schedule decides; it may have been lifted since the claim
            if connection is None or not connection.migration_due(svc.clock()):
                return SKIPPED
            if dry_run:
                return WOULD_MIGRATE
            interrupted = connection.migration_state == "in_progress"
            connection.migration_state = "in_progress"
            locked.save(connection)
            try:
                grant = svc.fortnox.migrate(connection.legacy_token)
            except MigrationRefused as refusal:
                reason = refusal.reason
                if interrupted and refusal.status == 404:
                    reason += "; an earlier migration of it was interrupted"
                connection.migration_state = "failed"
                changes = [events.migration_failed(refusal.status, reason)]
                changes += connection.require_reauthorization(
                    f'{reason}. Connect with "Ny Token".', svc.clock(), refusal.reason_code
                )
                detail = {"status": refusal.status, "reason": reason}
                locked.save(connection, changes, AuditEntry(actor, "migrate", FAILED, detail))
                return FAILED
            except ClientRejected:
                connection.migration_state = None  # our credentials: the tenant is untouched
                locked.save(connection)
                raise
            except (TemporaryFailure, PermanentFailure) as failure:
                connection.migration_state = None
                temporary = (
                    failure
                    if isinstance(failure, TemporaryFailure)
                    else TemporaryFailure(
                        failure.reason, status=failure.status, reason_code=failure.reason_code
                    )
                )
                connection.temporary_failure(temporary, svc.clock(), svc.policy, svc.rng)
                detail = {"reason": failure.reason, "status": failure.status}
                locked.save(connection, audit=AuditEntry(actor, "migrate", RETRY_LATER, detail))
                return RETRY_LATER
            connection.authorized(grant, OAUTH, None, svc.clock(), svc.policy, svc.rng)
            connection.revoke_pending_token = connection.revoke_pending_hint = None  # consumed
            connection.migration_state = "migrated"
            changes = [events.upgraded(connection, "migrated", None)]
            locked.save(connection, changes, AuditEntry(actor, "migrate", MIGRATED))
    except LockUnavailable:
        return SKIPPED
    _refresh_company(svc, org_id, actor)
    return MIGRATED


def _refresh_company(svc: Services, org_id: str, actor: str) -> None:
    """The tokens are safe already; company facts are a bonus a later check also brings."""
    try:
        check(svc, org_id, actor=actor)
    except Exception:  # noqa: BLE001 - never undo a migration over a company read
        pass


class RateLimiter:
    """At most `per_second` starts per second across threads (a simple spacing limiter)."""

    def __init__(self, per_second: float, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self.sleep(start - now)


def migrate_many(
    svc: Services,
    org_ids: Iterable[str],
    *,
    actor: str,
    concurrency: int = 2,
    per_second: float = 5.0,
    dry_run: bool = False,
    on_done: Callable[[str, str], None] = lambda org_id, outcome: None,
) -> dict[str, int]:
    """Migrate the given organisations; returns how many ended in each outcome. A refusal of
    our own client credentials stops the whole run: every other tenant would fail the same way."""
    limiter = RateLimiter(per_second)
    counts: dict[str, int] = {}
    stop = threading.Event()
    counting = threading.Lock()

    def one(org_id: str) -> None:
        if stop.is_set():
            return
        limiter.wait()
        try:
            outcome = migrate_one(svc, org_id, actor=actor, dry_run=dry_run)
        except ClientRejected:
            stop.set()
            raise
        with counting:
            counts[outcome] = counts.get(outcome, 0) + 1
            on_done(org_id, outcome)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = [pool.submit(one, org_id) for org_id in org_ids]
        for future in futures:
            future.result()
    return counts
