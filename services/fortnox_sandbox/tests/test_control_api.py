"""The test-control API: faults, counters, protection, and off unless enabled."""

import time

import pytest
import requests
from fortnox_sandbox import config as service_config
from fortnox_sandbox.entrypoints.api import MIGRATIONS, create_app


@pytest.fixture
def control(fortnox_sandbox):
    yield fortnox_sandbox.control
    fortnox_sandbox.control.clear_faults()


@pytest.fixture
def tenant(fortnox_sandbox):
    return fortnox_sandbox.create_tenant()


@pytest.mark.parametrize("status", [500, 503])
def test_injected_server_errors_answer_the_next_n_token_calls(
    fortnox_sandbox, control, tenant, status
):
    tokens = fortnox_sandbox.token(fortnox_sandbox.connect(tenant).code).json()
    control.inject_fault("token", status, count=2)
    assert [fortnox_sandbox.refresh(tokens["refresh_token"]).status_code for _ in range(2)] == [
        status,
        status,
    ]
    assert fortnox_sandbox.refresh(tokens["refresh_token"]).status_code == 200
    assert control.faults() == []


def test_injected_429_carries_retry_after(fortnox_sandbox, control, tenant):
    control.inject_fault("companyinformation", 429, retry_after=7)
    response = fortnox_sandbox.company_information(legacy_token=tenant.legacy_token)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert "ErrorInformation" in response.json()
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 200


@pytest.mark.parametrize(
    ("body", "error", "content_type", "text"),
    [
        ("text", "", "text/plain", "Service Unavailable"),
        ("html", "", "text/html", "<h1>502 Bad Gateway</h1>"),
        ("empty", "", None, ""),
        ("oauth", "invalid_client", "application/json", '"error":"invalid_client"'),
        ("error_information", "2000311", "application/json", '"code":2000311'),
    ],
)
def test_injected_faults_answer_in_the_shape_asked_for(
    fortnox_sandbox, control, tenant, body, error, content_type, text
):
    tokens = fortnox_sandbox.token(fortnox_sandbox.connect(tenant).code).json()
    control.inject_fault("token", 502, body=body, error=error)
    response = fortnox_sandbox.refresh(tokens["refresh_token"])
    assert response.status_code == 502
    assert response.headers.get("Content-Type", "").split(";")[0] == (content_type or "")
    assert text.replace(" ", "") in response.text.replace(" ", "")
    assert "Retry-After" not in response.headers
    assert fortnox_sandbox.refresh(tokens["refresh_token"]).status_code == 200


def test_a_429_without_retry_after_and_a_malformed_200(fortnox_sandbox, control, tenant):
    control.inject_fault("companyinformation", 429)
    limited = fortnox_sandbox.company_information(legacy_token=tenant.legacy_token)
    assert limited.status_code == 429 and "Retry-After" not in limited.headers
    control.inject_fault("companyinformation", 200, body="html")
    odd = fortnox_sandbox.company_information(legacy_token=tenant.legacy_token)
    assert odd.status_code == 200 and odd.headers["Content-Type"].startswith("text/html")


def test_injected_fault_on_migrate_keeps_the_legacy_token(fortnox_sandbox, control, tenant):
    control.inject_fault("migrate", 503)
    assert fortnox_sandbox.migrate(tenant.legacy_token).status_code == 503
    assert fortnox_sandbox.migrate(tenant.legacy_token).status_code == 200


def test_injected_hang_delays_the_answer(fortnox_sandbox, control, tenant):
    control.inject_fault("companyinformation", hang_seconds=0.5)
    started = time.monotonic()
    response = fortnox_sandbox.company_information(legacy_token=tenant.legacy_token)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.5
    assert control.counters()["faults_served"]["companyinformation"] >= 1


def test_injected_fault_on_the_authorize_page_shows_an_error_page(fortnox_sandbox, control):
    control.inject_fault("auth", 503)
    response = requests.get(fortnox_sandbox.authorize_url("s"), timeout=10, allow_redirects=False)
    assert response.status_code == 503
    assert "Location" not in response.headers


def test_counters_count_token_calls_per_grant_type_and_tenant(fortnox_sandbox, tenant):
    tokens = fortnox_sandbox.token(fortnox_sandbox.connect(tenant).code).json()
    fortnox_sandbox.refresh(tokens["refresh_token"])
    fortnox_sandbox.refresh(tokens["refresh_token"])
    counters = fortnox_sandbox.control.counters(tenant.tenant_id)
    assert counters["token_calls"] == {"authorization_code": 1, "refresh_token": 2, "total": 3}
    assert counters["refreshes"] == 1
    assert counters["invalid_grant"]["total"] == 1


def test_bad_fault_requests_are_refused_with_field_messages(fortnox_sandbox):
    response = requests.post(
        f"{fortnox_sandbox.base_url}/_control/faults",
        timeout=10,
        json={"endpoint": "nowhere", "status": 302, "body": "xml"},
        auth=(fortnox_sandbox.client_id, fortnox_sandbox.client_secret),
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"endpoint", "status", "body"}


def test_control_api_needs_the_client_credentials(fortnox_sandbox):
    response = requests.get(
        f"{fortnox_sandbox.base_url}/_control/counters",
        timeout=10,
        auth=(fortnox_sandbox.client_id, "wrong"),
    )
    assert response.status_code == 401


def test_unknown_tenant_is_404(fortnox_sandbox):
    response = requests.post(
        f"{fortnox_sandbox.base_url}/_control/tenants/1/expire-tokens",
        timeout=10,
        auth=(fortnox_sandbox.client_id, fortnox_sandbox.client_secret),
    )
    assert response.status_code == 404


def test_bulk_creation_gives_each_tenant_a_working_legacy_token(fortnox_sandbox):
    created = fortnox_sandbox.control.create_tenants_bulk(50)
    assert len({t["tenant_id"] for t in created}) == 50
    last = created[-1]
    response = fortnox_sandbox.company_information(legacy_token=last["legacy_token"])
    assert response.json()["CompanyInformation"]["DatabaseNumber"] == last["tenant_id"]


def test_control_api_is_off_unless_enabled(make_database):
    url = make_database(MIGRATIONS, prefix="t_sandbox_off")
    config = service_config.load(
        {
            "FORTNOX_SANDBOX_DATABASE_URL": url,
            "SANDBOX_CLIENT_SECRET": "secret",
            "LOG_LEVEL": "WARNING",
        }
    )
    assert config["CONTROL_ENABLED"] is False
    app = create_app(config)
    try:
        response = app.test_client().get("/_control/counters", auth=("rf-local-client", "secret"))
        assert response.status_code == 404
    finally:
        app.extensions["db_pool"].close()


def test_tenant_creation_refuses_a_bad_or_taken_tenant_id(fortnox_sandbox):
    auth = (fortnox_sandbox.client_id, fortnox_sandbox.client_secret)
    url = f"{fortnox_sandbox.base_url}/_control/tenants"
    assert requests.post(url, json={"tenant_id": "abc"}, auth=auth, timeout=10).status_code == 422
    taken = fortnox_sandbox.create_tenant().tenant_id
    assert requests.post(url, json={"tenant_id": taken}, auth=auth, timeout=10).status_code == 409
