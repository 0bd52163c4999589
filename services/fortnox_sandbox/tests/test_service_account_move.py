"""Control call: Fortnox moves a refresh-token customer to a service account on its own."""

import requests


def _connected(fortnox_sandbox, scopes=("companyinformation", "settings")):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    answer = fortnox_sandbox.connect(tenant, scopes=list(scopes))
    return tenant, fortnox_sandbox.token(answer.code).json()


def test_before_the_move_client_credentials_are_refused(fortnox_sandbox):
    tenant, _tokens = _connected(fortnox_sandbox)
    refused = fortnox_sandbox.client_credentials(tenant.tenant_id)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_the_move_creates_a_consent_with_the_scopes_of_the_existing_token(fortnox_sandbox):
    tenant, tokens = _connected(fortnox_sandbox)
    moved = fortnox_sandbox.control.move_to_service_account(tenant.tenant_id)
    assert moved == {
        "tenant_id": tenant.tenant_id,
        "scopes": ["companyinformation", "settings"],
        "created": True,
    }
    assert fortnox_sandbox.control.tenant_state(tenant.tenant_id)["consent_active"] is True
    answer = fortnox_sandbox.client_credentials(tenant.tenant_id)
    assert answer.status_code == 200
    body = answer.json()
    assert "refresh_token" not in body and body["scope"] == "companyinformation settings"
    assert fortnox_sandbox.company_information(body["access_token"]).status_code == 200
    # Nothing is taken from the customer's existing authorization.
    assert fortnox_sandbox.refresh(tokens["refresh_token"]).status_code == 200


def test_moving_twice_keeps_the_one_consent(fortnox_sandbox):
    tenant, _tokens = _connected(fortnox_sandbox)
    fortnox_sandbox.control.move_to_service_account(tenant.tenant_id)
    again = fortnox_sandbox.control.move_to_service_account(tenant.tenant_id)
    assert again["created"] is False
    assert fortnox_sandbox.client_credentials(tenant.tenant_id).status_code == 200


def test_a_tenant_without_a_live_refresh_token_cannot_be_moved(fortnox_sandbox):
    tenant, tokens = _connected(fortnox_sandbox)
    fortnox_sandbox.revoke(tokens["refresh_token"])
    never_connected = fortnox_sandbox.create_tenant()
    for tenant_id in (tenant.tenant_id, never_connected.tenant_id):
        response = requests.post(
            f"{fortnox_sandbox.base_url}/_control/tenants/{tenant_id}/service-account",
            auth=(fortnox_sandbox.client_id, fortnox_sandbox.client_secret),
            timeout=30,
        )
        assert response.status_code == 409, response.text
        assert fortnox_sandbox.control.tenant_state(tenant_id)["consent_active"] is False


def test_the_move_needs_the_client_and_a_known_tenant(fortnox_sandbox):
    url = f"{fortnox_sandbox.base_url}/_control/tenants/999999999/service-account"
    assert requests.post(url, timeout=30).status_code == 401
    known = requests.post(
        url, auth=(fortnox_sandbox.client_id, fortnox_sandbox.client_secret), timeout=30
    )
    assert known.status_code == 404
