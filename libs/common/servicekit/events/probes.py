"""probe.recorded events for the event bus's own tests and benchmark: write, apply, read back.

The probe database (migrated from probe_migrations/) has the kit's outbox and inbox plus
probe_applied, where the probe handler records every application of an event.
"""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from servicekit.events.outbox import publish

PROBE_MIGRATIONS = Path(__file__).parent / "probe_migrations"


def probe_envelope(seq: int = 1, org_id: str = "org-a", **changes) -> dict:
    """A probe.recorded envelope as a relay sends it; `changes` replace any of its fields."""
    envelope = {
        "id": str(uuid.uuid4()),
        "type": "probe.recorded",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "org_id": org_id,
        "correlation_id": "corr-test",
        "data": {"seq": seq},
    }
    envelope.update(changes)
    return envelope


def record_probe(conn: psycopg.Connection, envelope: dict) -> None:
    """The probe handler: one probe_applied row per application (duplicates stay visible)."""
    conn.execute(
        "INSERT INTO probe_applied (event_id, org_id, seq, occurred_at) VALUES (%s, %s, %s, %s)",
        (envelope["id"], envelope["org_id"], envelope["data"]["seq"], envelope["occurred_at"]),
    )


def write_probes(
    database_url: str, org_ids: list[str], per_org: int, *, start: int = 0, on_commit=None
) -> list[dict]:
    """Commit probe.recorded events one transaction each, the organisations interleaved."""
    written = []
    with psycopg.connect(database_url) as conn:
        for seq in range(start, start + per_org):
            for org_id in org_ids:
                with conn.transaction():
                    envelope = publish(conn, "probe.recorded", org_id, {"seq": seq})
                written.append(envelope)
                if on_commit is not None:
                    on_commit(envelope)
    return written


def applied(database_url: str) -> list[tuple[str, str, int, timedelta]]:
    """(event_id, org_id, seq, lag) of every application, in the order they were applied."""
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT event_id::text, org_id, seq, applied_at - occurred_at"
            " FROM probe_applied ORDER BY n"
        ).fetchall()


def applied_count(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM probe_applied").fetchone()[0]


def outbox_counts(database_url: str) -> tuple[int, int]:
    """(sent, pending) rows of the outbox."""
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT count(*) FILTER (WHERE sent_at IS NOT NULL),"
            " count(*) FILTER (WHERE sent_at IS NULL) FROM outbox"
        ).fetchone()


def out_of_order(rows: list[tuple]) -> list[str]:
    """Organisations whose events were first applied out of their seq order."""
    last: dict[str, int] = {}
    seen: set[str] = set()
    bad = []
    for event_id, org_id, seq, _lag in rows:
        if event_id in seen:
            continue
        seen.add(event_id)
        if seq < last.get(org_id, -1):
            bad.append(org_id)
        last[org_id] = seq
    return sorted(set(bad))
