"""The internal HTTP API under gunicorn, as the gateway and other services call it."""

import uuid

import requests
from servicekit.testing import assertion_headers


def _org() -> str:
    return str(uuid.uuid4())


def _connect_over_http(tokens_server, fortnox_sandbox, tenant, org_id, headers, body):
    """Connect ("Ny Token") as the gateway drives it: start, the person's consent, the
    callback; the callback's answer. `headers(action)` are the assertion headers of a step."""
    started = tokens_server.post(
        f"/internal/organisations/{org_id}/fortnox/connect",
        json=body,
        headers=headers("fortnox.connect"),
    )
    assert started.status_code == 201, started.text
    answer = fortnox_sandbox.consent(
        started.json()["authorize_url"], tenant.username, tenant.password
    )
    return tokens_server.post(
        "/internal/fortnox/callback",
        json={"state": answer.state, "code": answer.code},
        headers=headers("fortnox.callback"),
    )


def test_every_route_needs_the_internal_key(tokens_server):
    response = requests.get(f"{tokens_server.base_url}/internal/organisations/{_org()}/fortnox")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_bad_input_gets_field_messages_and_changes_nothing(tokens_server):
    response = tokens_server.post("/internal/organisations/not-a-uuid/fortnox/connect", json={})
    assert response.status_code == 422 and "org_id" in response.json()["error"]["fields"]
    org_id = _org()
    response = tokens_server.post(
        f"/internal/organisations/{org_id}/fortnox/connect",
        json={"account_type": "robot"},
        headers=assertion_headers("fortnox.connect", org_id),
    )
    assert response.status_code == 422
    assert "account_type" in response.json()["error"]["fields"]
    response = tokens_server.get("/internal/organisations/not-a-uuid/fortnox")
    assert response.status_code == 422 and "org_id" in response.json()["error"]["fields"]


def test_status_and_handout_of_an_unknown_organisation(tokens_server):
    org_id = _org()
    status = tokens_server.get(f"/internal/organisations/{org_id}/fortnox").json()
    assert status == {"org_id": org_id, "state": "not_connected", "connected": False}
    response = tokens_server.post(f"/internal/organisations/{org_id}/fortnox/access-token")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_connected"


def test_connect_handout_check_and_disconnect_over_http(
    tokens_server, fortnox_sandbox, svc, raw, helpers
):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id = _org()

    def user(action: str) -> dict:
        return assertion_headers(action, org_id, "user-1", session="session-1")

    base = f"/internal/organisations/{org_id}/fortnox"
    completed = _connect_over_http(tokens_server, fortnox_sandbox, tenant, org_id, user, {})
    assert completed.json()["outcome"] == "connected"
    assert completed.json()["company"]["database_number"] == str(tenant.tenant_id)

    status = tokens_server.get(base).json()
    assert status["token_type"] == "OAuth" and status["access_token_valid"] is True
    assert status["company_name"] == tenant.company_name
    assert status["state"] == "connected" and status["health"] == "ok"

    handed = tokens_server.post(base + "/access-token").json()
    assert set(handed) == {"access_token", "kind", "expires_at"}
    assert fortnox_sandbox.company_information(handed["access_token"]).status_code == 200

    checked = tokens_server.post(base + "/check", headers=user("fortnox.check")).json()
    assert checked["ok"] is True and checked["company"]["company_name"] == tenant.company_name

    refresh_token = svc.store.peek(org_id).refresh_token
    gone = tokens_server.post(base + "/disconnect", headers=user("fortnox.disconnect")).json()
    assert gone == {"state": "revoked", "revoked_at_fortnox": True, "reason": "revoked at Fortnox"}
    assert fortnox_sandbox.refresh(refresh_token).status_code == 400
    row = raw.execute("SELECT * FROM connections WHERE org_id = %s", (org_id,)).fetchone()
    assert row["access_token"] is None and row["refresh_token"] is None
    revoked = helpers.events_of(raw, org_id, "token.revoked")
    assert len(revoked) == 1 and revoked[0]["envelope"]["data"]["revoked_at_fortnox"] is True
    refused = tokens_server.post(base + "/access-token")
    assert (
        refused.status_code == 409 and refused.json()["error"]["code"] == "reauthorization_required"
    )
    trail = tokens_server.get(base + "/audit").json()["entries"]
    assert [e["action"] for e in trail][:2] == ["disconnect", "check"]


