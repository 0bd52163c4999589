"""The legacy token an interactive upgrade replaces is revoked at Fortnox, or the audit trail
says plainly that it could not be; our copy never outlives the upgrade's revocation attempt
unless Fortnox may still take it later."""

import uuid

from tokens.domain.connection import Company
from tokens.handlers import connection_check, imports, revocation
from tokens.handlers.refresher import ACTOR as REFRESHER


def _legacy_org(svc, tenant, legacy_token):
    org_id = str(uuid.uuid4())
    company = Company(tenant.company_name, tenant.organization_number, str(tenant.tenant_id))
    imports.import_legacy(svc, org_id, legacy_token, company, actor="test")
    return org_id


def _revocations(svc, org_id) -> list[dict]:
    return [e for e in svc.store.audit_trail(org_id) if e["action"] == "revoke_replaced"]


def _pending(raw, org_id):
    row = raw.execute(
        "SELECT legacy_token, revoke_pending_token, revoke_pending_hint FROM connections"
        " WHERE org_id = %s",
        (org_id,),
    ).fetchone()
    return row


def test_the_replaced_legacy_token_is_revoked_at_fortnox(svc, connect_org, fortnox_sandbox, raw):
    tenant = fortnox_sandbox.create_tenant()
    org_id = _legacy_org(svc, tenant, tenant.legacy_token)
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 200
    assert connect_org(tenant, org_id=org_id).outcome == "upgraded"
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 401
    state = fortnox_sandbox.control.tenant_state(tenant.tenant_id)
    assert state["legacy_tokens"] == {"live": 0, "dead": 1}
    assert [(e["outcome"], e["detail"]["token"]) for e in _revocations(svc, org_id)] == [
        ("ok", "legacy")
    ]
    assert _pending(raw, org_id) == {
        "legacy_token": None,
        "revoke_pending_token": None,
        "revoke_pending_hint": None,
    }


def test_a_legacy_token_fortnox_refuses_to_revoke_is_erased_and_the_trail_says_so(
    svc, connect_org, fortnox_sandbox, raw
):
    tenant = fortnox_sandbox.create_tenant()
    org_id = _legacy_org(svc, tenant, tenant.legacy_token)
    # Fortnox refuses the revocation outright: 403 with no body (a refusal, not a fault of ours)
    fortnox_sandbox.control.inject_fault("revoke", 403, body="empty")
    assert connect_org(tenant, org_id=org_id).outcome == "upgraded"
    [entry] = _revocations(svc, org_id)
    assert entry["outcome"] == "not_revoked_at_fortnox"
    assert entry["detail"]["erased"] is True and entry["detail"]["status"] == 403
    assert tenant.legacy_token not in str(entry)
    assert _pending(raw, org_id)["revoke_pending_token"] is None
    assert fortnox_sandbox.control.tenant_state(tenant.tenant_id)["legacy_tokens"]["live"] == 1


def test_a_legacy_token_is_revoked_as_multipart_without_client_credentials(fortnox_sandbox):
    """Fortnox's revoke page: an old-type token goes as multipart/form-data `token`, no
    Authorization header; the sandbox refuses any other way."""
    from tokens.adapters.fortnox import FortnoxClient

    tenant = fortnox_sandbox.create_tenant()
    wrong_secret = FortnoxClient(fortnox_sandbox.base_url, fortnox_sandbox.base_url, "x", "y")
    wrong_secret.revoke(tenant.legacy_token, "access_token")  # our secret is not even needed
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 401
    other = fortnox_sandbox.control.create_legacy_token(tenant.tenant_id)
    form_encoded = fortnox_sandbox.revoke_legacy(other, multipart=False)
    assert form_encoded.status_code == 400 and form_encoded.json()["error"] == "invalid_request"
    assert fortnox_sandbox.company_information(legacy_token=other).status_code == 200


def test_a_revocation_fortnox_cannot_take_now_is_kept_and_retried_by_the_refresher(
    svc, connect_org, fortnox_sandbox, raw
):
    tenant = fortnox_sandbox.create_tenant()
    org_id = _legacy_org(svc, tenant, tenant.legacy_token)
    fortnox_sandbox.control.inject_fault("revoke", 503)
    assert connect_org(tenant, org_id=org_id).outcome == "upgraded"
    assert [e["outcome"] for e in _revocations(svc, org_id)] == ["retry_later"]
    pending = _pending(raw, org_id)
    assert pending["revoke_pending_token"] and pending["revoke_pending_hint"] == "access_token"
    assert tenant.legacy_token not in pending["revoke_pending_token"]  # ciphertext only
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 200
    assert org_id in svc.work.pending_revocations(10_000)  # what the refresher's pass retries
    assert revocation.revoke_replaced(svc, org_id, actor=REFRESHER) is True
    assert [e["outcome"] for e in _revocations(svc, org_id)] == ["ok", "retry_later"]
    assert _pending(raw, org_id)["revoke_pending_token"] is None
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 401


def test_disconnecting_a_legacy_connection_revokes_the_legacy_token(svc, fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant()
    org_id = _legacy_org(svc, tenant, tenant.legacy_token)
    result = revocation.disconnect(svc, org_id, actor="test")
    assert result["revoked_at_fortnox"] is True
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 401


def test_ny_token_over_an_oauth_connection_revokes_nothing_and_both_work_until_lapse(
    svc, connect_org, fortnox_sandbox
):
    """Fortnox does not say whether revoking the replaced refresh token would end the new
    authorization too: the replaced chain is dropped, not revoked (domain/connection.py)."""
    first = connect_org()
    tenant = first.tenant
    connect_org(tenant, org_id=first.org_id)
    assert fortnox_sandbox.control.counters(tenant.tenant_id)["revoke_calls"] == 0
    assert _revocations(svc, first.org_id) == []
    assert connection_check.check(svc, first.org_id, actor="test").ok
