"""One pass of the refresher: renew what is due, spread under a rate limit; retry revocations.

Due means: the refresh token is ageing towards Fortnox's 45 days (`keepalive_at`, spread with
jitter when each token is issued), a recently used connection's access token nears expiry, or
a renewal was left unfinished by a process that died.
"""

from concurrent.futures import ThreadPoolExecutor

from tokens.domain.errors import LockUnavailable
from tokens.handlers import Services
from tokens.handlers.lifecycle import revoke_pending
from tokens.handlers.migration import RateLimiter
from tokens.handlers.renewal import renew

ACTOR = "refresher"


def refresh_due(
    svc: Services, *, batch: int, concurrency: int, limiter: RateLimiter
) -> dict[str, int]:
    org_ids = svc.work.claim_due_refreshes(svc.policy, batch)
    counts = {"claimed": len(org_ids), "renewed": 0, "skipped": 0, "failed": 0}

    def one(org_id: str) -> str:
        limiter.wait()
        try:
            before = svc.store.peek(org_id)
            after = renew(
                svc,
                org_id,
                actor=ACTOR,
                due=lambda conn, now: conn.due_for_keepalive(now, svc.policy),
                wait=False,
            )
        except LockUnavailable:
            return "skipped"  # someone else is renewing it right now
        if after is None or before is None:
            return "skipped"
        if after.last_refresh_at != before.last_refresh_at:
            return "renewed"
        # a refusal of our own client changes neither failures nor state, only the last failure
        failed = (
            after.failures > before.failures
            or after.state != before.state
            or after.last_failure_at != before.last_failure_at
        )
        return "failed" if failed else "skipped"

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for outcome in pool.map(one, org_ids):
            counts[outcome] += 1
    for org_id in svc.work.pending_revocations(batch):
        revoke_pending(svc, org_id, actor=ACTOR)
    return counts