def test_callback_outcomes_are_answers_not_errors(tokens_server):
    response = tokens_server.post(
        "/internal/fortnox/callback",
        json={"state": "forged", "code": "x"},
        headers=assertion_headers("fortnox.callback", _org()),
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "state_invalid"
    assert response.json()["message"]


def test_check_reports_a_readable_reason_when_fortnox_fails(
    tokens_server, connect_org, fortnox_sandbox
):
    org_id = connect_org().org_id
    fortnox_sandbox.control.inject_fault("companyinformation", 503)
    try:
        checked = _check(tokens_server, org_id)
    finally:
        fortnox_sandbox.control.clear_faults()
    assert checked["ok"] is False and "503" in checked["reason"]


def test_check_of_a_legacy_connection_uses_the_legacy_headers_and_learns_the_company(
    tokens_server, fortnox_sandbox, svc, raw, helpers
):
    from tokens.handlers import imports

    tenant = fortnox_sandbox.create_tenant()
    org_id = _org()
    imports.import_legacy(svc, org_id, tenant.legacy_token, None, actor="test")
    checked = _check(tokens_server, org_id)
    assert checked["ok"] is True
    assert checked["company"]["database_number"] == str(tenant.tenant_id)
    status = tokens_server.get(f"/internal/organisations/{org_id}/fortnox").json()
    assert status["token_type"] == "Access Token" and status["company_name"] == tenant.company_name
    assert len(helpers.events_of(raw, org_id, "company.updated")) == 1


def _check(tokens_server, org_id: str) -> dict:
    path = f"/internal/organisations/{org_id}/fortnox/check"
    return tokens_server.post(path, headers=assertion_headers("fortnox.check", org_id)).json()


def test_an_action_without_auths_word_for_it_is_refused_and_changes_nothing(
    tokens_server, connect_org, svc
):
    """A compromised gateway holds the gateway's credential, but cannot forge auth's assertion."""
    org_id, other = connect_org().org_id, _org()
    before = svc.store.peek(org_id)
    path = f"/internal/organisations/{org_id}/fortnox/disconnect"
    refusals = [
        ({}, 401, "assertion_invalid"),
        (assertion_headers("fortnox.disconnect", other), 403, "forbidden"),
        (assertion_headers("fortnox.check", org_id), 403, "forbidden"),
        (assertion_headers("fortnox.disconnect", org_id, role="user"), 403, "forbidden"),
        ({"X-Action-Assertion": "forged.by.gateway"}, 401, "assertion_invalid"),
    ]
    for headers, status, code in refusals:
        answer = tokens_server.post(path, headers=headers)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), headers
    after = svc.store.peek(org_id)
    assert (after.state, after.refresh_token) == (before.state, before.refresh_token)


def test_ny_tokens_organisation_number_is_auths_not_the_callers(
    tokens_server, fortnox_sandbox, svc
):
    """The gateway cannot steer the company check: a number in the body is not read."""
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id = _org()
    assert tenant.organization_number != "559192-5788"

    def vouched(action: str) -> dict:
        return assertion_headers(action, org_id, "u-1", session="s-1", org_number="559192-5788")

    body = {"organisation_number": tenant.organization_number}
    completed = _connect_over_http(tokens_server, fortnox_sandbox, tenant, org_id, vouched, body)
    assert completed.json()["outcome"] == "organisation_mismatch"
    assert svc.store.peek(org_id) is None
