"""SQL of sessions, one-time link tokens and throttling events (secrets stored hashed)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from psycopg import Connection
from servicekit.db import autocommit

from auth.adapters.repository import app_attention


def insert_session(
    conn: Connection,
    id_hash: bytes,
    user_id: str,
    now: datetime,
    created_at: datetime | None = None,
) -> None:
    """`created_at` carries a replaced session's start over, so a new id keeps its lifetime."""
    conn.execute(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES (%s, %s, %s, %s)",
        (id_hash, user_id, created_at or now, now),
    )


_SESSION = (
    "SELECT s.created_at, s.last_seen_at, u.id AS user_id, u.name, u.email, u.username,"
    " u.disabled_at, m.org_id, m.role, o.name AS org_name, o.org_number,"
    " o.customer_number{apps}"
    " FROM sessions s JOIN users u ON u.id = s.user_id"
    " JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.org_id"
    " WHERE s.id_hash = %s"
)
_APPS = (
    ", COALESCE((SELECT json_agg(json_build_object('key', a.key, 'name', a.name, 'url', a.url,"
    f" 'attention', {app_attention('a.key', 'm.org_id')})"
    " ORDER BY a.position) FROM organisation_apps oa JOIN apps a ON a.key = oa.app_key"
    " WHERE oa.org_id = m.org_id), '[]') AS apps"
)


def find_session(conn: Connection, id_hash: bytes, *, with_apps: bool = False) -> dict | None:
    """The session, its user and membership; `with_apps` adds the organisation's apps under
    `apps` (a page's look-up in one query)."""
    query = _SESSION.format(apps=_APPS if with_apps else "")
    return conn.execute(query, (id_hash,)).fetchone()


def touch_session(conn: Connection, id_hash: bytes, now: datetime) -> None:
    conn.execute("UPDATE sessions SET last_seen_at = %s WHERE id_hash = %s", (now, id_hash))


def delete_session(conn: Connection, id_hash: bytes) -> None:
    conn.execute("DELETE FROM sessions WHERE id_hash = %s", (id_hash,))


def take_session(conn: Connection, id_hash: bytes) -> dict | None:
    """Delete the session and return its start, or None when it is gone already."""
    return conn.execute(
        "DELETE FROM sessions WHERE id_hash = %s RETURNING created_at", (id_hash,)
    ).fetchone()


def delete_sessions_of(conn: Connection, user_id: str) -> int:
    return conn.execute("DELETE FROM sessions WHERE user_id = %s", (user_id,)).rowcount


def insert_token(
    conn: Connection, token_hash: bytes, purpose: str, user_id: str, now: datetime, ttl: timedelta
) -> None:
    conn.execute(
        "INSERT INTO one_time_tokens (token_hash, purpose, user_id, created_at, expires_at)"
        " VALUES (%s, %s, %s, %s, %s)",
        (token_hash, purpose, user_id, now, now + ttl),
    )


def usable_token(
    conn: Connection, token_hash: bytes, purpose: str, now: datetime, *, lock: bool = False
) -> dict | None:
    return conn.execute(
        "SELECT * FROM one_time_tokens WHERE token_hash = %s AND purpose = %s"
        " AND used_at IS NULL AND expires_at > %s" + (" FOR UPDATE" if lock else ""),
        (token_hash, purpose, now),
    ).fetchone()


def use_tokens_of(conn: Connection, user_id: str, purpose: str, now: datetime) -> None:
    """Mark every open token of the purpose used: the one just used and any older ones."""
    conn.execute(
        "UPDATE one_time_tokens SET used_at = %s WHERE user_id = %s AND purpose = %s"
        " AND used_at IS NULL",
        (now, user_id, purpose),
    )


def lock_keys(conn: Connection, *keys: str) -> None:
    for key in sorted(keys):
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))


def throttle_events(conn: Connection, key: str, since: datetime) -> list[datetime]:
    rows = conn.execute(
        "SELECT at FROM throttle_events WHERE key = %s AND at > %s ORDER BY at", (key, since)
    ).fetchall()
    return [row["at"] for row in rows]


def add_throttle_event(conn: Connection, key: str, at: datetime) -> int:
    row = conn.execute(
        "INSERT INTO throttle_events (key, at) VALUES (%s, %s) RETURNING id", (key, at)
    ).fetchone()
    return row["id"]


def remove_throttle_event(conn: Connection, event_id: int) -> None:
    conn.execute("DELETE FROM throttle_events WHERE id = %s", (event_id,))


def forget_throttle(conn: Connection, key: str, until: datetime) -> None:
    """The key's events up to `until` no longer count."""
    conn.execute("DELETE FROM throttle_events WHERE key = %s AND at <= %s", (key, until))


def clear_throttle(conn: Connection, key: str) -> None:
    conn.execute("DELETE FROM throttle_events WHERE key = %s", (key,))


def prune_throttle(conn: Connection, before: datetime) -> None:
    conn.execute("DELETE FROM throttle_events WHERE at < %s", (before,))


class SessionBook:
    """The sessions as a page's look-up reads them: the port of handlers.sessions.resolve_session
    (tests/unit/conftest.py has its hand fake). One connection per look-up, each statement
    standing alone (no transaction): a page view is one query."""

    def __init__(self, pool):
        self.pool = pool

    @contextmanager
    def reading(self) -> Iterator["SessionRows"]:
        with autocommit(self.pool) as conn:
            yield SessionRows(conn)


class SessionRows:
    def __init__(self, conn: Connection):
        self.conn = conn

    def find(self, id_hash: bytes, *, with_apps: bool = False) -> dict | None:
        return find_session(self.conn, id_hash, with_apps=with_apps)

    def touch(self, id_hash: bytes, now: datetime) -> None:
        touch_session(self.conn, id_hash, now)

    def delete(self, id_hash: bytes) -> None:
        delete_session(self.conn, id_hash)
