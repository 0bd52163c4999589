"""The settings service while its PostgreSQL is down (issue 10): the web app boots anyway and
says what it waits for, a save is refused with 503 + Retry-After and stores nothing, and the
service serves again once PostgreSQL is back. PostgreSQL is a cluster of the test's own."""

import psycopg
from servicekit import db
from servicekit.events.harness import wait_for
from settings import config as settings_config
from settings.entrypoints.api import create_app

from .conftest import INTERNAL_KEY, Api

ORG = "00000000-0000-4000-8000-0000000000ab"
PATH = f"/internal/organisations/{ORG}/payment-method"
SAVE = {"method": "bankgiro", "number": "160 9908", "changed_by": "user:1"}
OTHER = {"method": "bankgiro", "number": "5050-1055", "changed_by": "user:2"}


def settings_app(database_url: str):
    environ = {
        "SETTINGS_DATABASE_URL": database_url,
        "INTERNAL_API_KEY": INTERNAL_KEY,
        "TOKENS_URL": "http://127.0.0.1:9",
        "LOG_LEVEL": "WARNING",
    }
    return create_app(settings_config.load(environ))


def assert_unavailable(answer) -> None:
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.get_json()["error"]["code"] == "temporarily_unavailable"


def test_the_app_boots_while_postgresql_is_down_and_serves_once_it_is_back(own_postgres):
    own_postgres.stop()
    app = settings_app(db.with_database(own_postgres.url, "rf_settings"))
    try:
        api = Api(app)
        assert api.get("/healthz").status_code == 200
        ready = api.get("/readyz")
        assert ready.status_code == 503
        assert ready.get_json()["waiting_for"] == ["postgresql", "migrations"]
        assert_unavailable(api.get(PATH))

        own_postgres.start()
        wait_for(lambda: api.get("/readyz").status_code == 200, 30, "the app to be ready")
        assert api.put(PATH, SAVE).status_code == 200
    finally:
        app.extensions["db_pool"].close()


def test_a_save_while_postgresql_is_down_is_refused_and_stores_nothing(own_postgres):
    url = db.with_database(own_postgres.url, "rf_settings")
    app = settings_app(url)
    try:
        api = Api(app)
        assert api.put(PATH, SAVE).status_code == 200

        own_postgres.stop()
        assert_unavailable(api.put(PATH, OTHER))
        own_postgres.start()

        wait_for(lambda: api.get(PATH).status_code == 200, 30, "the service to answer again")
        assert api.get(PATH).get_json()["display"] == "160-9908"
        with psycopg.connect(url) as conn:
            events = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        assert events == 1  # the refused save published nothing either
    finally:
        app.extensions["db_pool"].close()
