"""Status, check ("Kontrollera koppling till Fortnox"), disconnect, and the small chores around
them: revoking replaced tokens and moving a connection to a service account."""

from dataclasses import dataclass

from tokens.domain import answers, events
from tokens.domain.connection import (
    CONNECTED,
    KIND_LABELS,
    LEGACY,
    OAUTH,
    REVOKED,
    SERVICE,
    Connection,
)
from tokens.domain.errors import (
    InvalidRequest,
    LockUnavailable,
    NotConnected,
    ReauthorizationRequired,
    TemporarilyUnavailable,
)
from tokens.domain.model import (
    AuditEntry,
    ClientRejected,
    Company,
    FortnoxFailure,
    PermanentFailure,
    TemporaryFailure,
    Unauthorized,
    tenant_id_of,
)
from tokens.handlers import Services


def status(svc: Services, org_id: str) -> dict:
    """What the settings page shows about the organisation's Fortnox connection."""
    connection = svc.store.peek(org_id)
    if connection is None:
        return {"org_id": org_id, "state": "not_connected", "connected": False}
    now = svc.clock()
    company = connection.company
    interrupted = (
        connection.refresh_started_at is not None
        and connection.refresh_started_at < now - svc.policy.interrupted_after
    )
    return {
        "org_id": org_id,
        "connected": connection.state == CONNECTED,
        "kind": connection.kind,
        "token_type": KIND_LABELS[connection.kind],
        "legacy": connection.kind == LEGACY,
        "access_token_valid": connection.state == CONNECTED
        and (connection.access_valid(now) or connection.renewable),
        "access_token_expires_at": connection.access_expires_at,
        "company_name": company.name if company else None,
        "organisation_number": company.organisation_number if company else None,
        "database_number": company.database_number if company else None,
        "state": connection.state,
        "health": "interrupted" if interrupted else connection.health,
        "last_refresh_at": connection.last_refresh_at,
        "refresh_token_issued_at": connection.refresh_issued_at,
        "last_failure_at": connection.last_failure_at,
        "last_failure_reason": connection.last_failure_reason,
        "reauthorization_reason": connection.reauthorization_reason,
        "reauthorization_code": connection.reauthorization_code,
        "last_failure_code": connection.last_failure_code,
        "migration_state": connection.migration_state,
        "scopes": connection.scopes,
    }


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    reason: str
    company: Company | None
    # "ok", "not_connected", or a reason code of domain/answers.py: what the page tells
    reason_code: str = "ok"

    @property
    def klass(self) -> str:
        if self.reason_code in ("ok", NOT_CONNECTED):
            return self.reason_code
        return answers.class_of(self.reason_code) or answers.TEMPORARY


NOT_CONNECTED = "not_connected"


def check(svc: Services, org_id: str, *, actor: str) -> CheckResult:
    """Read /3/companyinformation with a valid token; keep the company facts up to date. What
    Fortnox answered decides by its class: re-authorize flags the connection for "Ny Token",
    temporary and misconfigured leave it as it is (misconfigured alerts the operators)."""
    try:
        company = _company_information(svc, org_id, actor)
    except NotConnected:
        return _checked(svc, org_id, actor, "The organisation has no Fortnox connection.")
    except (ReauthorizationRequired, TemporarilyUnavailable) as exc:
        return _checked(svc, org_id, actor, exc.message, _stored_code(svc, org_id))
    except (Unauthorized, PermanentFailure) as failure:
        return _rejected(svc, org_id, actor, failure)
    except FortnoxFailure as failure:  # temporary, or misconfigured (ClientRejected)
        reason = f"Fortnox could not be asked right now: {failure.reason}."
        return _checked(svc, org_id, actor, reason, failure.reason_code)
    with svc.store.locked(org_id) as locked:
        connection = locked.load()
        changes = connection.observe_company(company, svc.clock()) if connection else []
        if connection:
            locked.save(connection, changes, AuditEntry(actor, "check", "ok"))
    return CheckResult(True, "Fortnox answered with the company's information.", company)


