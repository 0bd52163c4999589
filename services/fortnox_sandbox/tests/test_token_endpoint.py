"""Sandbox contract: POST /oauth-v1/token (codes, refresh rotation, client credentials)."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

FORTY_FIVE_DAYS = 45 * 24 * 3600


@pytest.fixture
def tenant(fortnox_sandbox):
    return fortnox_sandbox.create_tenant()


@pytest.fixture
def tokens(fortnox_sandbox, tenant):
    code = fortnox_sandbox.connect(tenant).code
    response = fortnox_sandbox.token(code)
    assert response.status_code == 200, response.text
    return response.json()


def test_code_exchange_answers_fortnox_token_shape(fortnox_sandbox, tenant):
    code = fortnox_sandbox.connect(tenant, scopes=["companyinformation"]).code
    response = fortnox_sandbox.token(code)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "scope", "expires_in", "token_type"}
    assert body["expires_in"] == 3600 and body["token_type"] == "bearer"
    assert body["scope"] == "companyinformation"
    assert response.headers["Cache-Control"] == "no-store"


def test_code_is_single_use(fortnox_sandbox, tenant):
    code = fortnox_sandbox.connect(tenant).code
    assert fortnox_sandbox.token(code).status_code == 200
    again = fortnox_sandbox.token(code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_code_expires_after_ten_minutes(fortnox_sandbox, tenant):
    code = fortnox_sandbox.connect(tenant).code
    fortnox_sandbox.control.age(tenant.tenant_id, 10 * 60 + 1)
    response = fortnox_sandbox.token(code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_exchange_needs_the_same_redirect_uri(fortnox_sandbox, tenant):
    code = fortnox_sandbox.connect(tenant).code
    response = fortnox_sandbox.token(code, redirect_uri="http://127.0.0.1:9/other")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("auth", [("rf-test-client", "wrong-secret"), ("other-client", "x")])
def test_bad_client_credentials_answer_401_invalid_client(fortnox_sandbox, tenant, auth):
    code = fortnox_sandbox.connect(tenant).code
    response = fortnox_sandbox.token(code, auth=auth)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert fortnox_sandbox.token(code).status_code == 200, "a refused call must not use the code"


def test_unknown_grant_type_is_refused(fortnox_sandbox):
    response = fortnox_sandbox._post("/oauth-v1/token", {"grant_type": "password"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_refresh_rotates_the_refresh_token(fortnox_sandbox, tenant, tokens):
    response = fortnox_sandbox.refresh(tokens["refresh_token"])
    assert response.status_code == 200
    rotated = response.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert rotated["access_token"] != tokens["access_token"]
    assert fortnox_sandbox.refresh(rotated["refresh_token"]).status_code == 200
    assert fortnox_sandbox.control.counters(tenant.tenant_id)["refreshes"] == 2


def test_reused_refresh_token_answers_invalid_grant(fortnox_sandbox, tenant, tokens):
    assert fortnox_sandbox.refresh(tokens["refresh_token"]).status_code == 200
    reused = fortnox_sandbox.refresh(tokens["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert reused.json()["error_description"]
    counters = fortnox_sandbox.control.counters(tenant.tenant_id)
    assert counters["invalid_grant"]["refresh_token"] == 1


def test_unknown_refresh_token_answers_invalid_grant(fortnox_sandbox):
    response = fortnox_sandbox.refresh("a7302e6b-b1cb-4508-b884-cf9abd9a51de")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_refresh_token_expires_after_45_days(fortnox_sandbox, tenant, tokens):
    fortnox_sandbox.control.age(tenant.tenant_id, FORTY_FIVE_DAYS - 60)
    fresh = fortnox_sandbox.refresh(tokens["refresh_token"])
    assert fresh.status_code == 200, "still valid one minute before 45 days"
    fortnox_sandbox.control.age(tenant.tenant_id, FORTY_FIVE_DAYS + 1)
    expired = fortnox_sandbox.refresh(fresh.json()["refresh_token"])
    assert expired.status_code == 400
    assert expired.json()["error"] == "invalid_grant"


def test_parallel_refreshes_with_one_token_let_exactly_one_succeed(fortnox_sandbox, tokens):
    parallel = 8
    start = Barrier(parallel)

    def refresh(_):
        start.wait()
        return fortnox_sandbox.refresh(tokens["refresh_token"]).status_code

    with ThreadPoolExecutor(parallel) as pool:
        statuses = sorted(pool.map(refresh, range(parallel)))
    assert statuses == [200] + [400] * (parallel - 1)


def test_service_account_consent_gives_client_credentials_tokens(fortnox_sandbox, tenant):
    assert fortnox_sandbox.client_credentials(tenant.tenant_id).json()["error"] == "invalid_grant"
    fortnox_sandbox.connect(tenant, account_type="service")
    response = fortnox_sandbox.client_credentials(tenant.tenant_id)
    assert response.status_code == 200
    body = response.json()
    assert "refresh_token" not in body
    assert body["expires_in"] == 3600 and body["token_type"] == "bearer"
    info = fortnox_sandbox.company_information(body["access_token"])
    assert info.json()["CompanyInformation"]["DatabaseNumber"] == tenant.tenant_id


def test_revoked_consent_ends_client_credentials_and_its_tokens(fortnox_sandbox, tenant):
    fortnox_sandbox.connect(tenant, account_type="service")
    access_token = fortnox_sandbox.client_credentials(tenant.tenant_id).json()["access_token"]
    fortnox_sandbox.control.revoke_consent(tenant.tenant_id)
    refused = fortnox_sandbox.client_credentials(tenant.tenant_id)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert fortnox_sandbox.company_information(access_token).status_code == 401


def test_client_credentials_need_the_tenant_id_header(fortnox_sandbox):
    response = fortnox_sandbox._post("/oauth-v1/token", {"grant_type": "client_credentials"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_consent_revocation_also_ends_refresh_tokens(fortnox_sandbox, tenant, tokens):
    fortnox_sandbox.control.revoke_consent(tenant.tenant_id)
    assert fortnox_sandbox.refresh(tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert fortnox_sandbox.company_information(tokens["access_token"]).status_code == 401


def test_parallel_exchanges_of_one_code_let_exactly_one_succeed(fortnox_sandbox, tenant):
    code = fortnox_sandbox.connect(tenant).code
    parallel = 6
    start = Barrier(parallel)

    def exchange(_):
        start.wait()
        return fortnox_sandbox.token(code).status_code

    with ThreadPoolExecutor(parallel) as pool:
        assert sorted(pool.map(exchange, range(parallel))) == [200] + [400] * (parallel - 1)
