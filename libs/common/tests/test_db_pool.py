"""The pool hands out working connections without a round trip on every checkout, and still
replaces one that PostgreSQL ended, however recently it was used."""

import psycopg
import pytest
from servicekit import db


def backend_pid(pool) -> int:
    with pool.connection() as conn:
        return conn.execute("SELECT pg_backend_pid() AS pid").fetchone()["pid"]


@pytest.fixture
def pool(make_database):
    pool = db.open_pool(make_database(prefix="pool"), min_size=1, max_size=1)
    pool.wait()
    yield pool
    pool.close()


def test_a_connection_used_a_moment_ago_is_handed_out_again(pool):
    assert backend_pid(pool) == backend_pid(pool)


def test_a_connection_the_server_ended_right_after_its_use_is_replaced(pool):
    ended = backend_pid(pool)
    with psycopg.connect(db.with_database(pool.conninfo, "postgres"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (ended,))
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (ended,)).fetchone():
            pass  # the backend has said goodbye once it is gone from the list

    assert backend_pid(pool) != ended


def test_a_pool_used_just_before_a_postgresql_restart_serves_right_after_it(own_postgres):
    pool = db.open_pool(own_postgres.url, min_size=2, max_size=2)
    try:
        pool.wait()
        before = backend_pid(pool)
        own_postgres.restart()

        assert backend_pid(pool) != before
    finally:
        pool.close()
