"""Rebuilding company info asks the real tokens service's status API."""

import base64
import secrets
import threading
import uuid

import pytest
from click.testing import CliRunner
from servicekit.http import internal_key
from servicekit.testing import CALLER_KEYS
from settings.adapters.tokens import TokensStatus
from settings.entrypoints.cli import cli
from settings.handlers import company
from tokens import config as tokens_config
from tokens.domain.model import Company
from tokens.entrypoints.api import MIGRATIONS as TOKENS_MIGRATIONS
from tokens.entrypoints.api import create_app as create_tokens_app
from tokens.handlers import imports
from werkzeug.serving import make_server


@pytest.fixture
def tokens_service(make_database, amqp_url, settings_env):
    """The tokens service's real app on a free port of 127.0.0.1, in a thread."""
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    app = create_tokens_app(
        tokens_config.load(
            {
                "TOKENS_DATABASE_URL": make_database(TOKENS_MIGRATIONS, prefix="t_tokens"),
                "AMQP_URL": amqp_url,
                **CALLER_KEYS,
                "TOKENS_ENCRYPTION_KEYS": f"k1:{key}",
                "FORTNOX_CLIENT_SECRET": "unused-here",
                "FORTNOX_AUTH_URL": "http://127.0.0.1:9",
                "FORTNOX_API_URL": "http://127.0.0.1:9",
                "LOG_LEVEL": "WARNING",
            }
        )
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    app.extensions["db_pool"].close()


@pytest.fixture
def connected_org(tokens_service):
    app, _url = tokens_service
    org_id = str(uuid.uuid4())
    company_facts = Company("Jlmdata AB", "559192-5788", "900232")
    imports.import_legacy(app.extensions["tokens"], org_id, "legacy-x", company_facts, actor="t")
    return org_id


@pytest.fixture
def settings_ctx(ctx, tokens_service, settings_env):
    ctx.tokens = TokensStatus(
        tokens_service[1], internal_key(settings_env["SETTINGS_INTERNAL_KEY"])
    )
    return ctx


def test_rebuild_takes_the_company_from_the_tokens_service(settings_ctx, connected_org):
    info = company.rebuild(settings_ctx, connected_org)
    assert (info.company_name, info.organisation_number, info.database_number) == (
        "Jlmdata AB",
        "559192-5788",
        "900232",
    )
    assert info.source == "rebuild"


def test_rebuild_of_an_organisation_without_fortnox_keeps_nothing(settings_ctx, tokens_service):
    assert company.rebuild(settings_ctx, str(uuid.uuid4())) is None


def test_rebuild_over_http_answers_503_with_retry_after_when_the_tokens_service_is_down(api):
    path = f"/internal/organisations/{uuid.uuid4()}/company/rebuild"
    response = api.post(path, key=CALLER_KEYS["OPERATOR_INTERNAL_KEY"])
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "tokens_unavailable"
    assert response.headers["Retry-After"].isdigit()


def test_the_rebuild_command_asks_for_each_named_organisation(
    settings_env, tokens_service, connected_org, monkeypatch
):
    for name, value in settings_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TOKENS_URL", tokens_service[1])
    result = CliRunner().invoke(cli, ["rebuild-company", connected_org])
    assert result.exit_code == 0, result.output
    assert f"{connected_org}: Jlmdata AB" in result.output
    refused = CliRunner().invoke(cli, ["rebuild-company"])
    assert refused.exit_code != 0
