"""SQL for what an authorization leads to: authorize requests, codes, grants, tokens, consents.

Time comes from PostgreSQL's now() so every worker shares one clock; rows taken FOR UPDATE make
single-use codes and refresh tokens single-use even under concurrent requests.
"""

import secrets
import uuid

import psycopg

from fortnox_sandbox.adapters.keys import token_hash
from fortnox_sandbox.domain import rules


def insert_auth_request(
    conn: psycopg.Connection,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: list[str],
    state: str,
    account_type: str,
) -> str:
    request_id = secrets.token_urlsafe(24)
    conn.execute(
        "INSERT INTO auth_requests (id, client_id, redirect_uri, scopes, state, account_type)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (request_id, client_id, redirect_uri, scopes, state, account_type),
    )
    return request_id


def get_auth_request(conn: psycopg.Connection, request_id: str, *, lock: bool = False):
    sql = (
        "SELECT * FROM auth_requests WHERE id = %s AND finished_at IS NULL"
        " AND created_at > now() - interval '1 hour'"
    )
    return conn.execute(sql + (" FOR UPDATE" if lock else ""), (request_id,)).fetchone()


def set_auth_request_user(conn: psycopg.Connection, request_id: str, user_id: int) -> None:
    conn.execute("UPDATE auth_requests SET user_id = %s WHERE id = %s", (user_id, request_id))


def finish_auth_request(conn: psycopg.Connection, request_id: str) -> None:
    conn.execute("UPDATE auth_requests SET finished_at = now() WHERE id = %s", (request_id,))


def insert_code(conn: psycopg.Connection, *, request: dict, tenant_id: int, user_id: int) -> str:
    code = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO auth_codes (code_hash, client_id, tenant_id, user_id, redirect_uri, scopes,"
        " account_type, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now() + %s)",
        (
            token_hash(code),
            request["client_id"],
            tenant_id,
            user_id,
            request["redirect_uri"],
            request["scopes"],
            request["account_type"],
            rules.CODE_LIFETIME,
        ),
    )
    return code


def take_code(conn: psycopg.Connection, code: str) -> dict | None:
    """The code's row, locked, with `expired` computed by the database's clock."""
    return conn.execute(
        "SELECT *, expires_at <= now() AS expired FROM auth_codes WHERE code_hash = %s FOR UPDATE",
        (token_hash(code),),
    ).fetchone()


def mark_code_used(conn: psycopg.Connection, code_hash: str) -> None:
    conn.execute("UPDATE auth_codes SET used_at = now() WHERE code_hash = %s", (code_hash,))


def upsert_consent(conn: psycopg.Connection, client_id: str, tenant_id: int, scopes: list[str]):
    conn.execute(
        "UPDATE consents SET revoked_at = now()"
        " WHERE client_id = %s AND tenant_id = %s AND revoked_at IS NULL",
        (client_id, tenant_id),
    )
    conn.execute(
        "INSERT INTO consents (client_id, tenant_id, scopes) VALUES (%s, %s, %s)",
        (client_id, tenant_id, scopes),
    )


def active_consent(conn: psycopg.Connection, client_id: str, tenant_id: int) -> dict | None:
    return conn.execute(
        "SELECT * FROM consents WHERE client_id = %s AND tenant_id = %s AND revoked_at IS NULL",
        (client_id, tenant_id),
    ).fetchone()


def insert_grant(conn: psycopg.Connection, client_id: str, tenant_id: int, scopes: list[str]):
    grant_id = uuid.uuid4()
    conn.execute(
        "INSERT INTO grants (id, client_id, tenant_id, scopes) VALUES (%s, %s, %s, %s)",
        (grant_id, client_id, tenant_id, scopes),
    )
    return grant_id


def insert_refresh_token(conn: psycopg.Connection, grant_id, tenant_id: int) -> str:
    # Fortnox's refresh tokens look like UUIDs.
    token = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO refresh_tokens (token_hash, grant_id, tenant_id, expires_at)"
        " VALUES (%s, %s, %s, now() + %s)",
        (token_hash(token), grant_id, tenant_id, rules.REFRESH_TOKEN_LIFETIME),
    )
    return token


def take_refresh_token(conn: psycopg.Connection, token: str) -> dict | None:
    """The refresh token with its grant, both locked; `usable` by the database's clock."""
    return conn.execute(
        "SELECT r.*, g.client_id, g.scopes, g.revoked_at AS grant_revoked_at,"
        " (r.used_at IS NULL AND g.revoked_at IS NULL AND r.expires_at > now()) AS usable"
        " FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id"
        " WHERE r.token_hash = %s FOR UPDATE",
        (token_hash(token),),
    ).fetchone()


def mark_refresh_used(conn: psycopg.Connection, token_hash_value: str) -> None:
    conn.execute(
        "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = %s", (token_hash_value,)
    )


def revoke_grant(conn: psycopg.Connection, grant_id) -> None:
    conn.execute(
        "UPDATE grants SET revoked_at = now() WHERE id = %s AND revoked_at IS NULL", (grant_id,)
    )
    conn.execute(
        "UPDATE access_tokens SET revoked_at = now() WHERE grant_id = %s AND revoked_at IS NULL",
        (grant_id,),
    )


def insert_access_token(
    conn: psycopg.Connection,
    *,
    client_id: str,
    tenant_id: int,
    scopes: list[str],
    grant_id=None,
    consent_id: int | None = None,
) -> tuple:
    """A new access token's row; returns (jti, issued_at epoch seconds)."""
    jti = uuid.uuid4()
    row = conn.execute(
        "INSERT INTO access_tokens (jti, grant_id, consent_id, client_id, tenant_id, scopes,"
        " expires_at) VALUES (%s, %s, %s, %s, %s, %s, now() + make_interval(secs => %s))"
        " RETURNING floor(extract(epoch FROM issued_at))::bigint AS issued",
        (jti, grant_id, consent_id, client_id, tenant_id, scopes, rules.ACCESS_TOKEN_SECONDS),
    ).fetchone()
    return str(jti), row["issued"]


def live_access_token(conn: psycopg.Connection, jti: str) -> dict | None:
    """The token's row if it is neither revoked, expired, nor cut off with its consent."""
    return conn.execute(
        "SELECT a.* FROM access_tokens a LEFT JOIN consents c ON c.id = a.consent_id"
        " WHERE a.jti = %s AND a.revoked_at IS NULL AND a.expires_at > now()"
        " AND c.revoked_at IS NULL",
        (jti,),
    ).fetchone()
