"""The gateway in-process (Flask test client) in front of a real auth service on a thread server,
with a throwaway database, the demo data and a real SMTP sink."""

import re

import pytest
from auth import config as auth_config
from auth.adapters.mail import deliver_due
from auth.entrypoints.api import MIGRATIONS
from auth.entrypoints.api import create_app as create_auth
from auth.handlers import seed
from gateway import config as gateway_config
from gateway.entrypoints.api import create_app as create_gateway
from servicekit.testing import CALLER_KEYS, nobody_there, served
from werkzeug.serving import make_server

PASSWORD = seed.DEMO_PASSWORD
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def auth_service(make_database, smtp_sink):
    env = {
        "AUTH_DATABASE_URL": make_database(MIGRATIONS, prefix="gw_auth"),
        **CALLER_KEYS,
        "SMTP_PORT": str(smtp_sink.port),
        "PUBLIC_BASE_URL": "https://apps.example.se",
        "LOG_LEVEL": "WARNING",
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_TIME_COST": "1",
    }
    app = create_auth(auth_config.load(env))
    seed.seed_demo(app.extensions["auth"])
    yield from serving(app)


def serving(app):
    """Serve a service's app on a thread server (its address in `app.url`) until the fixture
    that yields from this ends; then close the app's database pool."""
    with served(make_server("127.0.0.1", 0, app, threaded=True)) as app.url:
        yield app
    app.extensions["db_pool"].close()


def gateway_env(auth_service, **overrides) -> dict:
    """The gateway's environment: the auth service of the test; tokens and settings down unless
    the test passes its own (never whatever a developer's `make run` has on the default ports)."""
    return {
        "AUTH_URL": auth_service.url,
        "TOKENS_URL": nobody_there(),
        "SETTINGS_URL": nobody_there(),
        **CALLER_KEYS,
        "GATEWAY_SECRET_KEY": "gateway-test-secret",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


class Visitor:
    """One browser: a cookie jar, forms posted with the CSRF token of the page they came from."""

    def __init__(self, app, base_url="http://localhost"):
        self.app = app
        self.client = app.test_client()
        self.base_url = base_url

    def get(self, path, **kw):
        return self.client.get(path, base_url=self.base_url, **kw)

    def csrf(self, page="/logga-in") -> str:
        return _CSRF.search(self.get(page).get_data(as_text=True)).group(1)

    def post(self, path, data=None, csrf_from: str | None = "/logga-in", **kw):
        data = dict(data or {})
        if csrf_from:
            data["csrf_token"] = self.csrf(csrf_from)
        return self.client.post(path, data=data, base_url=self.base_url, **kw)

    def log_in(self, identifier="900232", password=PASSWORD):
        response = self.post("/logga-in", {"identifier": identifier, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


@pytest.fixture
def gateway(auth_service):
    return create_gateway(gateway_config.load(gateway_env(auth_service)))


@pytest.fixture
def visitor(gateway):
    return Visitor(gateway)


@pytest.fixture
def kaisa(gateway):
    visitor = Visitor(gateway)
    visitor.log_in()
    return visitor


@pytest.fixture
def olle(gateway):
    visitor = Visitor(gateway)
    visitor.log_in("olle@jlmdata.se")
    return visitor


def lacking(html: str, *texts: str) -> list[str]:
    """The texts a page does not show (an assert on it names them)."""
    return [text for text in texts if text not in html]


def deliver_mail(auth_service) -> None:
    ctx = auth_service.extensions["auth"]
    deliver_due(ctx.pool, ctx.smtp, ctx.clock)


def db_rows(auth_service, sql, *params):
    with auth_service.extensions["db_pool"].connection() as conn:
        return conn.execute(sql, params).fetchall()
