"""SQL for tenants (Fortnox accounts), their users and their legacy access tokens."""

import uuid

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fortnox_sandbox.adapters.keys import token_hash

_hasher = PasswordHasher()


def next_tenant_id(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT nextval('tenant_numbers') AS id").fetchone()["id"]


def insert_tenant(conn: psycopg.Connection, tenant: dict) -> None:
    conn.execute(
        "INSERT INTO tenants (id, company_name, organization_number, address, zip_code, city,"
        " country_code) VALUES (%(id)s, %(company_name)s, %(organization_number)s, %(address)s,"
        " %(zip_code)s, %(city)s, %(country_code)s)",
        tenant,
    )


def get_tenant(conn: psycopg.Connection, tenant_id: int) -> dict | None:
    return conn.execute("SELECT * FROM tenants WHERE id = %s", (tenant_id,)).fetchone()


def set_flags(conn: psycopg.Connection, tenant_id: int, flags: dict) -> None:
    for column in ("licensed", "migrate_fails"):
        if column in flags:
            conn.execute(
                f"UPDATE tenants SET {column} = %s WHERE id = %s", (bool(flags[column]), tenant_id)
            )


def insert_user(
    conn: psycopg.Connection,
    *,
    tenant_id: int,
    username: str,
    full_name: str,
    password: str,
    system_admin: bool,
) -> int:
    row = conn.execute(
        "INSERT INTO users (tenant_id, username, full_name, password_hash, system_admin)"
        " VALUES (%s, %s, %s, %s, %s) RETURNING id",
        (tenant_id, username.lower(), full_name, _hasher.hash(password), system_admin),
    ).fetchone()
    return row["id"]


def find_user(conn: psycopg.Connection, username: str) -> dict | None:
    return conn.execute(
        "SELECT * FROM users WHERE username = %s", (username.strip().lower(),)
    ).fetchone()


def get_user(conn: psycopg.Connection, user_id: int) -> dict | None:
    return conn.execute("SELECT * FROM users WHERE id = %s", (user_id,)).fetchone()


def user_with_company(conn: psycopg.Connection, user_id: int) -> dict | None:
    """The user and their tenant's `company_name` (what the consent page shows)."""
    return conn.execute(
        "SELECT u.*, t.company_name FROM users u JOIN tenants t ON t.id = u.tenant_id"
        " WHERE u.id = %s",
        (user_id,),
    ).fetchone()


def next_tenant_ids(conn: psycopg.Connection, count: int) -> list[int]:
    rows = conn.execute(
        "SELECT nextval('tenant_numbers') AS id FROM generate_series(1, %s)", (count,)
    )
    return [row["id"] for row in rows]


def copy_tenants(conn: psycopg.Connection, rows) -> None:
    """Many tenants at once with COPY: rows of (id, company_name, organization_number,
    address, zip_code, city)."""
    with conn.cursor().copy(
        "COPY tenants (id, company_name, organization_number, address, zip_code, city) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)


def copy_legacy_tokens(conn: psycopg.Connection, rows) -> None:
    """Many legacy tokens at once with COPY: rows of (token, tenant_id, client_id, scopes);
    only the token's hash is kept."""
    with conn.cursor().copy(
        "COPY legacy_tokens (token_hash, tenant_id, client_id, scopes) FROM STDIN"
    ) as copy:
        for token, tenant_id, client_id, scopes in rows:
            copy.write_row((token_hash(token), tenant_id, client_id, scopes))


def password_matches(user: dict, password: str) -> bool:
    try:
        return _hasher.verify(user["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return False


def new_legacy_token() -> str:
    # Fortnox's legacy access tokens look like UUIDs.
    return str(uuid.uuid4())


def insert_legacy_token(
    conn: psycopg.Connection,
    *,
    tenant_id: int,
    client_id: str,
    scopes: list[str],
    token: str | None = None,
) -> str:
    token = token or new_legacy_token()
    conn.execute(
        "INSERT INTO legacy_tokens (token_hash, tenant_id, client_id, scopes)"
        " VALUES (%s, %s, %s, %s)",
        (token_hash(token), tenant_id, client_id, scopes),
    )
    return token


def find_legacy_token(conn: psycopg.Connection, token: str, *, lock: bool = False) -> dict | None:
    sql = "SELECT * FROM legacy_tokens WHERE token_hash = %s"
    return conn.execute(sql + (" FOR UPDATE" if lock else ""), (token_hash(token),)).fetchone()


def kill_legacy_token(conn: psycopg.Connection, token_hash_value: str) -> None:
    conn.execute(
        "UPDATE legacy_tokens SET revoked_at = now() WHERE token_hash = %s", (token_hash_value,)
    )


def legacy_tokens_of(conn: psycopg.Connection, tenant_id: int) -> list[dict]:
    return conn.execute(
        "SELECT * FROM legacy_tokens WHERE tenant_id = %s ORDER BY created_at", (tenant_id,)
    ).fetchall()
