"""A fresh settings app on a throwaway database per test, called as the gateway calls it."""

import pytest
from servicekit.http import INTERNAL_KEY_HEADER
from servicekit.testing import CALLER_KEYS, assertion_headers, serving
from settings import config as settings_config
from settings.entrypoints.api import MIGRATIONS, create_app

INTERNAL_KEY = CALLER_KEYS["GATEWAY_INTERNAL_KEY"]


class Api:
    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def call(self, method: str, path: str, json=None, key: str | None = INTERNAL_KEY, headers=None):
        headers = ({INTERNAL_KEY_HEADER: key} if key else {}) | (headers or {})
        return self.client.open(path, method=method, json=json, headers=headers)

    def get(self, path: str, **kw):
        return self.call("GET", path, **kw)

    def put(self, path: str, json=None, user: str | None = "1", headers=None, **kw):
        """As the gateway saves: with auth's assertion that administrator `user` does it."""
        org_id = path.split("/")[3]
        vouched = assertion_headers("settings.save_payment_method", org_id, user) if user else {}
        return self.call("PUT", path, json, headers=vouched | (headers or {}), **kw)

    def post(self, path: str, json=None, **kw):
        return self.call("POST", path, json, **kw)


@pytest.fixture
def settings_env(make_database, amqp_url):
    return {
        "SETTINGS_DATABASE_URL": make_database(MIGRATIONS, prefix="t_settings"),
        "AMQP_URL": amqp_url,
        **CALLER_KEYS,
        "TOKENS_URL": "http://127.0.0.1:9",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def app(settings_env):
    with serving(create_app(settings_config.load(settings_env))) as app:
        yield app


@pytest.fixture
def api(app):
    return Api(app)


@pytest.fixture
def ctx(app):
    return app.extensions["settings"]
