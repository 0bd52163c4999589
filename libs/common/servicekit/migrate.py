"""A very small migration runner: numbered .sql files applied once each, in order.

A session-level advisory lock lets any number of processes start at once: one applies, the others
wait and then find nothing left to do.
"""

import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path

import click
import psycopg
from psycopg_pool import ConnectionPool

from servicekit.backoff import Backoff
from servicekit.db import ensure_database, open_pool
from servicekit.outage import POSTGRESQL, Outage

log = logging.getLogger(__name__)
_LOCK_ID = 727_201_001
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def pending_files(directory: Path) -> list[tuple[int, Path]]:
    found = []
    for path in sorted(directory.iterdir()):
        match = _NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
        elif path.suffix == ".sql":
            raise ValueError(f"migration file name must look like 0001_name.sql: {path.name}")
    versions = [v for v, _ in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"two migrations share a number in {directory}")
    return found


KIT_MIGRATIONS = Path(__file__).parent / "migrations"


def migrate(url: str, directory: Path) -> list[str]:
    """Create the database if needed, then apply the kit's tables (outbox, inbox) and every
    migration of the service's directory that is not applied yet."""
    ensure_database(url)
    applied_now = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " component text NOT NULL, version integer NOT NULL, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))"
            )
            for component, folder in (("servicekit", KIT_MIGRATIONS), ("service", directory)):
                applied_now += _apply(conn, component, folder)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))
    return applied_now


def migrate_patiently(
    url: str, directory: Path, outage: Outage, stop: threading.Event | None = None
) -> list[str] | None:
    """migrate(), retried with backoff while PostgreSQL is down (logged once, by `outage`);
    None when `stop` was set first."""
    backoff, stop = Backoff(), stop or threading.Event()
    while not stop.is_set():
        try:
            applied = migrate(url, directory)
        except psycopg.OperationalError as exc:
            outage.down(POSTGRESQL, exc)
            backoff.wait(stop)
        else:
            outage.up(POSTGRESQL)
            return applied
    return None


def _apply(conn: psycopg.Connection, component: str, directory: Path) -> list[str]:
    done = {
        r[0]
        for r in conn.execute(
            "SELECT version FROM schema_migrations WHERE component = %s", (component,)
        )
    }
    applied = []
    for version, path in pending_files(directory):
        if version in done:
            continue
        with conn.transaction():
            conn.execute(path.read_text())
            conn.execute(
                "INSERT INTO schema_migrations (component, version, name) VALUES (%s, %s, %s)",
                (component, version, path.name),
            )
        applied.append(path.name)
        log.info("migration applied", extra={"migration": path.name, "component": component})
    return applied


def migrate_command(name: str, load_config: Callable[[], dict], migrations: Path) -> click.Command:
    """The `migrate` command of a service's command line; `name` starts its one-line report."""

    @click.command("migrate")
    def command() -> None:
        """Create the database if needed and apply pending migrations."""
        applied = migrate(load_config()["DATABASE_URL"], migrations)
        click.echo(f"{name}: {len(applied)} migration(s) applied")

    return command


def command_pool(url: str, migrations: Path, name: str, max_size: int = 2) -> ConnectionPool:
    """A command line's pool, on a migrated database, closed when the command ends: a pool left
    to the garbage collector may be collected on one of its own worker threads, which cannot
    join itself."""
    migrate(url, migrations)
    pool = open_pool(url, max_size=max_size, name=name)
    click.get_current_context().call_on_close(pool.close)
    return pool
