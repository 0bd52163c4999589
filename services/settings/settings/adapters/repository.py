"""SQL of the settings service: the `store` port of the handlers (SettingsStore) and the
functions it runs, each on the caller's connection (and its transaction)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import psycopg
from psycopg_pool import ConnectionPool
from servicekit.db import autocommit, transaction
from servicekit.events.outbox import publish

from settings.domain.company import CompanyInfo
from settings.domain.payment import PaymentMethod

_PM_COLUMNS = "method, number, clearing_number, bank_name, revision, changed_by, changed_at"


def lock_payment_method(conn: psycopg.Connection, org_id: str) -> None:
    """Held until the transaction ends: serialises concurrent saves of one organisation, also
    before its first row exists."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7283))", (org_id,))


def current_payment_method(conn: psycopg.Connection, org_id: str) -> dict | None:
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


class CompanyRecord:
    """One organisation's company info, locked until the caller's transaction ends (two
    consumers of one organisation apply in turn)."""

    def __init__(self, conn: psycopg.Connection, org_id: str):
        self.conn = conn
        self.org_id = org_id
        self.current = lock_company(conn, org_id)

    def save(self, info: CompanyInfo) -> None:
        save_company_info(self.conn, self.org_id, info)
        self.current = info


class PaymentRecord:
    """One organisation's payment method, locked until the transaction ends; what is saved
    and the event saying so commit together."""

    def __init__(self, conn: psycopg.Connection, org_id: str):
        self.conn = conn
        self.org_id = org_id

    def current(self) -> dict | None:
        return current_payment_method(self.conn, self.org_id)

    def save(self, method: PaymentMethod, revision: int, changed_by: str, at: datetime) -> None:
        save_payment_method(self.conn, self.org_id, method, revision, changed_by, at)

    def publish(self, event_type: str, data: dict) -> None:
        publish(self.conn, event_type, self.org_id, data)


class SettingsStore:
    """The settings service's tables, as the handlers use them."""

    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def payment_method(self, org_id: str) -> dict | None:
        with self.pool.connection() as conn:
            return current_payment_method(conn, org_id)

    def payment_history(self, org_id: str, limit: int) -> list[dict]:
        with self.pool.connection() as conn:
            return payment_method_history(conn, org_id, limit)

    def company(self, org_id: str) -> CompanyInfo | None:
        with self.pool.connection() as conn:
            return company_info(conn, org_id)

    def overview(self, org_id: str) -> tuple[dict | None, CompanyInfo | None]:
        """Two reads on one connection, without the round trips of a transaction."""
        with autocommit(self.pool) as conn:
            return current_payment_method(conn, org_id), company_info(conn, org_id)

    def org_ids(self) -> list[str]:
        with self.pool.connection() as conn:
            return known_org_ids(conn)

    @contextmanager
    def payment_locked(self, org_id: str) -> Iterator[PaymentRecord]:
        with transaction(self.pool) as conn:
            lock_payment_method(conn, org_id)
            yield PaymentRecord(conn, org_id)

    @contextmanager
    def company_locked(self, org_id: str) -> Iterator[CompanyRecord]:
        with transaction(self.pool) as conn:
            yield CompanyRecord(conn, org_id)
