"""Connections in PostgreSQL: tokens encrypted on the way in, decrypted on the way out.

Every change of a connection happens under its organisation's advisory lock (see `locked`), so
one refresh at a time reaches Fortnox for a connection across every process and replica; the
lock is held on a session of its own and dies with the process, so a crash never leaves it held.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool
from servicekit.events.outbox import publish

from tokens.adapters.crypto import Keyring, KeyringError
from tokens.adapters.sealed import as_sealed, report_once
from tokens.domain.connection import NEEDS_REAUTHORIZATION, Connection
from tokens.domain.errors import LockUnavailable
from tokens.domain.model import AuditEntry, Company, Event

TOKEN_COLUMNS = ("access_token", "refresh_token", "legacy_token", "revoke_pending_token")
# Written by their own statements, never by a save: last_used_at by `touch`, the migration
# schedule by operators (adapters/schedule.py), so a save from an older read cannot undo either.
_NOT_SAVED = ("last_used_at", "migration_not_before")
_PLAIN_COLUMNS = tuple(
    f.name
    for f in fields(Connection)
    if f.name not in TOKEN_COLUMNS + ("org_id", "company") + _NOT_SAVED
)
_COMPANY_COLUMNS = ("company_name", "organisation_number", "database_number")
_SAVED = ("org_id",) + TOKEN_COLUMNS + _PLAIN_COLUMNS + _COMPANY_COLUMNS
_UPSERT = (
    f"INSERT INTO connections ({', '.join(_SAVED)}) VALUES ({', '.join(['%s'] * len(_SAVED))})"
    " ON CONFLICT (org_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _SAVED[1:])
    # a schedule lives only as long as the legacy connection: an upgrade, a migration, a
    # refusal or a disconnect ends it in the same statement
    + ", migration_not_before = CASE WHEN EXCLUDED.kind = 'legacy'"
    " AND EXCLUDED.state = 'connected' AND EXCLUDED.legacy_token IS NOT NULL"
    " THEN connections.migration_not_before END" + ", updated_at = now()"
)


_HANDOUT_VIEW = (
    "SELECT kind, state, CASE WHEN kind = 'legacy' THEN legacy_token ELSE access_token END"
    " AS token, refresh_token IS NOT NULL AS has_refresh, access_expires_at, cooldown_until,"
    " last_failure_reason, reauthorization_reason, last_used_at"
    " FROM connections WHERE org_id = %s"
)


def lock_key(org_id: str) -> int:
    digest = hashlib.blake2b(f"tokens:{org_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class ConnectionStore:
    def __init__(self, pool: ConnectionPool, keyring: Keyring, lock_wait_seconds: float = 20.0):
        self.pool = pool
        self.keyring = keyring
        self.lock_wait_ms = int(lock_wait_seconds * 1000)

    # --- reads without the lock ---------------------------------------------------------

    def peek(self, org_id: str) -> Connection | None:
        """The connection as stored now (for hand-outs' fast path and status)."""
        with self._autocommit() as conn:
            row = conn.execute("SELECT * FROM connections WHERE org_id = %s", (org_id,)).fetchone()
        return self._to_connection(row)[0] if row else None

    def peek_handout(self, org_id: str) -> Connection | None:
        """Just what a hand-out's fast path needs, with only the handed-out token decrypted.
        The refresh token is not read: `refresh_token` is "" when one is stored."""
        with self._autocommit() as conn:
            row = conn.execute(_HANDOUT_VIEW, (org_id,)).fetchone()
        if row is None:
            return None
        column = "legacy_token" if row["kind"] == "legacy" else "access_token"
        try:
            token = row["token"] and self.keyring.decrypt(row["token"], org_id, column)
        except KeyringError as error:
            report_once(org_id, column, error)
            return as_sealed(Connection(org_id=org_id, kind=row["kind"]))
        return Connection(
            org_id=org_id,
            kind=row["kind"],
            state=row["state"],
            access_token=token if column == "access_token" else None,
            legacy_token=token if column == "legacy_token" else None,
            refresh_token="" if row["has_refresh"] else None,
            access_expires_at=row["access_expires_at"],
            cooldown_until=row["cooldown_until"],
            last_failure_reason=row["last_failure_reason"],
            reauthorization_reason=row["reauthorization_reason"],
            last_used_at=row["last_used_at"],
        )

    def touch(self, org_id: str) -> None:
        """Mark the connection as in use, so the refresher keeps its access token fresh."""
        with self._autocommit() as conn:
            conn.execute("UPDATE connections SET last_used_at = now() WHERE org_id = %s", (org_id,))

    @contextmanager
    def _autocommit(self) -> Iterator[psycopg.Connection]:
        """A single statement needs no BEGIN/COMMIT round trips (the hand-out's hot path)."""
        with self.pool.connection() as conn:
            conn.autocommit = True
            try:
                yield conn
            finally:
                conn.autocommit = False

    def audit_trail(self, org_id: str, limit: int = 200) -> list[dict]:
        with self.pool.connection() as conn:
            return conn.execute(
                "SELECT at, actor, action, outcome, detail FROM audit_log WHERE org_id = %s"
                " ORDER BY id DESC LIMIT %s",
                (org_id, limit),
            ).fetchall()

    def org_ids_not_under(self, kid: str) -> list[str]:
        """Organisations with a token encrypted under another key than `kid`."""
        prefix = f"{kid}:%"
        checks = " OR ".join(f"({c} IS NOT NULL AND {c} NOT LIKE %(p)s)" for c in TOKEN_COLUMNS)
        with self.pool.connection() as conn:
            rows = conn.execute(
                f"SELECT org_id FROM connections WHERE {checks} ORDER BY org_id", {"p": prefix}
            ).fetchall()
        return [r["org_id"] for r in rows]

    def audit(self, org_id: str, entry: AuditEntry) -> None:
        with self.pool.connection() as conn:
            _insert_audit(conn, org_id, entry)

    # --- changes under the organisation's lock -------------------------------------------

    @contextmanager
    def locked(self, org_id: str, *, wait: bool = True) -> Iterator["LockedConnection"]:
        key = lock_key(org_id)
        with self.pool.connection() as conn:
            conn.autocommit = True
            try:
                if wait:
                    conn.execute(
                        "SELECT set_config('lock_timeout', %s, false)", (f"{self.lock_wait_ms}ms",)
                    )
                    try:
                        conn.execute("SELECT pg_advisory_lock(%s)", (key,))
                    except psycopg.errors.LockNotAvailable:
                        raise LockUnavailable(org_id) from None
                    finally:
                        conn.execute("SELECT set_config('lock_timeout', '0', false)")
                else:
                    got = conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (key,)).fetchone()
                    if not got["got"]:
                        raise LockUnavailable(org_id)
                try:
                    yield LockedConnection(self, conn, org_id)
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
            finally:
                conn.autocommit = False

    # --- rows <-> connections -----------------------------------------------------------

    def _to_connection(self, row: dict) -> tuple[Connection, bool]:
        """The connection, and whether its tokens are sealed (see adapters/sealed.py)."""
        org_id = row["org_id"]
        values = {name: row[name] for name in _PLAIN_COLUMNS}
        sealed = False
        for column in TOKEN_COLUMNS:
            stored = row[column]
            try:
                values[column] = self.keyring.decrypt(stored, org_id, column) if stored else None
            except KeyringError as error:
                report_once(org_id, column, error)
                sealed = True
        company = None
        if row["database_number"] or row["company_name"]:
            company = Company(*(row[c] or "" for c in _COMPANY_COLUMNS))
        connection = Connection(
            org_id=org_id,
            company=company,
            last_used_at=row["last_used_at"],
            migration_not_before=row["migration_not_before"],
            **values,
        )
        return (as_sealed(connection), True) if sealed else (connection, False)

    def _row_values(self, connection: Connection, sealed_row: dict | None = None) -> tuple:
        """With `sealed_row`, the tokens left empty keep the ciphertexts stored there."""
        org_id = connection.org_id
        tokens = []
        for column in TOKEN_COLUMNS:
            plain = getattr(connection, column)
            if plain:
                tokens.append(self.keyring.encrypt(plain, org_id, column))
            else:
                tokens.append(sealed_row[column] if sealed_row else None)
        plain_values = [getattr(connection, name) for name in _PLAIN_COLUMNS]
        company = connection.company
        company_values = (
            [company.name, company.organisation_number, company.database_number]
            if company
            else [None, None, None]
        )
        return (org_id, *tokens, *plain_values, *company_values)


