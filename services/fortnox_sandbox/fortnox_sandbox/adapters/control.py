"""SQL for the test-control side: faults, counters, rate limit, tenant-wide token actions.

Everything lives in PostgreSQL because gunicorn runs several workers that must agree.
"""

import math

import psycopg

from fortnox_sandbox.domain import rules


def insert_fault(
    conn: psycopg.Connection,
    *,
    endpoint: str,
    count: int,
    status: int | None,
    retry_after: int | None,
    hang_seconds: float | None,
    body: str = "",
    error: str = "",
) -> int:
    row = conn.execute(
        "INSERT INTO faults (endpoint, status, retry_after, hang_seconds, remaining, body, error)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (endpoint, status, retry_after, hang_seconds, count, body, error),
    ).fetchone()
    return row["id"]


def take_fault(conn: psycopg.Connection, endpoint: str) -> dict | None:
    """Consume one pending fault of the endpoint, oldest first; None when there is none."""
    return conn.execute(
        "UPDATE faults SET remaining = remaining - 1 WHERE id = ("
        " SELECT id FROM faults WHERE endpoint = %s AND remaining > 0"
        " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *",
        (endpoint,),
    ).fetchone()


def clear_faults(conn: psycopg.Connection) -> None:
    conn.execute("DELETE FROM faults")


def pending_faults(conn: psycopg.Connection) -> list[dict]:
    return conn.execute(
        "SELECT id, endpoint, status, retry_after, hang_seconds, remaining, body, error"
        " FROM faults"
        " WHERE remaining > 0 ORDER BY id"
    ).fetchall()


def count(conn: psycopg.Connection, name: str, tenant_id: int | None, label: str = "") -> None:
    conn.execute(
        "INSERT INTO counters (name, label, tenant_id, value) VALUES (%s, %s, %s, 1)"
        " ON CONFLICT (name, label, tenant_id) DO UPDATE SET value = counters.value + 1",
        (name, label, tenant_id or 0),
    )


def read_counters(conn: psycopg.Connection, tenant_id: int | None) -> list[dict]:
    if tenant_id is None:
        return conn.execute(
            "SELECT name, label, sum(value)::bigint AS value FROM counters GROUP BY name, label"
        ).fetchall()
    return conn.execute(
        "SELECT name, label, value FROM counters WHERE tenant_id = %s", (tenant_id,)
    ).fetchall()


def reset_counters(conn: psycopg.Connection) -> None:
    conn.execute("DELETE FROM counters")


def hit_rate_limit(conn: psycopg.Connection, client_id: str, tenant_id: int) -> int | None:
    """Record one API call in the sliding window; the seconds to wait when over the limit."""
    conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"rate:{client_id}:{tenant_id}",)
    )
    conn.execute(
        "DELETE FROM rate_hits WHERE client_id = %s AND tenant_id = %s"
        " AND at <= clock_timestamp() - make_interval(secs => %s)",
        (client_id, tenant_id, rules.RATE_LIMIT_WINDOW_SECONDS),
    )
    row = conn.execute(
        "SELECT count(*) AS hits, extract(epoch FROM min(at) + make_interval(secs => %s)"
        " - clock_timestamp()) AS wait FROM rate_hits WHERE client_id = %s AND tenant_id = %s",
        (rules.RATE_LIMIT_WINDOW_SECONDS, client_id, tenant_id),
    ).fetchone()
    if row["hits"] >= rules.RATE_LIMIT_REQUESTS:
        return max(1, math.ceil(float(row["wait"])))
    conn.execute(
        "INSERT INTO rate_hits (client_id, tenant_id) VALUES (%s, %s)", (client_id, tenant_id)
    )
    return None


