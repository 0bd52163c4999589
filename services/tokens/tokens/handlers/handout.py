"""Hand-out: a valid access token for other services, never the refresh token."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from tokens.domain.connection import CONNECTED
from tokens.domain.errors import (
    LockUnavailable,
    NotConnected,
    ReauthorizationRequired,
    TemporarilyUnavailable,
)
from tokens.handlers import Services
from tokens.handlers.renewal import renew

_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class HandedOut:
    access_token: str
    kind: str
    expires_at: datetime | None


def hand_out(svc: Services, org_id: str) -> HandedOut:
    try:
        handed, outcome = _hand_out(svc, org_id)
    except NotConnected:
        svc.metrics.handout("not_connected")
        raise
    except ReauthorizationRequired:
        svc.metrics.handout("reauthorization_required")
        raise
    except TemporarilyUnavailable:
        svc.metrics.handout("unavailable")
        raise
    svc.metrics.handout(outcome)
    return handed


def _hand_out(svc: Services, org_id: str) -> tuple[HandedOut, str]:
    """The token and where it came from: cached, stored or renewed."""
    now = svc.clock()
    cached = svc.cache.get(org_id, now)
    if cached is not None:
        return cached, "cached"
    connection = svc.store.peek_handout(org_id)
    if connection is None:
        raise NotConnected("The organisation has no Fortnox connection.")
    if connection.last_used_at is None or connection.last_used_at < now - _TOUCH_EVERY:
        svc.store.touch(org_id)
    if connection.state == CONNECTED and not connection.needs_refresh(now, svc.policy):
        if connection.access_valid(now):
            handed = _handed(connection)
            # A legacy token dies at Fortnox the moment another process upgrades or migrates
            # it, so only OAuth access tokens (valid until they expire) are kept in memory.
            if connection.kind != "legacy":
                margin_start = connection.access_expires_at - svc.policy.refresh_margin
                svc.cache.put(org_id, handed, now, margin_start)
            return handed, "stored"
    if connection.state != CONNECTED:
        raise ReauthorizationRequired(_why(connection))
    try:
        renewed = renew(svc, org_id, actor="hand-out")
    except LockUnavailable:
        renewed = connection  # waited long enough: a still-valid token is better than none
    if renewed is None:
        raise NotConnected("The organisation has no Fortnox connection.")
    now = svc.clock()
    if renewed.access_valid(now):
        return _handed(renewed), "renewed"
    if renewed.state != CONNECTED:
        raise ReauthorizationRequired(_why(renewed))
    retry_after = (
        max((renewed.cooldown_until - now).total_seconds(), 1.0) if renewed.cooldown_until else 5.0
    )
    raise TemporarilyUnavailable(
        f"Fortnox cannot renew the access token right now ({renewed.last_failure_reason}).",
        retry_after=retry_after,
    )


def _handed(connection) -> HandedOut:
    return HandedOut(
        connection.handed_out_token(),
        connection.kind,
        None if connection.kind == "legacy" else connection.access_expires_at,
    )


def _why(connection) -> str:
    if connection.reauthorization_reason:
        return connection.reauthorization_reason
    if connection.state == "revoked":
        return 'The Fortnox connection was disconnected; connect again with "Ny Token".'
    return 'The Fortnox connection needs a new authorization ("Ny Token").'
