"""publish(): write an event into the service's outbox inside the caller's transaction."""

import psycopg
from psycopg.types.json import Jsonb

from servicekit.events.envelope import build
from servicekit.logs import current_correlation_id


def publish(
    conn: psycopg.Connection,
    event_type: str,
    org_id: str | None,
    data: dict,
    *,
    version: int = 1,
    correlation_id: str | None = None,
) -> dict:
    """Record the event; it is sent by the relay only if the caller's transaction commits."""
    envelope = build(
        event_type,
        org_id,
        data,
        version=version,
        correlation_id=correlation_id if correlation_id is not None else current_correlation_id(),
    )
    conn.execute(
        "INSERT INTO outbox (id, type, version, org_id, correlation_id, occurred_at, envelope)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (
            envelope["id"],
            event_type,
            version,
            org_id,
            envelope["correlation_id"],
            envelope["occurred_at"],
            Jsonb(envelope),
        ),
    )
    return envelope
