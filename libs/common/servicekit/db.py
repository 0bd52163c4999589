"""PostgreSQL access: one psycopg_pool per process, opened after gunicorn forks."""

import select
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

# How long a request waits for a connection before it is refused (PoolTimeout, a 503): long
# enough to ride out a PostgreSQL restart, far inside gunicorn's and the callers' timeouts.
CONNECTION_WAIT_SECONDS = 3.0
# psycopg_pool retries a lost connection with doubling pauses until this gives up; a new request
# then starts a fresh attempt at once. Kept small, so the pool never sleeps long after
# PostgreSQL is back.
RECONNECT_GIVE_UP_SECONDS = 2.0
# A server that does not answer at all (a failover, a dropped network) must not hold a process
# for the kernel's two minutes of SYN retries.
CONNECT_TIMEOUT_SECONDS = 5
# A connection back in the pool for longer than this is asked "are you there?" (a round trip)
# before it is handed out; one used more recently is handed out on a look at its socket alone.
QUIET_SECONDS = 5.0


def open_pool(
    url: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    name: str = "",
    on_connect: Callable[[psycopg.Connection], None] | None = None,
) -> ConnectionPool:
    """A pool that opens without waiting for PostgreSQL (a process starts while it is down) and
    checks each connection before handing it out (one left dead by a restart is replaced, see
    check_connection). `on_connect` is called with each new connection: PostgreSQL answers
    again."""
    pool = ConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        kwargs={"row_factory": dict_row, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
        name=name or None,
        open=False,
        check=check_connection,
        reset=_note_returned,
        timeout=CONNECTION_WAIT_SECONDS,
        reconnect_timeout=RECONNECT_GIVE_UP_SECONDS,
        configure=on_connect,
    )
    pool.open(wait=False)
    return pool


def check_connection(conn: psycopg.Connection) -> None:
    """Raise when a connection about to be handed out is dead, so that the pool replaces it.

    A server that ends a connection (a restart, a terminated backend) says so on its socket:
    a goodbye message or the end of the stream, readable at once. A connection whose socket is
    quiet and that was in use a moment ago is handed out as it is; the others make the round
    trip of psycopg_pool's own check. That round trip on every checkout was one more wait for
    PostgreSQL in every request of every service."""
    returned_at = getattr(conn, _RETURNED_AT, None)
    if (
        returned_at is None
        or time.monotonic() - returned_at > QUIET_SECONDS
        or _says_something(conn)
    ):
        ConnectionPool.check_connection(conn)


_RETURNED_AT = "_servicekit_returned_at"


def _note_returned(conn: psycopg.Connection) -> None:
    setattr(conn, _RETURNED_AT, time.monotonic())


def _says_something(conn: psycopg.Connection) -> bool:
    """The server sent something to a connection nobody is using: it is going away (or sent a
    notice); either way the full check is worth its round trip."""
    if conn.closed:
        return True
    poller = select.poll()
    poller.register(conn.pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


@contextmanager
def transaction(pool: ConnectionPool) -> Iterator[psycopg.Connection]:
    """A connection inside one transaction: committed on success, rolled back on error."""
    with pool.connection() as conn:
        with conn.transaction():
            yield conn


@contextmanager
def autocommit(pool: ConnectionPool) -> Iterator[psycopg.Connection]:
    """A connection whose every statement commits on its own: a read, or a single write, needs
    no BEGIN and COMMIT/ROLLBACK round trips (the pages' and the hand-out's hot paths)."""
    with pool.connection() as conn:
        conn.autocommit = True
        try:
            yield conn
        finally:
            conn.autocommit = False


def database_name(url: str) -> str:
    return conninfo_to_dict(url)["dbname"]


def with_database(url: str, dbname: str) -> str:
    return make_conninfo(url, dbname=dbname)


def ensure_database(url: str) -> bool:
    """Create the URL's database if it does not exist; True when it was created."""
    name = database_name(url)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False
        return True


def drop_database(url: str) -> None:
    name = database_name(url)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def ping(pool: ConnectionPool) -> None:
    with pool.connection(timeout=2) as conn:
        conn.execute("SELECT 1")
