"""A dependency that is down is a 503 with Retry-After in the platform's shape, never a 500, and
/readyz names what the app waits for; each outage is logged once, not once per request."""

import logging

import psycopg
import pytest
from flask import Flask
from pika.exceptions import AMQPConnectionError
from psycopg_pool import PoolTimeout
from servicekit.app import create_service_app
from servicekit.mailsink import free_port
from servicekit.outage import DependencyUnavailable
from servicekit.web import install_platform

FAILURES = {
    "/database": psycopg.OperationalError("connection refused"),
    "/pool": PoolTimeout("couldn't get a connection after 3.00 sec"),
    "/broker": AMQPConnectionError("connection refused"),
    "/service": DependencyUnavailable("tokens"),
}


def failing_with(error: Exception):
    def view():
        raise error

    return view


@pytest.fixture
def app():
    app = Flask("kit-unavailable")
    install_platform(app, "kit-unavailable")
    for path, error in FAILURES.items():
        app.add_url_rule(path, path, failing_with(error))
    return app


@pytest.mark.parametrize("path", list(FAILURES))
def test_a_dependency_that_is_down_is_a_503_with_retry_after(app, path):
    answer = app.test_client().get(path)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.json["error"]["code"] == "temporarily_unavailable"


def test_an_outage_is_logged_once_however_many_requests_meet_it(app, caplog):
    with caplog.at_level(logging.WARNING, logger="servicekit.outage"):
        for _ in range(5):
            app.test_client().get("/database")
    said = [r.getMessage() for r in caplog.records]
    assert said == ["postgresql unavailable; waiting for it and retrying"]


def test_readyz_names_the_broker_it_waits_for():
    nobody = f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F"
    app = create_service_app("kit-ready", database_url=None, migrations=None, amqp_url=nobody)
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.json["waiting_for"] == ["rabbitmq"]
    assert app.test_client().get("/healthz").status_code == 200
