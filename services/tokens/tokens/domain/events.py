"""The events a connection publishes. Never a token in them."""

from datetime import datetime

from tokens.domain.model import Event


def _company(connection) -> dict:
    company = connection.company
    return {
        "company_name": company.name if company else None,
        "organisation_number": company.organisation_number if company else None,
        "database_number": company.database_number if company else None,
    }


def connected(connection, user_id: str | None) -> Event:
    return Event(
        "token.connected",
        {"kind": connection.kind, "scopes": connection.scopes, "connected_by": user_id}
        | _company(connection),
    )


def upgraded(connection, method: str, user_id: str | None) -> Event:
    return Event(
        "token.upgraded",
        {
            "method": method,
            "kind": connection.kind,
            "previous_kind": "legacy",
            "scopes": connection.scopes,
            "upgraded_by": user_id,
        }
        | _company(connection),
    )


def reauthorization_required(connection, reason: str, reason_code: str) -> Event:
    return Event(
        "token.reauthorization_required",
        {"kind": connection.kind, "reason": reason, "reason_code": reason_code},
    )


def recovered(connection, failures: int, failed_since: datetime | None) -> Event:
    return Event(
        "token.recovered",
        {"kind": connection.kind, "failures": failures, "failing_since": failed_since},
    )


def migration_failed(status: int | None, reason: str) -> Event:
    return Event(
        "token.migration_failed",
        {"status": status, "reason": reason, "reason_code": "migration_refused"},
    )


def revoked(connection, user_id: str | None, revoked_at_fortnox: bool) -> Event:
    return Event(
        "token.revoked",
        {"kind": connection.kind, "revoked_by": user_id, "revoked_at_fortnox": revoked_at_fortnox},
    )


def company_updated(connection) -> Event:
    return Event(
        "company.updated",
        _company(connection)
        | {"version": connection.company_version, "observed_at": connection.company_observed_at},
    )
