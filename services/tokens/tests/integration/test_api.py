"""The internal HTTP API under gunicorn, as the gateway and other services call it."""

import uuid

import requests


def _org() -> str:
    return str(uuid.uuid4())


def test_every_route_needs_the_internal_key(tokens_server):
    response = requests.get(f"{tokens_server.base_url}/internal/organisations/{_org()}/fortnox")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_bad_input_gets_field_messages_and_changes_nothing(tokens_server):
    response = tokens_server.post("/internal/organisations/not-a-uuid/fortnox/connect", json={})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) >= {"user_id", "session_ref"}
    response = tokens_server.post(
        "/internal/organisations/not-a-uuid/fortnox/connect",
        json={"user_id": "u", "session_ref": "s", "account_type": "robot"},
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
    org_id, user = _org(), {"user_id": "user-1", "session_ref": "session-1"}
    base = f"/internal/organisations/{org_id}/fortnox"
    started = tokens_server.post(base + "/connect", json=user)
    assert started.status_code == 201
    answer = fortnox_sandbox.consent(
        started.json()["authorize_url"], tenant.username, tenant.password
    )
    completed = tokens_server.post(
        "/internal/fortnox/callback", json={"state": answer.state, "code": answer.code, **user}
    )
    assert completed.json()["outcome"] == "connected"
    assert completed.json()["company"]["database_number"] == str(tenant.tenant_id)

    status = tokens_server.get(base).json()
    assert status["token_type"] == "OAuth" and status["access_token_valid"] is True
    assert status["company_name"] == tenant.company_name
    assert status["state"] == "connected" and status["health"] == "ok"

    handed = tokens_server.post(base + "/access-token").json()
    assert set(handed) == {"access_token", "kind", "expires_at"}
    assert fortnox_sandbox.company_information(handed["access_token"]).status_code == 200

    checked = tokens_server.post(base + "/check", json=user).json()
    assert checked["ok"] is True and checked["company"]["company_name"] == tenant.company_name

    refresh_token = svc.store.peek(org_id).refresh_token
    gone = tokens_server.post(base + "/disconnect", json=user).json()
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
        json={"state": "forged", "code": "x", "user_id": "u", "session_ref": "s"},
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
        checked = tokens_server.post(f"/internal/organisations/{org_id}/fortnox/check").json()
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
    checked = tokens_server.post(f"/internal/organisations/{org_id}/fortnox/check").json()
    assert checked["ok"] is True
    assert checked["company"]["database_number"] == str(tenant.tenant_id)
    status = tokens_server.get(f"/internal/organisations/{org_id}/fortnox").json()
    assert status["token_type"] == "Access Token" and status["company_name"] == tenant.company_name
    assert len(helpers.events_of(raw, org_id, "company.updated")) == 1
