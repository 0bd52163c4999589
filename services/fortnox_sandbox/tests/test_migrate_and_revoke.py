"""Sandbox contract: POST /oauth-v1/migrate and POST /oauth-v1/revoke."""

import pytest
import requests


@pytest.fixture
def tenant(fortnox_sandbox):
    return fortnox_sandbox.create_tenant()


def test_migration_answers_tokens_and_kills_the_legacy_token(fortnox_sandbox, tenant):
    response = fortnox_sandbox.migrate(tenant.legacy_token)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "scope", "expires_in", "token_type"}
    assert fortnox_sandbox.company_information(body["access_token"]).status_code == 200
    legacy = fortnox_sandbox.company_information(legacy_token=tenant.legacy_token)
    assert legacy.status_code == 401
    assert fortnox_sandbox.refresh(body["refresh_token"]).status_code == 200


def test_migrating_twice_answers_404(fortnox_sandbox, tenant):
    assert fortnox_sandbox.migrate(tenant.legacy_token).status_code == 200
    again = fortnox_sandbox.migrate(tenant.legacy_token)
    assert again.status_code == 404
    assert again.json()["error_description"] == "Access-token not found"


def test_unknown_legacy_token_answers_404(fortnox_sandbox):
    assert fortnox_sandbox.migrate("61cf63ae-4ab9-4a95-9db5-753781c4f41f").status_code == 404


def test_bad_client_credentials_answer_401_and_keep_the_legacy_token(fortnox_sandbox, tenant):
    response = fortnox_sandbox.migrate(tenant.legacy_token, auth=("rf-test-client", "nope"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 200


def test_tenant_without_licence_answers_403_and_keeps_the_legacy_token(fortnox_sandbox, tenant):
    fortnox_sandbox.control.set_licensed(tenant.tenant_id, False)
    response = fortnox_sandbox.migrate(tenant.legacy_token)
    assert response.status_code == 403
    assert "license" in response.json()["error_description"]
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 200


def test_legacy_token_of_another_client_answers_403(fortnox_sandbox, tenant):
    foreign = fortnox_sandbox.control.create_legacy_token(tenant.tenant_id, client_id="other-app")
    assert fortnox_sandbox.migrate(foreign).status_code == 403


def test_migration_that_cannot_create_a_jwt_answers_400(fortnox_sandbox, tenant):
    fortnox_sandbox.control.set_migrate_fails(tenant.tenant_id, True)
    response = fortnox_sandbox.migrate(tenant.legacy_token)
    assert response.status_code == 400
    assert response.json()["error_description"] == "Could not create JWT"
    assert fortnox_sandbox.migrate("").status_code == 400


def test_migrate_calls_are_counted_per_outcome(fortnox_sandbox, tenant):
    fortnox_sandbox.migrate(tenant.legacy_token)
    fortnox_sandbox.migrate(tenant.legacy_token)
    counted = fortnox_sandbox.control.counters(tenant.tenant_id)["migrate_calls"]
    assert counted == {"ok": 1, "404": 1, "total": 2}


def test_revoke_ends_the_refresh_token_and_its_access_tokens(fortnox_sandbox, tenant):
    tokens = fortnox_sandbox.token(fortnox_sandbox.connect(tenant).code).json()
    rotated = fortnox_sandbox.refresh(tokens["refresh_token"]).json()
    response = fortnox_sandbox.revoke(rotated["refresh_token"])
    assert response.status_code == 200
    assert response.json() == {"revoked": True}
    assert fortnox_sandbox.refresh(rotated["refresh_token"]).json()["error"] == "invalid_grant"
    assert fortnox_sandbox.company_information(rotated["access_token"]).status_code == 401
    assert fortnox_sandbox.company_information(tokens["access_token"]).status_code == 401


def test_revoke_needs_client_credentials(fortnox_sandbox, tenant):
    tokens = fortnox_sandbox.token(fortnox_sandbox.connect(tenant).code).json()
    response = fortnox_sandbox.revoke(tokens["refresh_token"], auth=("rf-test-client", "x"))
    assert response.status_code == 401
    assert fortnox_sandbox.refresh(tokens["refresh_token"]).status_code == 200


def test_revoking_a_legacy_token_as_fortnox_documents_ends_it(fortnox_sandbox, tenant):
    response = fortnox_sandbox.revoke_legacy(tenant.legacy_token)
    assert response.status_code == 200 and response.json() == {"revoked": True}
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 401
    assert fortnox_sandbox.control.tenant_state(tenant.tenant_id)["legacy_tokens"] == {
        "live": 0,
        "dead": 1,
    }
    assert fortnox_sandbox.migrate(tenant.legacy_token).status_code == 404


def test_a_legacy_token_sent_form_encoded_is_refused_and_lives_on(fortnox_sandbox, tenant):
    response = fortnox_sandbox._post(
        "/oauth-v1/revoke", {"token_type_hint": "access_token", "token": tenant.legacy_token}
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 200
    again = fortnox_sandbox.revoke_legacy(tenant.legacy_token, with_client=True)
    assert again.status_code == 200 and again.json() == {"revoked": True}
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 401


def test_a_legacy_token_of_another_client_is_not_revoked(fortnox_sandbox, tenant):
    foreign = fortnox_sandbox.control.create_legacy_token(tenant.tenant_id, client_id="other-app")
    response = fortnox_sandbox.revoke_legacy(foreign, with_client=True)
    assert response.status_code == 400 and response.json()["error"] == "unauthorized_client"
    assert fortnox_sandbox.control.tenant_state(tenant.tenant_id)["legacy_tokens"]["live"] == 2


def test_bad_client_credentials_keep_the_legacy_token(fortnox_sandbox, tenant):
    response = fortnox_sandbox._post(
        "/oauth-v1/revoke", {"token": tenant.legacy_token}, auth=("rf-test-client", "nope")
    )
    assert response.status_code == 401
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 200


def test_access_tokens_cannot_be_revoked_and_say_so(fortnox_sandbox, tenant):
    tokens = fortnox_sandbox.token(fortnox_sandbox.connect(tenant).code).json()
    response = fortnox_sandbox._post("/oauth-v1/revoke", {"token": tokens["access_token"]})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_token_type"
    assert "refresh-token" in response.json()["error_description"]
    assert fortnox_sandbox.company_information(tokens["access_token"]).status_code == 200


def test_a_refresh_token_cannot_be_revoked_without_client_credentials(fortnox_sandbox, tenant):
    tokens = fortnox_sandbox.token(fortnox_sandbox.connect(tenant).code).json()
    response = requests.post(
        f"{fortnox_sandbox.auth_url}/oauth-v1/revoke",
        data={"token_type_hint": "refresh_token", "token": tokens["refresh_token"]},
        timeout=30,
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert fortnox_sandbox.refresh(tokens["refresh_token"]).status_code == 200


def test_an_unknown_token_is_answered_as_revoked_and_a_missing_one_is_refused(fortnox_sandbox):
    unknown = fortnox_sandbox.revoke_legacy("61cf63ae-4ab9-4a95-9db5-753781c4f41f")
    assert unknown.status_code == 200 and unknown.json() == {"revoked": True}
    missing = fortnox_sandbox._post("/oauth-v1/revoke", {"token_type_hint": "refresh_token"})
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
