"""Pytest plugin: real PostgreSQL and RabbitMQ for every test run, never the platform's own data.

The local services are used when they answer; otherwise, where a Docker engine runs,
testcontainers starts throwaway ones. Neither available: the tests error loudly.
"""

import contextlib
import json
import os
import secrets
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pika
import psycopg
import pytest

from servicekit import assertions, callers, db
from servicekit.events import topology
from servicekit.events.harness import poll
from servicekit.http import INTERNAL_KEY_HEADER
from servicekit.mailsink import free_port
from servicekit.migrate import migrate

LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"
# One credential per caller of the internal APIs for this test run, random like real ones, and
# auth's key pair for the assertions of who starts an action.
_SIGNING, _VERIFY = assertions.new_key_pair()
CALLER_KEYS = {variable: secrets.token_urlsafe(32) for variable in callers.VARIABLES.values()}
CALLER_KEYS |= {"ACTION_SIGNING_KEY": _SIGNING, "ACTION_VERIFY_KEYS": _VERIFY}


def assertion_headers(
    action: str,
    org_id: str,
    user_id: str = "7",
    role: str = "administrator",
    session: str = "s",
    org_number: str | None = None,
) -> dict[str, str]:
    """Auth's assertion that this person, in this session, starts `action` in the organisation
    (whose own number auth knows as `org_number`), signed as auth signs it in this test run."""
    person = {"org_id": org_id, "user_id": user_id, "role": role, "org_number": org_number}
    return {assertions.HEADER: assertions.sign(_SIGNING, action, person, session)["assertion"]}


def caller_headers(caller: str) -> dict[str, str]:
    """The headers a request of this caller (servicekit.callers.VARIABLES) carries in tests."""
    return {INTERNAL_KEY_HEADER: CALLER_KEYS[callers.VARIABLES[caller]]}


def answer_as(app, endpoint: str, caller: str, **values: str) -> tuple[int, str]:
    """Call the endpoint's route as this caller, with these route values (made-up ids for the
    rest) and an empty JSON body: the status and the error code ("" when none)."""
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    for name in rule.arguments - set(values):
        values[name] = "reset" if name == "purpose" else str(uuid.uuid4())
    with app.test_request_context():
        url = url_for(endpoint, **values)
    method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    answer = app.test_client().open(url, method=method, json={}, headers=caller_headers(caller))
    body = answer.get_json(silent=True) or {}
    return answer.status_code, (body.get("error") or {}).get("code", "")


def row_problems(app, blueprint: str, view: str, allowed: dict) -> list[tuple]:
    """Every platform caller calls the view: those its allow-list row names must get through,
    the others must be refused (403, or 401 when the service does not know them at all)."""
    problems = []
    for caller in callers.VARIABLES:
        status, code = answer_as(app, f"{blueprint}.{view}", caller)
        refused = code in {"caller_not_allowed", "unauthorized"}
        if refused == (caller in allowed[view]):
            problems.append((caller, status, code))
    return problems


_ACTION_ROUTES = {
    ("POST", "/fortnox/connect"): "fortnox.connect",
    ("POST", "/fortnox/callback"): "fortnox.callback",
    ("POST", "/fortnox/check"): "fortnox.check",
    ("POST", "/fortnox/disconnect"): "fortnox.disconnect",
    ("PUT", "/payment-method"): "settings.save_payment_method",
}


def vouched_headers(method: str, path: str, org_id: str | None) -> dict[str, str]:
    """internal_headers(), and for an action's route auth's assertion of it by user 7 in
    session `s` of the organisation (tests of every route, like the OpenAPI checks)."""
    headers = internal_headers(path)
    for (action_method, suffix), action in _ACTION_ROUTES.items():
        if method.upper() == action_method and path.endswith(suffix):
            headers |= assertion_headers(action, org_id or str(uuid.uuid4()))
    return headers


def internal_headers(path: str) -> dict[str, str]:
    """The headers of the caller the allow-lists let call an internal path: the Resultat Finans
    backend for access tokens, operators for the audit trail and company rebuilds, the gateway
    for the rest."""
    if path.endswith("/access-token"):
        return caller_headers("resultat-finans")
    if path.endswith(("/audit", "/company/rebuild")):
        return caller_headers("operator")
    return caller_headers("gateway")


def _answers(url: str, default_port: int, patience: float = 20.0) -> bool:
    """True when the server accepts connections, waiting a little for one that is restarting."""
    parsed = urlparse(url)

    def connects() -> bool:
        try:
            with socket.create_connection((parsed.hostname, parsed.port or default_port), 2):
                return True
        except OSError:
            return False

    return bool(poll(connects, patience, interval=0.5))


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


def _server(variable: str, local: str, port: int, what: str, container):
    """The server the variable (else the local one) names when it answers, else one in a
    container started by `container()` (a generator of its URL) for the run."""
    url = os.environ.get(variable, local)
    if _answers(url, port):
        yield url
        return
    if not _docker_engine_available():
        _missing(what)
    yield from container()


def _postgres_container():
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16", driver=None) as container:
        yield container.get_connection_url().replace("postgresql+psycopg2", "postgresql")


def _rabbitmq_container():
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.13") as container:
        params = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}/%2F"


@pytest.fixture(scope="session")
def postgres_url():
    """URL of a PostgreSQL server (database `postgres`) the tests may create databases on."""
    yield from _server("TEST_POSTGRES_URL", LOCAL_PG, 5432, "PostgreSQL", _postgres_container)


@pytest.fixture(scope="session")
def amqp_url():
    yield from _server("TEST_AMQP_URL", LOCAL_AMQP, 5672, "RabbitMQ", _rabbitmq_container)


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
def publish_event(amqp_url, exchange_name):
    """Publish an envelope to the test's exchange as a relay does (persistent, confirmed,
    mandatory; the routing key is its type); returns the envelope."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()

    def _publish(envelope: dict) -> dict:
        channel.basic_publish(
            exchange=exchange_name,
            routing_key=envelope["type"],
            body=json.dumps(envelope, default=str).encode(),
            properties=pika.BasicProperties(
                message_id=envelope["id"], delivery_mode=pika.DeliveryMode.Persistent
            ),
            mandatory=True,
        )
        return envelope

    yield _publish
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


@contextlib.contextmanager
def serving(app):
    """A service's app for one test (every service's `app` fixture): its database pool is
    closed when the test is done with it."""
    try:
        yield app
    finally:
        app.extensions["db_pool"].close()


@contextlib.contextmanager
def served(server) -> Iterator[str]:
    """A server of the socketserver kind (werkzeug's make_server, http.server's) answering on a
    thread: its base URL inside the block; shut down and closed after it."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def nobody_there() -> str:
    """The URL of a port nobody listens on: a service that is down, and never one that a
    developer's `make run` happens to answer on."""
    return f"http://127.0.0.1:{free_port()}"
