"""One pass of the refresher (the `tokens-refresher` process): renew the connections due for
it, spread under a rate limit; retry revocations of replaced tokens.

Due for the refresher (Connection.due_for_refresher) means: an idle refresh token is ageing
towards the end of its life (its keep-alive renewal, `keepalive_at`, spread with jitter when
each token is issued), a recently used connection's access token nears expiry, or a renewal was
left unfinished by a process that died.
"""

from concurrent.futures import ThreadPoolExecutor

from tokens.domain.errors import LockUnavailable
from tokens.handlers import Services
from tokens.handlers.migration import RateLimiter
from tokens.handlers.renewal import renew
from tokens.handlers.revocation import revoke_replaced

ACTOR = "refresher"


def refresher_pass(
    svc: Services, *, batch: int, concurrency: int, limiter: RateLimiter
) -> dict[str, int]:
    org_ids = svc.work.claim_due_for_refresher(svc.policy, batch)
    counts = {"claimed": len(org_ids), "renewed": 0, "skipped": 0, "failed": 0}

    def one(org_id: str) -> str:
        limiter.wait()
        try:
            before = svc.store.peek(org_id)
            after = renew(
                svc,
                org_id,
                actor=ACTOR,
                due=lambda conn, now: conn.due_for_refresher(now, svc.policy),
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
        revoke_replaced(svc, org_id, actor=ACTOR)
    return counts