def _company_information(svc: Services, org_id: str, actor: str) -> Company:
    from tokens.handlers.handout import hand_out
    from tokens.handlers.renewal import renew

    token = hand_out(svc, org_id)
    try:
        return svc.fortnox.company_information(token.access_token, legacy=token.kind == LEGACY)
    except Unauthorized:
        if token.kind == LEGACY:
            raise
        renew(svc, org_id, actor=actor, force=True)  # rejected early: renew once, try again
        token = hand_out(svc, org_id)
        return svc.fortnox.company_information(token.access_token)


def _stored_code(svc: Services, org_id: str) -> str:
    """Why hand-out refused: the reason code the connection keeps."""
    connection = svc.store.peek(org_id)
    if connection is None or connection.state == REVOKED:
        return NOT_CONNECTED
    if connection.state != CONNECTED:
        return connection.reauthorization_code or answers.REFUSED
    return connection.last_failure_code or answers.UNAVAILABLE


def _rejected(svc: Services, org_id: str, actor: str, failure: FortnoxFailure) -> CheckResult:
    code = failure.reason_code or answers.AUTHENTICATION_FAILED
    reason = f'{failure.reason}. Connect again with "Ny Token".'
    with svc.store.locked(org_id) as locked:
        connection = locked.load()
        if connection is not None:
            changes = connection.require_reauthorization(reason, svc.clock(), code)
            detail = {"reason": failure.reason, "reason_code": code}
            locked.save(connection, changes, AuditEntry(actor, "check", "rejected", detail))
    return CheckResult(False, reason, None, code)


def _checked(
    svc: Services, org_id: str, actor: str, reason: str, code: str = NOT_CONNECTED
) -> CheckResult:
    detail = {"reason": reason, "reason_code": code}
    svc.store.audit(org_id, AuditEntry(actor, "check", "failed", detail))
    return CheckResult(False, reason, None, code)


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


def revoke_pending(svc: Services, org_id: str, *, actor: str) -> bool:
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


def move_to_service_account(svc: Services, org_id: str, *, actor: str) -> dict:
    """Move a refresh-token connection to client credentials, without the customer: Fortnox
    creates the service-account consent itself (with the scopes of the existing token); we
    prove it with one client-credentials call, then stop holding a refresh token at all.

    The refresh token is erased, not revoked: Fortnox does not document whether revoking it
    would end the customer's authorization and the new consent with it, and nobody holds it
    any more, so it lapses unused within 45 days. Nothing changes when the call fails."""
    from tokens.handlers.renewal import with_retries

    svc.cache.drop(org_id)
    with svc.store.locked(org_id) as locked:
        connection = locked.load()
        if connection is not None and connection.state == CONNECTED and connection.kind == SERVICE:
            return {"kind": SERVICE, "tenant_id": connection.tenant_id, "moved": False}
        if connection is None or connection.state != CONNECTED or connection.kind != OAUTH:
            raise InvalidRequest("Only a connected OAuth (refresh-token) connection can be moved.")
        tenant_id = _tenant_of(svc, connection)
        grant = with_retries(svc, lambda: svc.fortnox.client_credentials(tenant_id))
        connection.refresh_token = None  # not "replaced": see above, nothing to revoke later
        connection.authorized(grant, SERVICE, tenant_id, svc.clock(), svc.policy, svc.rng)
        detail = {"tenant_id": tenant_id, "from": OAUTH, "refresh_token": "erased"}
        locked.save(connection, audit=AuditEntry(actor, "move_to_service_account", "ok", detail))
    return {"kind": SERVICE, "tenant_id": tenant_id, "moved": True}


def _tenant_of(svc: Services, connection: Connection) -> str:
    tenant = connection.tenant_id or (
        connection.access_token and tenant_id_of(connection.access_token)
    )
    tenant = tenant or (connection.company.database_number if connection.company else None)
    if not tenant:
        raise InvalidRequest("The connection's Fortnox tenant id is unknown; run a check first.")
    return tenant
