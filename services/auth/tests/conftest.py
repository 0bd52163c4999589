"""A fresh auth app on a throwaway database per test, a clock the test moves, a real SMTP sink."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from auth import config as auth_config
from auth.adapters.mail import deliver_due
from auth.entrypoints.api import MIGRATIONS, create_app
from auth.entrypoints.internal_api import SESSION_HEADER
from auth.handlers import seed
from servicekit.http import INTERNAL_KEY_HEADER
from servicekit.testing import CALLER_KEYS, serving

INTERNAL_KEY = CALLER_KEYS["GATEWAY_INTERNAL_KEY"]
# Cheap argon2 for tests that are not about hashing; the production defaults are tested apart.
LIGHT_ARGON2 = {"ARGON2_MEMORY_KIB": "1024", "ARGON2_TIME_COST": "1", "ARGON2_PARALLELISM": "1"}
DEMO_ORG = seed.DEMO_ORG_ID
PASSWORD = seed.DEMO_PASSWORD


class FakeClock:
    def __init__(self) -> None:
        # A little behind real time, so a worker on the real clock finds the test's mail due.
        self.now = datetime.now(UTC) - timedelta(minutes=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


class Api:
    """The internal API as the gateway calls it."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def call(self, method: str, path: str, json=None, session: str | None = None, key=INTERNAL_KEY):
        headers = {INTERNAL_KEY_HEADER: key} if key else {}
        if session:
            headers[SESSION_HEADER] = session
        return self.client.open(path, method=method, json=json, headers=headers)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json, **kw)

    def login(self, identifier="900232", password=PASSWORD, address="198.51.100.7"):
        return self.post(
            "/internal/login",
            {"identifier": identifier, "password": password, "client_address": address},
        )

    def session_of(self, identifier="900232", password=PASSWORD) -> str:
        response = self.login(identifier, password)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["session_token"]

    def deliver_mail(self) -> int:
        ctx = self.app.extensions["auth"]
        return deliver_due(ctx.pool, ctx.smtp, ctx.clock)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def auth_env(make_database, smtp_sink):
    return {
        "AUTH_DATABASE_URL": make_database(MIGRATIONS, prefix="auth"),
        **CALLER_KEYS,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_sink.port),
        "PUBLIC_BASE_URL": "https://apps.example.se",
        "LOG_LEVEL": "WARNING",
        **LIGHT_ARGON2,
    }


@pytest.fixture
def app(auth_env, clock):
    with serving(create_app(auth_config.load(auth_env), clock=clock)) as app:
        yield app


@pytest.fixture
def api(app):
    return Api(app)


@pytest.fixture
def demo(app):
    """The demo organisation, seeded."""
    seed.seed_demo(app.extensions["auth"])
    return app.extensions["auth"]


def rows(app, sql: str, *params) -> list[dict]:
    with app.extensions["db_pool"].connection() as conn:
        return conn.execute(sql, params).fetchall()


OTHER = {
    "company_name": "Annat AB",
    "org_number": "556016-0680",
    "name": "Anna Annan",
    "email": "anna@annat.se",
    "password": "anna's long passphrase",
}


def token_of(link: str) -> str:
    return parse_qs(urlparse(link).query)["t"][0]


@pytest.fixture
def other(demo, api, smtp_sink):
    """A second organisation with its administrator logged in: (org id, session)."""
    assert api.post("/internal/registrations", OTHER).status_code == 202
    api.deliver_mail()
    api.post(
        "/internal/verifications",
        {"token": token_of(smtp_sink.links(smtp_sink.wait_for(OTHER["email"]))[0])},
    )
    session = api.session_of(OTHER["email"], OTHER["password"])
    me = api.post("/internal/sessions/resolve", {"session_token": session}).get_json()
    return me["org_id"], session
