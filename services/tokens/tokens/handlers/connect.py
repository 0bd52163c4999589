"""Connect / upgrade ("Ny Token"): the authorize URL, then the callback's outcome."""

from dataclasses import dataclass, field

from tokens.domain import authorization as auth
from tokens.domain import events
from tokens.domain.connection import LEGACY, OAUTH, SERVICE, Connection
from tokens.domain.errors import InvalidRequest
from tokens.domain.model import AuditEntry, Company, FortnoxFailure
from tokens.handlers import Services
from tokens.handlers.revocation import revoke_replaced


@dataclass(frozen=True)
class Outcome:
    outcome: str
    org_id: str | None = None
    company: Company | None = None
    detail: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return auth.MESSAGES[self.outcome]


def start_connect(
    svc: Services,
    org_id: str,
    user_id: str,
    session_ref: str,
    account_type: str | None = None,
    organisation_number: str | None = None,
) -> dict:
    """Fortnox's authorize URL with a new state bound to the organisation, the user and the
    session (and the organisation's own number, checked on its first connection).

    No PKCE (RFC 7636): Fortnox's authorize and token pages document no `code_challenge` or
    `code_verifier`, and our client is confidential (the code is only exchanged with the client
    secret, server side), so an unknown parameter would at best be ignored."""
    if account_type is None:
        current = svc.store.peek(org_id)
        account_type = (
            "service" if current and current.kind == SERVICE else svc.settings.default_account_type
        )
    if account_type not in auth.ACCOUNT_TYPES:
        raise InvalidRequest("account_type must be empty or `service`.")
    state = auth.new_state()
    expires_at = svc.clock() + auth.STATE_LIFETIME
    svc.states.create(
        auth.digest(state),
        org_id,
        user_id,
        auth.digest(session_ref),
        account_type,
        expires_at,
        organisation_number,
    )
    svc.store.audit(
        org_id,
        AuditEntry(f"user:{user_id}", "connect_started", "ok", {"account_type": account_type}),
    )
    url = svc.fortnox.authorize_url(
        svc.settings.redirect_uri, svc.settings.scopes, state, account_type
    )
    return {"authorize_url": url, "expires_at": expires_at, "account_type": account_type}


def complete_connect(
    svc: Services,
    *,
    state: str | None,
    code: str | None,
    error: str | None,
    user_id: str,
    session_ref: str,
) -> Outcome:
    if not state:
        return Outcome(auth.STATE_MISSING)
    now = svc.clock()
    # judged under the state's lock, and used up only when it is this user's and session's
    pending = svc.states.consume(
        auth.digest(state), lambda found: auth.judge(found, user_id, session_ref, now) is None
    )
    refused_state = auth.judge(pending, user_id, session_ref, now)
    actor = f"user:{user_id}"
    if refused_state:
        if pending is not None:
            svc.store.audit(pending.org_id, AuditEntry(actor, "connect", refused_state))
        return Outcome(refused_state, pending.org_id if pending else None)
    org_id = pending.org_id
    if error or not code:
        outcome = auth.REFUSED if error else auth.EXCHANGE_FAILED
        detail = {"error": (error or "no code")[:100]}
        svc.store.audit(org_id, AuditEntry(actor, "connect", outcome, detail))
        return Outcome(outcome, org_id, detail=detail)
    grant = None
    try:
        grant = svc.fortnox.exchange_code(code, svc.settings.redirect_uri)
        company = svc.fortnox.company_information(grant.access_token)
    except FortnoxFailure as failure:
        if grant is not None:  # tokens of a company we could not identify are not kept
            _revoke_quietly(svc, grant.refresh_token)
        detail = {
            "reason": failure.reason,
            "status": failure.status,
            "reason_code": failure.reason_code,
        }
        svc.store.audit(org_id, AuditEntry(actor, "connect", auth.EXCHANGE_FAILED, detail))
        shown = {"reason": failure.reason, "reason_code": failure.reason_code}
        return Outcome(auth.EXCHANGE_FAILED, org_id, detail=shown)
    kind = SERVICE if pending.account_type == "service" else OAUTH
    outcome = _store(svc, pending, user_id, kind, grant, company)
    if outcome.outcome in (auth.COMPANY_MISMATCH, auth.ORGANISATION_MISMATCH):
        _revoke_quietly(svc, grant.refresh_token)
    else:
        revoke_replaced(svc, org_id, actor=actor)
    return outcome


def _store(svc: Services, pending, user_id: str, kind: str, grant, company: Company) -> Outcome:
    actor, org_id = f"user:{user_id}", pending.org_id
    svc.cache.drop(org_id)
    with svc.store.locked(org_id) as locked:
        connection = locked.load()
        known = connection.company if connection else None
        own = pending.organisation_number
        if known is None and not auth.same_organisation(own, company.organisation_number):
            detail = {"expected_organisation_number": own, "connected": _facts(company)}
            locked.audit(AuditEntry(actor, "connect", auth.ORGANISATION_MISMATCH, detail))
            return Outcome(auth.ORGANISATION_MISMATCH, org_id, company, detail)
        if known and known.database_number and known.database_number != company.database_number:
            detail = {
                "expected_database_number": known.database_number,
                "connected": _facts(company),
            }
            locked.audit(AuditEntry(actor, "connect", auth.COMPANY_MISMATCH, detail))
            return Outcome(auth.COMPANY_MISMATCH, org_id, company, detail)
        was_legacy = connection is not None and connection.kind == LEGACY
        scheduled = connection.migration_not_before if connection else None
        connection = connection or Connection(org_id=org_id, kind=kind)
        now = svc.clock()
        tenant_id = company.database_number if kind == SERVICE else None
        connection.authorized(grant, kind, tenant_id, now, svc.policy, svc.rng)
        connection.migration_state = None
        changes = connection.observe_company(company, now)
        if was_legacy:
            changes.append(events.upgraded(connection, "interactive", user_id))
            outcome = auth.UPGRADED
        else:
            changes.append(events.connected(connection, user_id))
            outcome = auth.CONNECTED
        detail = {"kind": kind, "database_number": company.database_number}
        if scheduled is not None:  # the save ends the schedule; the trail says so
            detail["migration_unscheduled"] = scheduled.isoformat()
        locked.save(connection, changes, AuditEntry(actor, "connect", outcome, detail))
    return Outcome(outcome, org_id, company, detail)


def _facts(company: Company) -> dict:
    return {
        "company_name": company.name,
        "organisation_number": company.organisation_number,
        "database_number": company.database_number,
    }


def _revoke_quietly(svc: Services, refresh_token: str | None) -> None:
    """Tokens of a refused (mismatching) company are not kept; revoke them at Fortnox. Here
    the grant is the one just made and never stored: nothing of ours can depend on it."""
    if refresh_token:
        try:
            svc.fortnox.revoke(refresh_token, "refresh_token")
        except FortnoxFailure:
            pass  # it lapses unused in 45 days; nothing of ours depends on it
