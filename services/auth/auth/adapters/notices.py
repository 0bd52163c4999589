"""SQL of connection notices (domain/notices.py). Every function runs on the caller's
connection, inside the caller's transaction."""

from dataclasses import astuple, fields
from datetime import datetime

from psycopg import Connection

from auth.domain.notices import Notice, first_notice

_COLUMNS = tuple(f.name for f in fields(Notice))
_INSERT = (
    f"INSERT INTO connection_notices ({', '.join(_COLUMNS)})"
    f" VALUES ({', '.join(['%s'] * len(_COLUMNS))}) ON CONFLICT (org_id)"
)
_SAVE = (
    _INSERT
    + " DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS[1:])
    + ", updated_at = now()"
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM connection_notices"


def lock(conn: Connection, org_id: str, at: datetime) -> Notice:
    """The organisation's notice, locked until the transaction ends; a new one (as of `at`)
    when there was none. The row exists before it is read, so two workers applying events of
    one organisation take turns even for its very first events."""
    conn.execute(_INSERT + " DO NOTHING", astuple(first_notice(org_id, at)))
    row = conn.execute(f"{_SELECT} WHERE org_id = %s FOR UPDATE", (org_id,)).fetchone()
    return Notice(**row)


def take_due(conn: Connection, now: datetime) -> Notice | None:
    """One notice with a mail round due, locked; rows other workers hold are skipped."""
    row = conn.execute(
        f"{_SELECT} WHERE next_mail_at <= %s ORDER BY next_mail_at LIMIT 1 FOR UPDATE SKIP LOCKED",
        (now,),
    ).fetchone()
    return Notice(**row) if row else None


def save(conn: Connection, notice: Notice) -> None:
    conn.execute(_SAVE, astuple(notice))


def needing_action(conn: Connection) -> list[dict]:
    """Every organisation whose connection needs the customer, longest waiting first."""
    return conn.execute(
        "SELECT n.org_id, o.name AS org_name, o.customer_number, n.reason, n.needed_since,"
        " n.rounds, n.mails_sent, n.last_mail_at, n.next_mail_at"
        " FROM connection_notices n LEFT JOIN organisations o ON o.id::text = n.org_id"
        " WHERE n.reason IS NOT NULL ORDER BY n.needed_since, n.org_id"
    ).fetchall()


def administrators(conn: Connection, org_id: str) -> list[dict]:
    """The organisation's administrators who can act: enabled, with a password and a proven
    address (an invitation not yet accepted gets its own mail)."""
    return conn.execute(
        "SELECT u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.org_id::text = %s AND m.role = 'administrator' AND u.disabled_at IS NULL"
        " AND u.password_hash IS NOT NULL AND u.email_verified_at IS NOT NULL"
        " ORDER BY u.email",
        (org_id,),
    ).fetchall()
