"""Revoking tokens at Fortnox: all of them when the customer disconnects, and the one a new
authorization replaced (kept, encrypted, until Fortnox confirms; the refresher retries)."""

from tokens.domain import events
from tokens.domain.connection import LEGACY, OAUTH, REVOKED, Connection
from tokens.domain.errors import LockUnavailable, NotConnected
from tokens.domain.model import AuditEntry, ClientRejected, FortnoxFailure, TemporaryFailure
from tokens.handlers import Services


def disconnect(svc: Services, org_id: str, *, actor: str, user_id: str | None = None) -> dict:
    """Revoke at Fortnox, erase the tokens, publish token.revoked."""
    svc.cache.drop(org_id)
    with svc.store.locked(org_id) as locked:
        connection = locked.load()
        if connection is None or connection.state == REVOKED:
            raise NotConnected("The organisation has no Fortnox connection to disconnect.")
        revoked_at_fortnox, reason = _revoke_at_fortnox(svc, connection)
        connection.erase()
        connection.state = REVOKED
        connection.health = "ok"
        connection.reauthorization_reason = None
        changes = [events.revoked(connection, user_id, revoked_at_fortnox)]
        detail = {"revoked_at_fortnox": revoked_at_fortnox, "reason": reason}
        locked.save(connection, changes, AuditEntry(actor, "disconnect", "ok", detail))
    return {"state": REVOKED, "revoked_at_fortnox": revoked_at_fortnox, "reason": reason}


def _revoke_at_fortnox(svc: Services, connection: Connection) -> tuple[bool, str]:
    if connection.kind == OAUTH and connection.refresh_token:
        token, hint = connection.refresh_token, "refresh_token"
    elif connection.kind == LEGACY and connection.legacy_token:
        token, hint = connection.legacy_token, "access_token"
    else:
        return False, "nothing to revoke at Fortnox (service-account consent is the customer's)"
    try:
        svc.fortnox.revoke(token, hint)
        return True, "revoked at Fortnox"
    except FortnoxFailure as failure:
        return False, failure.reason


def revoke_replaced(svc: Services, org_id: str, *, actor: str) -> bool:
    """Revoke a replaced token at Fortnox; on failure it stays for the refresher to retry."""
    try:
        with svc.store.locked(org_id, wait=False) as locked:
            connection = locked.load()
            if connection is None or not connection.revoke_pending_token:
                return False
            hint = connection.revoke_pending_hint or "refresh_token"
            detail = {"hint": hint, "token": "legacy" if hint == "access_token" else "refresh"}
            outcome = "ok"
            try:
                svc.fortnox.revoke(connection.revoke_pending_token, hint)
            except (TemporaryFailure, ClientRejected) as failure:
                # Fortnox (or our own client credentials) may work later: keep it to retry.
                detail |= {"reason": failure.reason, "status": failure.status}
                locked.audit(AuditEntry(actor, "revoke_replaced", "retry_later", detail))
                return False
            except FortnoxFailure as failure:
                # Fortnox refuses for good: nothing more we can do there. Our copy goes anyway,
                # and the trail says plainly that the token was not revoked at Fortnox.
                outcome = "not_revoked_at_fortnox"
                detail |= {"reason": failure.reason, "status": failure.status, "erased": True}
            connection.revoke_pending_token = connection.revoke_pending_hint = None
            locked.save(connection, audit=AuditEntry(actor, "revoke_replaced", outcome, detail))
            return outcome == "ok"
    except LockUnavailable:
        return False
