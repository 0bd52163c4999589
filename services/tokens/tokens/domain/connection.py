"""A company's Fortnox connection and the rules of its life: refresh, failure, recovery, revoke."""

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from servicekit import backoff

from tokens.domain import answers, events
from tokens.domain.model import Company, Event, FortnoxFailure, Grant, TemporaryFailure

LEGACY, OAUTH, SERVICE = "legacy", "oauth", "service"
CONNECTED, NEEDS_REAUTHORIZATION, REVOKED = "connected", "needs_reauthorization", "revoked"
OK, REFRESHING, DEGRADED = "ok", "refreshing", "degraded"

KIND_LABELS = {LEGACY: "Access Token", OAUTH: "OAuth", SERVICE: "OAuth"}
# Why a connection needs the customer ("Ny Token"); None: it does not.
REAUTHORIZATION, MIGRATION_REFUSED, LEGACY_TOKEN = "reauthorization", "migration_refused", "legacy"

# After a failed renewal the connection rests before the next try: half a minute after the
# first failure, doubling up to a quarter of an hour (base from TOKENS_COOLDOWN_SECONDS).
COOLDOWN = backoff.Policy(base=30.0, cap=15 * 60.0)
_LONGEST = 64  # failures in a row: past the cap of any cool-down policy


@dataclass(frozen=True)
class Policy:
    """The timing rules, from configuration."""

    refresh_margin: timedelta = timedelta(minutes=5)
    # an idle connection renews within 20 days: inside both 31 and 45 days, the refresh
    # token's life on Fortnox's older and newer pages
    keepalive_after: timedelta = timedelta(days=17)
    keepalive_spread: timedelta = timedelta(days=3)
    hot_window: timedelta = timedelta(hours=1)
    cooldown: backoff.Policy = COOLDOWN
    interrupted_after: timedelta = timedelta(minutes=1)