class LockedConnection:
    """What a holder of an organisation's lock may do: read and save in one transaction,
    with the connection's events going into the outbox of that same transaction."""

    def __init__(self, store: ConnectionStore, conn: psycopg.Connection, org_id: str):
        self.store = store
        self.conn = conn
        self.org_id = org_id
        self._sealed_row: dict | None = None  # as loaded, when its tokens do not open

    @property
    def sealed(self) -> bool:
        return self._sealed_row is not None

    def load(self) -> Connection | None:
        row = self.conn.execute(
            "SELECT * FROM connections WHERE org_id = %s", (self.org_id,)
        ).fetchone()
        if row is None:
            return None
        connection, sealed = self.store._to_connection(row)
        self._sealed_row = row if sealed else None
        return connection

    def save(
        self,
        connection: Connection,
        events: list[Event] = (),
        audit: AuditEntry | None = None,
    ) -> None:
        # A sealed connection keeps its ciphertexts (the right key may come back) until a new
        # authorization or a disconnect moves it out of needing re-authorization.
        keep = self._sealed_row if connection.state == NEEDS_REAUTHORIZATION else None
        with self.conn.transaction():
            self.conn.execute(_UPSERT, self.store._row_values(connection, keep))
            for event in events:
                publish(self.conn, event.type, self.org_id, event.data)
            if audit is not None:
                _insert_audit(self.conn, self.org_id, audit)

    def audit(self, entry: AuditEntry) -> None:
        _insert_audit(self.conn, self.org_id, entry)


def _insert_audit(conn: psycopg.Connection, org_id: str, entry: AuditEntry) -> None:
    conn.execute(
        "INSERT INTO audit_log (org_id, actor, action, outcome, detail) VALUES (%s, %s, %s, %s, %s)",
        (org_id, entry.actor, entry.action, entry.outcome, Jsonb(entry.detail)),
    )
