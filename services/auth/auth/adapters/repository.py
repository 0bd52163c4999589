"""SQL of organisations, users, memberships and apps. Every function runs on the caller's
connection, inside the caller's transaction."""

import uuid
from datetime import datetime

from psycopg import Connection

# The app whose Fortnox connection the tokens service keeps (connection_notices).
FORTNOX_APP = "resultat-finans"
_USER = "SELECT u.*, m.org_id, m.role FROM users u LEFT JOIN memberships m ON m.user_id = u.id"


def find_user_by_identifier(conn: Connection, identifier: str) -> dict | None:
    """A user by user name (customer number) or e-mail address."""
    return conn.execute(
        f"{_USER} WHERE u.username = %s OR lower(u.email) = lower(%s) ORDER BY u.username NULLS LAST"
        " LIMIT 1",
        (identifier, identifier),
    ).fetchone()


def find_user_by_email(conn: Connection, email: str) -> dict | None:
    return conn.execute(f"{_USER} WHERE lower(u.email) = lower(%s)", (email,)).fetchone()


def find_user(conn: Connection, user_id: str) -> dict | None:
    return conn.execute(f"{_USER} WHERE u.id = %s", (user_id,)).fetchone()


def lock_user(conn: Connection, user_id: str) -> dict | None:
    """The user's row, locked until the transaction ends (one password change at a time)."""
    return conn.execute(
        "SELECT id, password_hash, disabled_at FROM users WHERE id = %s FOR UPDATE", (user_id,)
    ).fetchone()


def insert_user(
    conn: Connection,
    *,
    email: str,
    name: str,
    password_hash: str | None,
    username: str | None = None,
    verified_at: datetime | None = None,
    user_id: str | None = None,
) -> str:
    user_id = user_id or str(uuid.uuid4())
    conn.execute(
        "INSERT INTO users (id, username, email, name, password_hash, email_verified_at)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (user_id, username, email, name, password_hash, verified_at),
    )
    return user_id


def set_password(conn: Connection, user_id: str, password_hash: str) -> None:
    conn.execute("UPDATE users SET password_hash = %s WHERE id = %s", (password_hash, user_id))


def mark_verified(conn: Connection, user_id: str, at: datetime) -> bool:
    """True when the user was not verified before."""
    cursor = conn.execute(
        "UPDATE users SET email_verified_at = %s WHERE id = %s AND email_verified_at IS NULL",
        (at, user_id),
    )
    return cursor.rowcount == 1


def disable_user(conn: Connection, user_id: str, at: datetime) -> None:
    conn.execute("UPDATE users SET disabled_at = %s WHERE id = %s", (at, user_id))


def delete_user(conn: Connection, user_id: str) -> None:
    conn.execute("DELETE FROM users WHERE id = %s", (user_id,))


def find_org(conn: Connection, org_id: str) -> dict | None:
    return conn.execute("SELECT * FROM organisations WHERE id = %s", (org_id,)).fetchone()


def active_admins_of_org_number(conn: Connection, org_number: str) -> list[dict]:
    return conn.execute(
        "SELECT o.name AS company, u.name, u.email FROM organisations o"
        " JOIN memberships m ON m.org_id = o.id AND m.role = 'administrator'"
        " JOIN users u ON u.id = m.user_id"
        " WHERE o.org_number = %s AND u.password_hash IS NOT NULL AND u.disabled_at IS NULL",
        (org_number,),
    ).fetchall()


def org_number_taken(conn: Connection, org_number: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM organisations WHERE org_number = %s", (org_number,)
    ).fetchone()
    return row is not None


def insert_org(
    conn: Connection,
    *,
    name: str,
    org_number: str,
    customer_number: str | None = None,
    org_id: str | None = None,
) -> dict:
    org_id = org_id or str(uuid.uuid4())
    if customer_number is None:
        customer_number = str(
            conn.execute("SELECT nextval('customer_numbers') AS n").fetchone()["n"]
        )
    conn.execute(
        "INSERT INTO organisations (id, name, org_number, customer_number) VALUES (%s, %s, %s, %s)",
        (org_id, name, org_number, customer_number),
    )
    return {
        "id": org_id,
        "name": name,
        "org_number": org_number,
        "customer_number": customer_number,
    }


def add_member(conn: Connection, org_id: str, user_id: str, role: str) -> None:
    conn.execute(
        "INSERT INTO memberships (org_id, user_id, role) VALUES (%s, %s, %s)",
        (org_id, user_id, role),
    )


def lock_members(conn: Connection, org_id: str) -> list[dict]:
    """The organisation's members, locked so role changes of one organisation run one at a time."""
    return conn.execute(
        "SELECT m.user_id, m.role FROM memberships m WHERE m.org_id = %s FOR UPDATE",
        (org_id,),
    ).fetchall()


def set_role(conn: Connection, org_id: str, user_id: str, role: str) -> None:
    conn.execute(
        "UPDATE memberships SET role = %s WHERE org_id = %s AND user_id = %s",
        (role, org_id, user_id),
    )


def members(conn: Connection, org_id: str) -> list[dict]:
    return conn.execute(
        "SELECT u.id, u.name, u.email, u.username, m.role, u.email_verified_at IS NOT NULL"
        " AND u.password_hash IS NOT NULL AS active"
        " FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.org_id = %s ORDER BY u.name, u.email",
        (org_id,),
    ).fetchall()


def app_attention(app_key: str, org_id: str) -> str:
    """SQL: the app (column `app_key`) of the organisation (column `org_id`) needs an
    administrator now: Resultat Finans while its Fortnox connection needs the customer
    (connection_notices, kept from the tokens service's events). Every query that lists an
    organisation's apps for its tiles says it with this."""
    return (
        f"({app_key} = '{FORTNOX_APP}' AND EXISTS (SELECT 1 FROM connection_notices n"
        f" WHERE n.org_id = {org_id}::text AND n.reason IS NOT NULL))"
    )


def org_apps(conn: Connection, org_id: str) -> list[dict]:
    return conn.execute(
        f"SELECT a.key, a.name, a.url, {app_attention('a.key', 'oa.org_id')} AS attention"
        " FROM organisation_apps oa JOIN apps a ON a.key = oa.app_key"
        " WHERE oa.org_id = %s ORDER BY a.position",
        (org_id,),
    ).fetchall()


def enable_apps(conn: Connection, org_id: str, app_keys: list[str]) -> None:
    for key in app_keys:
        conn.execute(
            "INSERT INTO organisation_apps (org_id, app_key) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING",
            (org_id, key),
        )


def leave(conn: Connection, user_id: str) -> None:
    """The user leaves their organisation (one per user): before joining another."""
    conn.execute("DELETE FROM memberships WHERE user_id = %s", (user_id,))
