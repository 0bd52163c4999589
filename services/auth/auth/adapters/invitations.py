"""SQL of invitations, on the caller's connection and inside the caller's transaction."""

import uuid
from datetime import datetime

from psycopg import Connection

from auth.domain.invitations import Invitation

_COLUMNS = "id, org_id, email, name, created_at, expires_at, outcome"


def _invitation(row: dict | None) -> Invitation | None:
    return Invitation(**row) if row else None


def insert(
    conn: Connection,
    *,
    org_id: str,
    email: str,
    name: str,
    invited_by: str,
    token_hash: bytes,
    now: datetime,
    expires_at: datetime,
) -> str:
    invitation_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO invitations (id, org_id, email, name, invited_by, token_hash, created_at,"
        " expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (invitation_id, org_id, email, name, invited_by, token_hash, now, expires_at),
    )
    return invitation_id


def by_token(conn: Connection, token_hash: bytes) -> Invitation | None:
    """The invitation of a link, locked until the transaction ends."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM invitations WHERE token_hash = %s FOR UPDATE", (token_hash,)
    ).fetchone()
    return _invitation(row)


def pending_of_org(conn: Connection, org_id: str, now: datetime) -> list[Invitation]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM invitations WHERE org_id = %s AND outcome IS NULL"
        " AND expires_at > %s ORDER BY name, email",
        (org_id, now),
    ).fetchall()
    return [Invitation(**row) for row in rows]


def end(conn: Connection, invitation_id: str, outcome: str, now: datetime) -> bool:
    """Close a pending invitation; False when it was closed already."""
    cursor = conn.execute(
        "UPDATE invitations SET outcome = %s, ended_at = %s WHERE id = %s AND outcome IS NULL",
        (outcome, now, invitation_id),
    )
    return cursor.rowcount == 1


def withdraw_open(conn: Connection, org_id: str, email: str, now: datetime) -> None:
    """A new invitation of the same address replaces the open one (its link stops working)."""
    conn.execute(
        "UPDATE invitations SET outcome = 'withdrawn', ended_at = %s"
        " WHERE org_id = %s AND lower(email) = lower(%s) AND outcome IS NULL",
        (now, org_id, email),
    )


def withdraw(conn: Connection, org_id: str, invitation_id: str, now: datetime) -> bool:
    cursor = conn.execute(
        "UPDATE invitations SET outcome = 'withdrawn', ended_at = %s"
        " WHERE id = %s AND org_id = %s AND outcome IS NULL AND expires_at > %s",
        (now, invitation_id, org_id, now),
    )
    return cursor.rowcount == 1
