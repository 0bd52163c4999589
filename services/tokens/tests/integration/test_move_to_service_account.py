"""Fortnox moves a refresh-token customer to a service account on its own; the operator's
`move-to-service-account` then switches the connection to client credentials for good."""

import uuid

import pytest
from click.testing import CliRunner
from tokens.domain.errors import InvalidRequest
from tokens.domain.model import PermanentFailure, TemporaryFailure
from tokens.entrypoints.cli import cli
from tokens.handlers import connection_status, imports, service_account
from tokens.handlers.handout import hand_out
from tokens.handlers.renewal import renew


@pytest.fixture
def run(tokens_env):
    return lambda *args: CliRunner().invoke(cli, list(args), env=tokens_env)


def _grant_calls(fortnox_sandbox, tenant_id) -> dict:
    return fortnox_sandbox.control.counters(tenant_id)["token_calls"]


def _row(raw, org_id) -> dict:
    return raw.execute(
        "SELECT kind, state, refresh_token, refresh_issued_at, keepalive_at, tenant_id"
        " FROM connections WHERE org_id = %s",
        (org_id,),
    ).fetchone()


def test_after_the_move_hand_outs_use_client_credentials_and_never_the_refresh_token(
    svc, connect_org, fortnox_sandbox, raw, helpers
):
    connected = connect_org()
    tenant_id = connected.tenant.tenant_id
    renew(svc, connected.org_id, actor="test", force=True)  # one refresh-token call before
    fortnox_sandbox.control.move_to_service_account(tenant_id)
    result = service_account.move_to_service_account(svc, connected.org_id, actor="test")
    assert result == {"kind": "service", "tenant_id": str(tenant_id), "moved": True}
    row = _row(raw, connected.org_id)
    assert row["kind"] == "service" and row["state"] == "connected"
    assert row["refresh_token"] is None and row["refresh_issued_at"] is None
    assert row["keepalive_at"] is None and row["tenant_id"] == str(tenant_id)
    [moved] = [
        e
        for e in svc.store.audit_trail(connected.org_id)
        if e["action"] == "move_to_service_account"
    ]
    assert moved["outcome"] == "ok" and moved["actor"] == "test"
    assert moved["detail"] == {
        "tenant_id": str(tenant_id),
        "from": "oauth",
        "refresh_token": "erased",
    }

    before = _grant_calls(fortnox_sandbox, tenant_id)
    helpers.expire_soon(raw, connected.org_id)
    token = hand_out(svc, connected.org_id).access_token
    renew(svc, connected.org_id, actor="test", force=True)
    after = _grant_calls(fortnox_sandbox, tenant_id)
    assert after["client_credentials"] - before["client_credentials"] == 2
    assert after["refresh_token"] == before["refresh_token"] == 1
    assert fortnox_sandbox.company_information(token).status_code == 200
    assert connection_status.status(svc, connected.org_id)["token_type"] == "OAuth"
    # the refresher has no refresh token of it left to keep alive
    assert connected.org_id not in svc.work.claim_due_for_refresher(svc.policy, 10_000, 0)
    # a publicly visible change of kind is no event: the settings page shows "OAuth" either way
    assert helpers.events_of(raw, connected.org_id)[-1]["type"] == "token.connected"


def test_the_operators_command_moves_once_and_then_has_nothing_to_do(
    run, connect_org, fortnox_sandbox, svc
):
    connected = connect_org()
    fortnox_sandbox.control.move_to_service_account(connected.tenant.tenant_id)
    first = run("move-to-service-account", connected.org_id)
    second = run("move-to-service-account", connected.org_id)
    assert first.exit_code == 0 and "now uses client credentials" in first.output, first.output
    assert second.exit_code == 0 and "already uses client credentials" in second.output
    assert svc.store.peek(connected.org_id).kind == "service"


def test_without_the_consent_at_fortnox_the_move_changes_nothing_and_says_why(
    run, svc, connect_org, raw
):
    connected = connect_org()
    before = _row(raw, connected.org_id)
    with pytest.raises(PermanentFailure):
        service_account.move_to_service_account(svc, connected.org_id, actor="test")
    result = run("move-to-service-account", connected.org_id)
    assert result.exit_code == 1 and "no service-account consent" in result.output
    assert _row(raw, connected.org_id) == before
    assert hand_out(svc, connected.org_id).kind == "oauth"


def test_while_fortnox_is_down_the_move_changes_nothing_and_works_later(
    run, svc, connect_org, fortnox_sandbox, raw
):
    connected = connect_org()
    fortnox_sandbox.control.move_to_service_account(connected.tenant.tenant_id)
    attempts = svc.settings.retry_attempts
    fortnox_sandbox.control.inject_fault("token", 503, count=attempts)
    before = _row(raw, connected.org_id)
    with pytest.raises(TemporaryFailure):
        service_account.move_to_service_account(svc, connected.org_id, actor="test")
    assert _row(raw, connected.org_id) == before
    fortnox_sandbox.control.inject_fault("token", 503, count=attempts)
    result = run("move-to-service-account", connected.org_id)
    assert result.exit_code == 1 and "nothing changed, try again later" in result.output
    assert run("move-to-service-account", connected.org_id).exit_code == 0
    assert _row(raw, connected.org_id)["kind"] == "service"


def test_only_a_connected_refresh_token_connection_can_be_moved(run, svc, fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant()
    legacy_org = str(uuid.uuid4())
    imports.import_legacy(svc, legacy_org, tenant.legacy_token, None, actor="test")
    with pytest.raises(InvalidRequest):
        service_account.move_to_service_account(svc, legacy_org, actor="test")
    legacy = run("move-to-service-account", legacy_org)
    assert legacy.exit_code == 1 and "Only a connected OAuth" in legacy.output
    assert svc.store.peek(legacy_org).kind == "legacy"
    assert run("move-to-service-account", str(uuid.uuid4())).exit_code == 1
    assert run("move-to-service-account", "not-a-uuid").exit_code == 2
