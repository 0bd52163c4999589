"""Importing legacy tokens (operators, the demo seed): one connection per organisation, once."""

from tokens.domain.connection import LEGACY, Connection
from tokens.domain.model import AuditEntry, Company
from tokens.handlers import Services


def import_legacy(
    svc: Services, org_id: str, legacy_token: str, company: Company | None, *, actor: str
) -> bool:
    """True when imported; an organisation that already has a connection is left as it is."""
    with svc.store.locked(org_id) as locked:
        if locked.load() is not None:
            return False
        connection = Connection(org_id=org_id, kind=LEGACY, legacy_token=legacy_token)
        changes = connection.observe_company(company, svc.clock()) if company else []
        detail = {"database_number": company.database_number if company else None}
        locked.save(connection, changes, AuditEntry(actor, "import_legacy", "ok", detail))
    return True
