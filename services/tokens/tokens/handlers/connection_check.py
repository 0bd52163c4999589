"""Check the connection ("Kontrollera koppling till Fortnox"): read the company's information
from Fortnox with a valid token, and keep the company facts up to date."""

from dataclasses import dataclass

from tokens.domain import answers
from tokens.domain.connection import CONNECTED, LEGACY, REVOKED
from tokens.domain.errors import NotConnected, ReauthorizationRequired, TemporarilyUnavailable
from tokens.domain.model import (
    AuditEntry,
    Company,
    FortnoxFailure,
    PermanentFailure,
    Unauthorized,
)
from tokens.handlers import Services
from tokens.handlers.handout import hand_out
from tokens.handlers.renewal import renew


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