@dataclass
class Connection:
    org_id: str
    kind: str
    state: str = CONNECTED
    health: str = OK
    access_token: str | None = None
    refresh_token: str | None = None
    legacy_token: str | None = None
    access_expires_at: datetime | None = None
    refresh_issued_at: datetime | None = None
    scopes: str = ""
    tenant_id: str | None = None
    company: Company | None = None
    company_version: int = 0
    company_observed_at: datetime | None = None
    last_refresh_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_failure_reason: str | None = None
    last_failure_code: str | None = None  # a reason code of domain/answers.py
    reauthorization_reason: str | None = None
    reauthorization_code: str | None = None
    failures: int = 0
    cooldown_until: datetime | None = None
    refresh_started_at: datetime | None = None
    migration_state: str | None = None
    revoke_pending_token: str | None = None
    revoke_pending_hint: str | None = None
    keepalive_at: datetime | None = None
    last_used_at: datetime | None = None
    # an operator's schedule: the migrator may migrate this legacy connection from then on
    migration_not_before: datetime | None = None

    # --- questions -------------------------------------------------------------------------

    @property
    def renewable(self) -> bool:
        return self.state == CONNECTED and (
            self.kind == SERVICE or (self.kind == OAUTH and self.refresh_token is not None)
        )

    @property
    def migratable(self) -> bool:
        """A legacy token Fortnox's /oauth-v1/migrate could turn into OAuth tokens."""
        return self.kind == LEGACY and self.state == CONNECTED and self.legacy_token is not None

    def migration_due(self, now: datetime) -> bool:
        """An operator scheduled its migration and the time has come."""
        return (
            self.migratable
            and self.migration_not_before is not None
            and self.migration_not_before <= now
        )

    def migration_refusal(self) -> str | None:
        """Why an operator cannot schedule its migration (None: they can)."""
        if self.migratable:
            return None
        if self.state == NEEDS_REAUTHORIZATION:
            return f'needs re-authorization, which only "Ny Token" gives ({self.reauthorization_reason})'
        if self.state == REVOKED:
            return "is disconnected"
        if self.kind != LEGACY:
            return f"already uses OAuth ({self.kind}): nothing to migrate"
        return "has no legacy token"

    @property
    def attention(self) -> str | None:
        """Why the customer must act (REAUTHORIZATION, MIGRATION_REFUSED, LEGACY_TOKEN), or
        None. A connection the customer disconnected needs nothing: they chose it."""
        if self.state == NEEDS_REAUTHORIZATION:
            return MIGRATION_REFUSED if self.migration_state == "failed" else REAUTHORIZATION
        if self.state == CONNECTED and self.kind == LEGACY:
            return LEGACY_TOKEN
        return None

    @property
    def attention_detail(self) -> str | None:
        if self.state == NEEDS_REAUTHORIZATION:
            return self.reauthorization_reason
        return None

    def access_valid(self, now: datetime, within: timedelta = timedelta(0)) -> bool:
        if self.kind == LEGACY:
            return self.state == CONNECTED and self.legacy_token is not None
        return (
            self.state == CONNECTED
            and self.access_token is not None
            and self.access_expires_at is not None
            and self.access_expires_at > now + within
        )

    def needs_refresh(self, now: datetime, policy: Policy) -> bool:
        """A hand-out must renew first: the access token is within the margin of expiry."""
        return self.renewable and not self.access_valid(now, policy.refresh_margin)

    def due_for_refresher(self, now: datetime, policy: Policy) -> bool:
        """The refresher should renew: refresh token ageing, a hot token near expiry, or a
        refresh some process left unfinished."""
        if not self.renewable:
            return False
        if self.refresh_started_at is not None:
            return True
        if self.kind == OAUTH and self.keepalive_at is not None and self.keepalive_at <= now:
            return True
        hot = self.last_used_at is not None and self.last_used_at >= now - policy.hot_window
        return hot and not self.access_valid(now, policy.refresh_margin * 2)

    def in_cooldown(self, now: datetime) -> bool:
        return self.cooldown_until is not None and self.cooldown_until > now

    def handed_out_token(self) -> str | None:
        return self.legacy_token if self.kind == LEGACY else self.access_token

    # --- changes ---------------------------------------------------------------------------

    def begin_token_call(self, now: datetime) -> None:
        self.refresh_started_at = now
        self.health = REFRESHING

    def refreshed(self, grant: Grant, now: datetime, policy: Policy, rng=random) -> list[Event]:
        """Store a renewed grant; recovery from a failure is an event of its own."""
        recovering = self.failures > 0 or self.health == DEGRADED
        failed_since, failures = self.last_failure_at, self.failures
        self._store_grant(grant, now, policy, rng)
        self.refresh_started_at = None
        self.health = OK
        self.failures = 0
        self.cooldown_until = None
        self.last_failure_code = None
        if recovering:
            return [events.recovered(self, failures, failed_since)]
        return []

    def temporary_failure(
        self, failure: TemporaryFailure, now: datetime, policy: Policy, rng=random
    ) -> None:
        """Leave the connection usable; cool down (with jitter) so it cannot storm Fortnox."""
        self.refresh_started_at = None
        self.failures += 1
        self.health = DEGRADED
        self.last_failure_at = now
        self.last_failure_reason = failure.reason
        self.last_failure_code = failure.reason_code
        self.cooldown_until = now + cooldown(self.failures, policy, failure.retry_after, rng)

    def client_refused(self, failure: FortnoxFailure, now: datetime, policy: Policy, rng=random):
        """Fortnox refuses our own client (class misconfigured): the operators are alerted; the
        customer's connection keeps its state and health, and waits the longest cool-down so
        it does not hammer Fortnox with credentials it refuses."""
        self.refresh_started_at = None
        if self.health == REFRESHING:
            self.health = DEGRADED if self.failures else OK
        self.last_failure_at = now
        self.last_failure_reason = failure.reason
        self.last_failure_code = failure.reason_code
        self.cooldown_until = now + cooldown(_LONGEST, policy, None, rng)

    def require_reauthorization(
        self, reason: str, now: datetime, code: str = answers.REFUSED
    ) -> list[Event]:
        if self.state == NEEDS_REAUTHORIZATION:
            return []
        self.state = NEEDS_REAUTHORIZATION
        self.health = NEEDS_REAUTHORIZATION
        self.migration_not_before = None
        self.refresh_started_at = None
        self.reauthorization_reason = reason
        self.reauthorization_code = code
        self.last_failure_at = now
        self.last_failure_reason = reason
        self.last_failure_code = code
        self.cooldown_until = None
        return [events.reauthorization_required(self, reason, code)]

    def authorized(
        self,
        grant: Grant,
        kind: str,
        tenant_id: str | None,
        now: datetime,
        policy: Policy,
        rng=random,
    ) -> None:
        """New tokens from an interactive authorization or a migration replace the old ones.

        A replaced legacy token is kept (encrypted) until revoked at Fortnox: its revoke page
        says revoking one ends that token. A replaced refresh token is erased, not revoked:
        Fortnox documents only that revoking a refresh token stops new access tokens being
        created, not whether that ends just its own chain or the whole authorization of our
        client at the tenant, which "Ny Token" has just renewed. Revoking it could cut the new
        connection; dropped unused, it lapses at Fortnox by itself within the refresh token's
        life (the same reasoning as moving to a service account, handlers/service_account.py)."""
        if self.legacy_token:
            self.revoke_pending_token = self.legacy_token
            self.revoke_pending_hint = "access_token"
        self.kind = kind
        self.tenant_id = tenant_id or self.tenant_id
        self.legacy_token = None
        self.migration_not_before = None
        if kind == SERVICE:
            grant = replace(grant, refresh_token=None)
        self._store_grant(grant, now, policy, rng)
        self.state = CONNECTED
        self.health = OK
        self.failures = 0
        self.cooldown_until = None
        self.reauthorization_reason = self.reauthorization_code = None
        self.refresh_started_at = None

    def observe_company(self, company: Company, now: datetime) -> list[Event]:
        """Company facts as Fortnox reports them; an update only when something changed."""
        self.company_observed_at = now
        if company == self.company:
            return []
        self.company = company
        self.company_version += 1
        return [events.company_updated(self)]

    def erase(self) -> None:
        self.access_token = self.refresh_token = self.legacy_token = None
        self.migration_not_before = None
        self.revoke_pending_token = self.revoke_pending_hint = None
        self.access_expires_at = self.refresh_issued_at = self.keepalive_at = None
        self.refresh_started_at = None
        self.cooldown_until = None

    def _store_grant(self, grant: Grant, now: datetime, policy: Policy, rng) -> None:
        self.access_token = grant.access_token
        self.access_expires_at = now + timedelta(seconds=grant.expires_in)
        self.scopes = grant.scope or self.scopes
        self.last_refresh_at = now
        if grant.refresh_token is not None:
            self.refresh_token = grant.refresh_token
            self.refresh_issued_at = now
            spread = rng.random() * policy.keepalive_spread.total_seconds()
            self.keepalive_at = now + policy.keepalive_after + timedelta(seconds=spread)
        elif self.kind == SERVICE:
            self.refresh_token = None
            self.refresh_issued_at = None
            self.keepalive_at = None


def cooldown(
    failures: int, policy: Policy, retry_after: float | None = None, rng=random
) -> timedelta:
    """The cool-down policy's delay (equal jitter), never shorter than Fortnox's Retry-After."""
    seconds = policy.cooldown.delay(failures, rng)
    if retry_after is not None:
        seconds = max(seconds, retry_after)
    return timedelta(seconds=seconds)
