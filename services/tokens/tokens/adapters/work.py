"""Work lists for the background processes and the OAuth states table.

Claims use `FOR UPDATE SKIP LOCKED` plus a short `claimed_until`, so several refresher or
migrator replicas share the work without handing the same connection to two of them at once
(the organisation lock still decides; the claim only avoids wasted effort).
"""

from collections.abc import Callable
from datetime import datetime

from psycopg_pool import ConnectionPool

from tokens.adapters.schedule import DUE, MIGRATABLE
from tokens.domain.authorization import PendingAuthorization
from tokens.domain.connection import Policy

_DUE = """
    state = 'connected' AND kind IN ('oauth', 'service')
    AND (cooldown_until IS NULL OR cooldown_until <= now())
    AND (claimed_until IS NULL OR claimed_until <= now())
    AND (
        refresh_started_at <= now() - make_interval(secs => %(interrupted)s)
        OR (kind = 'oauth' AND keepalive_at <= now())
        OR (last_used_at >= now() - make_interval(secs => %(hot)s)
            AND access_expires_at <= now() + make_interval(secs => %(lead)s))
    )
"""


class WorkQueue:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def claim_due_for_refresher(
        self, policy: Policy, limit: int, claim_seconds: float = 60
    ) -> list[str]:
        params = {
            "interrupted": policy.interrupted_after.total_seconds(),
            "hot": policy.hot_window.total_seconds(),
            "lead": policy.refresh_margin.total_seconds() * 2,
            "limit": limit,
            "claim": claim_seconds,
        }
        return self._claim(_DUE, "coalesce(keepalive_at, access_expires_at)", params)

    def claim_due_migrations(self, limit: int, claim_seconds: float = 120) -> list[str]:
        """Legacy connections an operator scheduled whose time has come; nothing else."""
        where = DUE + (
            " AND (claimed_until IS NULL OR claimed_until <= now())"
            " AND (cooldown_until IS NULL OR cooldown_until <= now())"
        )
        order = "migration_not_before, org_id"
        return self._claim(where, order, {"limit": limit, "claim": claim_seconds})

    def count_legacy(self) -> int:
        with self.pool.connection() as conn:
            row = conn.execute(
                f"SELECT count(*) AS n FROM connections WHERE {MIGRATABLE}"
            ).fetchone()
        return row["n"]

    def due_migrations(self) -> list[str]:
        """What the migrator would take now (cool-downs aside), earliest schedule first."""
        with self.pool.connection() as conn:
            rows = conn.execute(
                f"SELECT org_id FROM connections WHERE {DUE} ORDER BY migration_not_before, org_id"
            ).fetchall()
        return [r["org_id"] for r in rows]

    def pending_revocations(self, limit: int) -> list[str]:
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT org_id FROM connections WHERE revoke_pending_token IS NOT NULL LIMIT %s",
                (limit,),
            ).fetchall()
        return [r["org_id"] for r in rows]

    def release(self, org_id: str) -> None:
        with self.pool.connection() as conn:
            conn.execute("UPDATE connections SET claimed_until = NULL WHERE org_id = %s", (org_id,))

    def _claim(self, where: str, order: str, params: dict) -> list[str]:
        with self.pool.connection() as conn:
            rows = conn.execute(
                "UPDATE connections SET claimed_until = now() + make_interval(secs => %(claim)s)"
                f" WHERE org_id IN (SELECT org_id FROM connections WHERE {where}"
                f" ORDER BY {order} LIMIT %(limit)s FOR UPDATE SKIP LOCKED) RETURNING org_id",
                params,
            ).fetchall()
        return [r["org_id"] for r in rows]


class StateStore:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def create(
        self,
        state_hash: bytes,
        org_id: str,
        user_id: str,
        session_hash: bytes,
        account_type: str,
        expires_at: datetime,
        organisation_number: str | None = None,
    ) -> None:
        with self.pool.connection() as conn:
            conn.execute(
                "INSERT INTO oauth_states (state_hash, org_id, user_id, session_hash,"
                " account_type, expires_at, organisation_number)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    state_hash,
                    org_id,
                    user_id,
                    session_hash,
                    account_type,
                    expires_at,
                    organisation_number,
                ),
            )
            conn.execute("DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'")

    def consume(
        self, state_hash: bytes, belongs: Callable[[PendingAuthorization], bool]
    ) -> PendingAuthorization | None:
        """The pending authorization, locked while `belongs` judges it; marked used only when
        it belongs to the caller (and was unused), so a stranger who saw the state cannot use
        it up. The answer tells whether it had been used before."""
        with self.pool.connection() as conn, conn.transaction():
            row = conn.execute(
                "SELECT * FROM oauth_states WHERE state_hash = %s FOR UPDATE", (state_hash,)
            ).fetchone()
            if row is None:
                return None
            pending = PendingAuthorization(
                org_id=row["org_id"],
                user_id=row["user_id"],
                session_hash=bytes(row["session_hash"]),
                account_type=row["account_type"],
                expires_at=row["expires_at"],
                used_at=row["used_at"],
                organisation_number=row["organisation_number"],
            )
            if row["used_at"] is None and belongs(pending):
                conn.execute(
                    "UPDATE oauth_states SET used_at = now() WHERE state_hash = %s", (state_hash,)
                )
        return pending
