"""Pytest plugin: real PostgreSQL and RabbitMQ for every test run, never the platform's own data.

The local services are used when they answer; otherwise, where a Docker engine runs,
testcontainers starts throwaway ones. Neither available: the tests error loudly.
"""

import os
import socket
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pika
import psycopg
import pytest

from servicekit import db
from servicekit.events import topology
from servicekit.migrate import migrate

LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _answers(url: str, default_port: int, patience: float = 20.0) -> bool:
    """True when the server accepts connections, waiting a little for one that is restarting."""
    parsed = urlparse(url)
    deadline = time.monotonic() + patience
    while True:
        try:
            with socket.create_connection(
                (parsed.hostname, parsed.port or default_port), timeout=2
            ):
                return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.5)


def _docker_engine_available() -> bool:
    try:
        import docker

        client = docker.from_env()
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - any failure means no engine
        return False


def _missing(what: str) -> None:
    pytest.fail(
        f"{what} is not reachable and no Docker engine runs for testcontainers; "
        "start it (see .ci/run) — these tests never skip.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def postgres_url():
    """URL of a PostgreSQL server (database `postgres`) the tests may create databases on."""
    url = os.environ.get("TEST_POSTGRES_URL", LOCAL_PG)
    if _answers(url, 5432):
        yield url
        return
    if not _docker_engine_available():
        _missing("PostgreSQL")
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16", driver=None) as container:
        yield container.get_connection_url().replace("postgresql+psycopg2", "postgresql")


@pytest.fixture(scope="session")
def amqp_url():
    url = os.environ.get("TEST_AMQP_URL", LOCAL_AMQP)
    if _answers(url, 5672):
        yield url
        return
    if not _docker_engine_available():
        _missing("RabbitMQ")
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.13") as container:
        params = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}/%2F"


@pytest.fixture(scope="session")
def make_database(postgres_url):
    """Factory: a throwaway database, migrated from the given folder; dropped after the run."""
    created = []

    def _make(migrations: Path | None = None, prefix: str = "t") -> str:
        url = db.with_database(postgres_url, f"{prefix}_{uuid.uuid4().hex[:12]}")
        db.ensure_database(url)
        created.append(url)
        if migrations is not None:
            migrate(url, migrations)
        return url

    yield _make
    try:
        problems = [line for url in created for line in _nonconforming_events(url)]
    finally:
        for url in created:
            db.drop_database(url)
    if problems:
        pytest.fail(
            "events written to an outbox during the tests do not match their published"
            " contracts:\n  " + "\n  ".join(problems[:50]),
            pytrace=False,
        )


def _nonconforming_events(url: str) -> list[str]:
    """The contract check of every event any test made a service publish (the events bus's own
    `probe.*` test types excepted: some tests write broken rows of those on purpose)."""
    from servicekit.contracts.conformance import schema_errors

    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('outbox')").fetchone()[0] is None:
            return []
        rows = conn.execute(
            "SELECT envelope FROM outbox WHERE type NOT LIKE 'probe.%' ORDER BY seq"
        ).fetchall()
    return [
        f"{envelope.get('type')} {envelope.get('id')}: {error}"
        for (envelope,) in rows
        for error in schema_errors(envelope)
    ]


@pytest.fixture
def exchange_name(amqp_url):
    """A topic exchange name of this test's own; it and its test queues are deleted after."""
    name = f"test.{uuid.uuid4().hex[:10]}"
    yield name
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        topology.delete_bus(connection.channel(), name)
    finally:
        connection.close()


@pytest.fixture
def smtp_sink():
    """A real SMTP server on a free port of 127.0.0.1; `.wait_for(address)` returns a mail."""
    from servicekit.mailsink import MailSink

    sink = MailSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def own_postgres():
    """A PostgreSQL cluster of this test's own, running (servicekit.own_servers.OwnPostgres):
    stop, restart or kill it freely; it is removed after the test, whatever happened."""
    from servicekit.own_servers import OwnPostgres

    server = OwnPostgres()
    try:
        yield server.start()
    finally:
        server.remove()


@pytest.fixture
def own_rabbitmq():
    """A RabbitMQ node of this test's own, running (servicekit.own_servers.OwnRabbitMQ): stop
    and start it freely; it is stopped and removed after the test."""
    from servicekit.own_servers import OwnRabbitMQ

    server = OwnRabbitMQ()
    try:
        yield server.start()
    finally:
        server.remove()
