"""The legacy-migration schedule: which legacy connections an operator decided the migrator may
migrate, and from when (`connections.migration_not_before`; NULL: the customer's own "Ny Token").

Each change is one statement that writes its audit entries too, so the schedule and its trail
never disagree, and it touches only connections that are migratable at that very moment. Saves
of a connection never write the column; they clear it once the connection stops being a
connected legacy one (adapters/repository.py).
"""

from datetime import datetime

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

MIGRATABLE = "kind = 'legacy' AND state = 'connected' AND legacy_token IS NOT NULL"
DUE = f"{MIGRATABLE} AND migration_not_before <= now()"

_COLUMNS = "org_id, company_name, database_number, migration_not_before"
_CHOSEN = "(%(all)s OR org_id = ANY(%(ids)s))"

_SCHEDULE = f"""
    WITH chosen AS (
        SELECT org_id, migration_not_before AS previous FROM connections
        WHERE {MIGRATABLE} AND {_CHOSEN} FOR UPDATE
    ), changed AS (
        UPDATE connections c SET migration_not_before = %(at)s, updated_at = now() FROM chosen
        WHERE c.org_id = chosen.org_id
        RETURNING c.org_id, c.company_name, c.database_number, chosen.previous
    ), audited AS (
        INSERT INTO audit_log (org_id, actor, action, outcome, detail)
        SELECT org_id, %(actor)s, 'schedule_migration', 'scheduled', %(detail)s
            || jsonb_build_object('not_before', %(at)s::timestamptz, 'previous', previous)
        FROM changed
    )
    SELECT * FROM changed ORDER BY org_id
"""

_UNSCHEDULE = f"""
    WITH chosen AS (
        SELECT org_id, migration_not_before AS previous FROM connections
        WHERE migration_not_before IS NOT NULL AND {_CHOSEN} FOR UPDATE
    ), changed AS (
        UPDATE connections c SET migration_not_before = NULL, updated_at = now() FROM chosen
        WHERE c.org_id = chosen.org_id
        RETURNING c.org_id, c.company_name, c.database_number, chosen.previous
    ), audited AS (
        INSERT INTO audit_log (org_id, actor, action, outcome, detail)
        SELECT org_id, %(actor)s, 'unschedule_migration', 'unscheduled', %(detail)s
            || jsonb_build_object('previous', previous)
        FROM changed
    )
    SELECT * FROM changed ORDER BY org_id
"""


class ScheduleChanged(Exception):
    """A named connection stopped being migratable while it was being scheduled."""

    def __init__(self, org_ids: list[str]):
        super().__init__(", ".join(org_ids))
        self.org_ids = org_ids


class MigrationSchedule:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def migratable(self, org_ids: list[str] | None = None) -> list[dict]:
        """Connected legacy connections (every one, or those of `org_ids`) and their schedule."""
        return self._rows(MIGRATABLE, org_ids)

    def scheduled(self, org_ids: list[str] | None = None) -> list[dict]:
        """Connections with a schedule (every one, or those of `org_ids`), earliest first."""
        return self._rows("migration_not_before IS NOT NULL", org_ids, "migration_not_before")

    def schedule(
        self, org_ids: list[str] | None, not_before: datetime, actor: str, detail: dict
    ) -> list[dict]:
        """Schedule every migratable connection, or exactly those of `org_ids`: when one of
        them is no longer migratable, nothing is scheduled (ScheduleChanged)."""
        params = self._params(org_ids, actor, detail) | {"at": not_before}
        with self.pool.connection() as conn, conn.transaction():
            rows = conn.execute(_SCHEDULE, params).fetchall()
            missing = sorted(set(org_ids or ()) - {row["org_id"] for row in rows})
            if missing:
                raise ScheduleChanged(missing)  # rolls the whole statement back
        return rows

    def unschedule(self, org_ids: list[str] | None, actor: str, detail: dict) -> list[dict]:
        """Remove the schedule of every scheduled connection, or of those of `org_ids` that
        have one; returns the removed ones."""
        with self.pool.connection() as conn:
            return conn.execute(_UNSCHEDULE, self._params(org_ids, actor, detail)).fetchall()

    def _rows(self, where: str, org_ids: list[str] | None, order: str = "org_id") -> list[dict]:
        with self.pool.connection() as conn:
            return conn.execute(
                f"SELECT {_COLUMNS} FROM connections WHERE {where} AND {_CHOSEN}"
                f" ORDER BY {order}, org_id",
                {"all": org_ids is None, "ids": list(org_ids or ())},
            ).fetchall()

    @staticmethod
    def _params(org_ids: list[str] | None, actor: str, detail: dict) -> dict:
        return {
            "all": org_ids is None,
            "ids": list(org_ids or ()),
            "actor": actor,
            "detail": Jsonb(detail),
        }
