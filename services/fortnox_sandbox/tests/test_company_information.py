"""Sandbox contract: GET /3/companyinformation (JWT checks, legacy headers, scope, rate limit)."""

import time
from concurrent.futures import ThreadPoolExecutor

import jwt
import psycopg
import pytest


@pytest.fixture
def tenant(fortnox_sandbox):
    return fortnox_sandbox.create_tenant(
        company_name="Bokslut & Co AB", organization_number="559192-5788"
    )


@pytest.fixture
def access_token(fortnox_sandbox, tenant):
    return fortnox_sandbox.token(fortnox_sandbox.connect(tenant).code).json()["access_token"]


def _signing_key(fortnox_sandbox) -> tuple[str, bytes]:
    with psycopg.connect(fortnox_sandbox.database_url) as conn:
        kid, value = conn.execute(
            "SELECT kid, value FROM sandbox_secrets WHERE name = 'jwt-hs256'"
        ).fetchone()
    return kid, bytes(value)


def _error(response):
    info = response.json()["ErrorInformation"]
    assert info["error"] == 1 and info["message"] and "code" in info
    return info


def test_company_information_answers_fortnox_shape(fortnox_sandbox, tenant, access_token):
    response = fortnox_sandbox.company_information(access_token)
    assert response.status_code == 200
    info = response.json()["CompanyInformation"]
    assert set(info) == {
        "Address",
        "City",
        "CountryCode",
        "DatabaseNumber",
        "CompanyName",
        "OrganizationNumber",
        "VisitAddress",
        "VisitCity",
        "VisitCountryCode",
        "VisitZipCode",
        "ZipCode",
    }
    assert info["CompanyName"] == "Bokslut & Co AB"
    assert info["OrganizationNumber"] == "559192-5788"
    assert info["DatabaseNumber"] == tenant.tenant_id


def test_access_token_is_a_jwt_with_fortnox_claims(fortnox_sandbox, tenant, access_token):
    claims = jwt.decode(access_token, options={"verify_signature": False})
    assert claims["tenantId"] == tenant.tenant_id
    assert claims["clientId"] == fortnox_sandbox.client_id
    assert claims["scopes"] == ["companyinformation", "settings"]
    assert claims["authsource"] == "OAUTH2"
    assert claims["exp"] - claims["iat"] == 3600


def test_tampered_jwt_is_refused_with_401(fortnox_sandbox, access_token):
    header, payload, signature = access_token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    response = fortnox_sandbox.company_information(forged)
    assert response.status_code == 401
    assert _error(response)["code"] == 2000310


def test_jwt_signed_with_another_key_is_refused(fortnox_sandbox, tenant, access_token):
    claims = jwt.decode(access_token, options={"verify_signature": False})
    forged = jwt.encode(claims, b"not-the-sandbox-key-not-the-sandbox-key", algorithm="HS256")
    assert fortnox_sandbox.company_information(forged).status_code == 401


def test_expired_jwt_is_refused_even_with_a_valid_signature(fortnox_sandbox, access_token):
    kid, key = _signing_key(fortnox_sandbox)
    claims = jwt.decode(access_token, options={"verify_signature": False})
    past = int(time.time()) - 7200
    claims.update(iat=past, nbf=past, exp=past + 3600)
    expired = jwt.encode(claims, key, algorithm="HS256", headers={"kid": kid})
    assert fortnox_sandbox.company_information(expired).status_code == 401


def test_tokens_expired_by_control_are_refused(fortnox_sandbox, tenant, access_token):
    assert fortnox_sandbox.control.expire_tokens(tenant.tenant_id) == 1
    assert fortnox_sandbox.company_information(access_token).status_code == 401


def test_access_token_stops_working_after_an_hour(fortnox_sandbox, tenant, access_token):
    fortnox_sandbox.control.age(tenant.tenant_id, 3600)
    assert fortnox_sandbox.company_information(access_token).status_code == 401


def test_missing_credentials_answer_401(fortnox_sandbox):
    response = fortnox_sandbox.company_information(None)
    assert response.status_code == 401
    response = fortnox_sandbox.company_information("not-a-jwt")
    assert response.status_code == 401


def test_legacy_token_with_client_secret_reads_company_information(fortnox_sandbox, tenant):
    response = fortnox_sandbox.company_information(legacy_token=tenant.legacy_token)
    assert response.status_code == 200
    assert response.json()["CompanyInformation"]["DatabaseNumber"] == tenant.tenant_id


def test_legacy_token_with_a_wrong_client_secret_is_refused(fortnox_sandbox, tenant):
    import requests

    response = requests.get(
        f"{fortnox_sandbox.api_url}/3/companyinformation",
        timeout=10,
        headers={"Access-Token": tenant.legacy_token, "Client-Secret": "x"},
    )
    assert response.status_code == 401


def test_token_without_the_scope_answers_403(fortnox_sandbox, tenant):
    code = fortnox_sandbox.connect(tenant, scopes=["settings"]).code
    access_token = fortnox_sandbox.token(code).json()["access_token"]
    response = fortnox_sandbox.company_information(access_token)
    assert response.status_code == 403
    assert _error(response)["code"] == 2000663


def test_more_than_25_calls_within_5_seconds_answer_429_with_retry_after(
    fortnox_sandbox, tenant, access_token
):
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        responses = list(
            pool.map(lambda _: fortnox_sandbox.company_information(access_token), range(30))
        )
    elapsed = time.monotonic() - started
    statuses = [r.status_code for r in responses]
    if elapsed < 5:  # the usual case: all 30 calls fell into one window
        assert statuses.count(200) == 25 and statuses.count(429) == 5
    else:  # a very slow machine: the window slid, but the first 25 always pass
        assert statuses.count(200) >= 25
    for limited in (r for r in responses if r.status_code == 429):
        assert 1 <= int(limited.headers["Retry-After"]) <= 5
        _error(limited)
    assert fortnox_sandbox.control.counters(tenant.tenant_id)["rate_limited"] == statuses.count(429)


def test_rate_limit_counts_per_tenant(fortnox_sandbox, tenant, access_token):
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda _: fortnox_sandbox.company_information(access_token), range(30)))
    other = fortnox_sandbox.create_tenant()
    other_token = fortnox_sandbox.token(fortnox_sandbox.connect(other).code).json()
    assert fortnox_sandbox.company_information(other_token["access_token"]).status_code == 200