def revoke_tenant_consent(conn: psycopg.Connection, client_id: str, tenant_id: int) -> None:
    """The customer removes the integration: consents, grants and access tokens all end."""
    params = (client_id, tenant_id)
    conn.execute(
        "UPDATE consents SET revoked_at = now() WHERE client_id = %s AND tenant_id = %s"
        " AND revoked_at IS NULL",
        params,
    )
    conn.execute(
        "UPDATE grants SET revoked_at = now() WHERE client_id = %s AND tenant_id = %s"
        " AND revoked_at IS NULL",
        params,
    )
    conn.execute(
        "UPDATE access_tokens SET revoked_at = now() WHERE client_id = %s"
        " AND tenant_id = %s AND revoked_at IS NULL",
        params,
    )


def consent_from_refresh_grant(
    conn: psycopg.Connection, client_id: str, tenant_id: int
) -> tuple[dict | None, bool]:
    """The tenant's active service-account consent, created from the scopes of its newest grant
    with a live refresh token when there is none yet; (None, False) without such a grant."""
    consent = conn.execute(
        "SELECT * FROM consents WHERE client_id = %s AND tenant_id = %s AND revoked_at IS NULL",
        (client_id, tenant_id),
    ).fetchone()
    if consent:
        return consent, False
    grant = conn.execute(
        "SELECT g.scopes FROM grants g WHERE g.client_id = %s AND g.tenant_id = %s"
        " AND g.revoked_at IS NULL AND EXISTS (SELECT 1 FROM refresh_tokens r"
        "  WHERE r.grant_id = g.id AND r.used_at IS NULL AND r.expires_at > now())"
        " ORDER BY g.created_at DESC LIMIT 1",
        (client_id, tenant_id),
    ).fetchone()
    if grant is None:
        return None, False
    consent = conn.execute(
        "INSERT INTO consents (client_id, tenant_id, scopes) VALUES (%s, %s, %s) RETURNING *",
        (client_id, tenant_id, grant["scopes"]),
    ).fetchone()
    return consent, True


def expire_access_tokens(conn: psycopg.Connection, tenant_id: int) -> int:
    cursor = conn.execute(
        "UPDATE access_tokens SET expires_at = now() WHERE tenant_id = %s AND expires_at > now()",
        (tenant_id,),
    )
    return cursor.rowcount


def age_tenant(conn: psycopg.Connection, tenant_id: int, seconds: float) -> None:
    """Move the tenant's codes and tokens `seconds` into the past (a clock seam for expiry)."""
    shift = "make_interval(secs => %s)"
    conn.execute(
        f"UPDATE auth_codes SET expires_at = expires_at - {shift} WHERE tenant_id = %s",
        (seconds, tenant_id),
    )
    conn.execute(
        f"UPDATE refresh_tokens SET expires_at = expires_at - {shift},"
        f" created_at = created_at - {shift} WHERE tenant_id = %s",
        (seconds, seconds, tenant_id),
    )
    conn.execute(
        f"UPDATE access_tokens SET expires_at = expires_at - {shift},"
        f" issued_at = issued_at - {shift} WHERE tenant_id = %s",
        (seconds, seconds, tenant_id),
    )


def extra_redirect_uris(conn: psycopg.Connection) -> list[str]:
    return [r["uri"] for r in conn.execute("SELECT uri FROM extra_redirect_uris").fetchall()]


def add_redirect_uri(conn: psycopg.Connection, uri: str) -> None:
    conn.execute("INSERT INTO extra_redirect_uris (uri) VALUES (%s) ON CONFLICT DO NOTHING", (uri,))


def live_token_counts(conn: psycopg.Connection, tenant_id: int) -> dict:
    """The tenant's usable refresh tokens and access tokens (`refresh_tokens`, `access_tokens`)."""
    return conn.execute(
        "SELECT (SELECT count(*) FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id"
        "  WHERE r.tenant_id = %(t)s AND r.used_at IS NULL AND g.revoked_at IS NULL"
        "  AND r.expires_at > now()) AS refresh_tokens,"
        " (SELECT count(*) FROM access_tokens WHERE tenant_id = %(t)s"
        "  AND revoked_at IS NULL AND expires_at > now()) AS access_tokens",
        {"t": tenant_id},
    ).fetchone()
