"""Service accounts: client credentials with the tenant id, no refresh token to rotate or lose."""

import pytest
from tokens.domain.errors import ReauthorizationRequired
from tokens.domain.model import PermanentFailure
from tokens.handlers import connection_status, service_account
from tokens.handlers.handout import hand_out


def _grant_calls(fortnox_sandbox, tenant_id) -> dict:
    return fortnox_sandbox.control.counters(tenant_id)["token_calls"]


def _expire_everywhere(fortnox_sandbox, raw, connected):
    fortnox_sandbox.control.expire_tokens(connected.tenant.tenant_id)
    raw.execute(
        "UPDATE connections SET access_expires_at = now() - interval '1 second' WHERE org_id = %s",
        (connected.org_id,),
    )


def test_service_account_connection_keeps_no_refresh_token(svc, connect_org, raw):
    connected = connect_org(account_type="service")
    row = raw.execute(
        "SELECT kind, refresh_token, tenant_id FROM connections WHERE org_id = %s",
        (connected.org_id,),
    ).fetchone()
    assert row["kind"] == "service" and row["refresh_token"] is None
    assert row["tenant_id"] == str(connected.tenant.tenant_id)
    assert connection_status.status(svc, connected.org_id)["token_type"] == "OAuth"


def test_hundred_concurrent_handouts_after_expiry_use_client_credentials_once(
    svc, connect_org, raw, fortnox_sandbox, race
):
    connected = connect_org(account_type="service")
    tenant_id = connected.tenant.tenant_id
    _expire_everywhere(fortnox_sandbox, raw, connected)
    before = _grant_calls(fortnox_sandbox, tenant_id)
    results = race(connected.org_id, processes=4, threads=25)
    after = _grant_calls(fortnox_sandbox, tenant_id)
    assert len(results) == 100 and all(r["ok"] for r in results), results[:3]
    assert len({r["pid"] for r in results}) >= 4
    assert len({r["token"] for r in results}) == 1
    assert after.get("client_credentials", 0) - before.get("client_credentials", 0) == 1
    assert after.get("refresh_token", 0) == before.get("refresh_token", 0) == 0
    token = hand_out(svc, connected.org_id).access_token
    assert fortnox_sandbox.company_information(token).status_code == 200


def test_revoked_consent_moves_a_service_account_to_needs_reauthorization(
    svc, connect_org, raw, fortnox_sandbox, helpers
):
    connected = connect_org(account_type="service")
    fortnox_sandbox.control.revoke_consent(connected.tenant.tenant_id)
    _expire_everywhere(fortnox_sandbox, raw, connected)
    with pytest.raises(ReauthorizationRequired):
        hand_out(svc, connected.org_id)
    assert connection_status.status(svc, connected.org_id)["state"] == "needs_reauthorization"
    assert len(helpers.events_of(raw, connected.org_id, "token.reauthorization_required")) == 1


def test_moving_to_a_service_account_without_consent_at_fortnox_changes_nothing(svc, connect_org):
    connected = connect_org()
    with pytest.raises(PermanentFailure):
        service_account.move_to_service_account(svc, connected.org_id, actor="test")
    connection = svc.store.peek(connected.org_id)
    assert connection.kind == "oauth" and connection.refresh_token is not None


def test_default_account_type_comes_from_configuration(svc, fortnox_sandbox):
    import dataclasses

    svc.settings = dataclasses.replace(svc.settings, default_account_type="service")
    from tokens.handlers import connect

    started = connect.start_connect(svc, "00000000-0000-4000-8000-000000000001", "u", "s")
    assert "account_type=service" in started["authorize_url"]
