"""The organisation's Fortnox connection as the settings page shows it."""

from tokens.domain.connection import CONNECTED, KIND_LABELS, LEGACY
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
        "attention": connection.attention,
    }
