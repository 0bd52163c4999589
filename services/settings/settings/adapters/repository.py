"""SQL of the settings service. Functions take the caller's connection (and its transaction)."""

from datetime import datetime

import psycopg

from settings.domain.company import CompanyInfo
from settings.domain.payment import PaymentMethod

_PM_COLUMNS = "method, number, clearing_number, bank_name, revision, changed_by, changed_at"


def current_payment_method(conn: psycopg.Connection, org_id: str, *, lock: bool = False):
    """The saved row (dict) or None; `lock` holds it until the transaction ends."""
    if lock:
        # Serialises concurrent saves of one organisation, also before its first row exists.
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7283))", (org_id,))
    return conn.execute(
        f"SELECT org_id, {_PM_COLUMNS} FROM payment_methods WHERE org_id = %s", (org_id,)
    ).fetchone()


def save_payment_method(
    conn: psycopg.Connection,
    org_id: str,
    method: PaymentMethod,
    revision: int,
    changed_by: str,
    changed_at: datetime,
) -> None:
    values = (
        org_id,
        method.method,
        method.number,
        method.clearing_number,
        method.bank_name,
        revision,
        changed_by,
        changed_at,
    )
    conn.execute(
        f"INSERT INTO payment_methods (org_id, {_PM_COLUMNS})"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (org_id) DO UPDATE SET method = EXCLUDED.method,"
        " number = EXCLUDED.number, clearing_number = EXCLUDED.clearing_number,"
        " bank_name = EXCLUDED.bank_name, revision = EXCLUDED.revision,"
        " changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at",
        values,
    )
    conn.execute(
        f"INSERT INTO payment_method_changes (org_id, {_PM_COLUMNS})"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        values,
    )


def payment_method_history(conn: psycopg.Connection, org_id: str, limit: int = 50) -> list[dict]:
    return conn.execute(
        f"SELECT {_PM_COLUMNS} FROM payment_method_changes WHERE org_id = %s"
        " ORDER BY revision DESC LIMIT %s",
        (org_id, limit),
    ).fetchall()


def company_info(
    conn: psycopg.Connection, org_id: str, *, lock: bool = False
) -> CompanyInfo | None:
    row = conn.execute(
        "SELECT company_name, organisation_number, database_number, as_of, source, version"
        " FROM company_info WHERE org_id = %s" + (" FOR UPDATE" if lock else ""),
        (org_id,),
    ).fetchone()
    return CompanyInfo(**row) if row else None


def lock_company(conn: psycopg.Connection, org_id: str) -> CompanyInfo | None:
    """The row locked for this transaction; two consumers of one org apply in turn."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7284))", (org_id,))
    return company_info(conn, org_id, lock=True)


def save_company_info(conn: psycopg.Connection, org_id: str, info: CompanyInfo) -> None:
    conn.execute(
        "INSERT INTO company_info (org_id, company_name, organisation_number, database_number,"
        " version, as_of, source, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now())"
        " ON CONFLICT (org_id) DO UPDATE SET company_name = EXCLUDED.company_name,"
        " organisation_number = EXCLUDED.organisation_number,"
        " database_number = EXCLUDED.database_number, version = EXCLUDED.version,"
        " as_of = EXCLUDED.as_of, source = EXCLUDED.source, updated_at = now()",
        (
            org_id,
            info.company_name,
            info.organisation_number,
            info.database_number,
            info.version,
            info.as_of,
            info.source,
        ),
    )


def known_org_ids(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT org_id FROM payment_methods UNION SELECT org_id FROM company_info ORDER BY 1"
    ).fetchall()
    return [str(row["org_id"]) for row in rows]
