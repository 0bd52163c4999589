"""A connection that needs its customer says so: token.attention_needed / _cleared in the outbox
with the change itself, `attention` in the status, and the customer's Händelser over HTTP."""

import uuid

from servicekit.testing import assertion_headers
from tokens.handlers import imports


def _types(helpers, raw, org_id: str) -> list[tuple[str, dict]]:
    rows = helpers.events_of(raw, org_id)
    return [(r["type"], r["envelope"]["data"]) for r in rows if "attention" in r["type"]]


def test_a_legacy_token_needs_the_customer_until_ny_token_replaces_it(
    svc, raw, helpers, fortnox_sandbox, connect_org, tokens_server
):
    tenant = fortnox_sandbox.create_tenant()
    org_id = str(uuid.uuid4())
    imports.import_legacy(svc, org_id, tenant.legacy_token, None, actor="test")
    status = tokens_server.get(f"/internal/organisations/{org_id}/fortnox").json()
    assert status["attention"] == "legacy"
    connect_org(tenant, org_id=org_id)
    assert _types(helpers, raw, org_id) == [
        (
            "token.attention_needed",
            {"reason": "legacy", "reason_code": None, "kind": "legacy", "detail": None},
        ),
        ("token.attention_cleared", {"kind": "oauth", "previous_reason": "legacy"}),
    ]
    status = tokens_server.get(f"/internal/organisations/{org_id}/fortnox").json()
    assert status["attention"] is None


def test_a_grant_revoked_at_fortnox_needs_the_customer_once_and_ny_token_clears_it(
    raw, helpers, fortnox_sandbox, connect_org, tokens_server
):
    connected = connect_org()
    org_id = connected.org_id
    base = f"/internal/organisations/{org_id}/fortnox"
    fortnox_sandbox.control.revoke_consent(connected.tenant.tenant_id)
    for _ in range(2):  # the second check finds it refused already: no second event
        vouched = assertion_headers("fortnox.check", org_id, connected.user_id)  # single-use
        assert tokens_server.post(base + "/check", headers=vouched).json()["ok"] is False
    [(kind, data)] = _types(helpers, raw, org_id)
    assert kind == "token.attention_needed" and data["reason"] == "reauthorization"
    assert data["reason_code"] and data["detail"]
    assert tokens_server.get(base).json()["attention"] == "reauthorization"
    connect_org(connected.tenant, org_id=org_id)
    assert [k for k, _ in _types(helpers, raw, org_id)][-1] == "token.attention_cleared"


def test_the_customers_history_is_redacted_newest_first_and_at_most_twenty(
    tokens_server, connect_org, fortnox_sandbox
):
    connected = connect_org()
    base = f"/internal/organisations/{connected.org_id}/fortnox"

    def vouched():  # an assertion is single-use: a fresh one per check
        return assertion_headers("fortnox.check", connected.org_id, connected.user_id)

    for _ in range(21):
        tokens_server.post(base + "/check", headers=vouched())
    fortnox_sandbox.control.revoke_consent(connected.tenant.tenant_id)
    tokens_server.post(base + "/check", headers=vouched())
    overview = tokens_server.get(base + "/overview").json()
    assert overview["status"] == tokens_server.get(base).json(), "the status, as GET …/fortnox"
    entries = overview["history"]
    assert len(entries) == 20
    assert entries[0]["event"] == "failed" and entries[0]["cause"]
    assert {e["event"] for e in entries[1:]} <= {"checked", "renewed", "failed"}
    assert all(set(e) == {"at", "event", "cause"} for e in entries)
    assert connected.user_id not in str(entries)
    assert tokens_server.get("/internal/organisations/nope/fortnox/overview").status_code == 422


def test_a_disconnect_by_the_customer_needs_nothing(
    tokens_server, connect_org, raw, helpers, fortnox_sandbox
):
    connected = connect_org()
    base = f"/internal/organisations/{connected.org_id}/fortnox"
    vouched = assertion_headers("fortnox.disconnect", connected.org_id, connected.user_id)
    assert tokens_server.post(base + "/disconnect", headers=vouched).status_code == 200
    assert _types(helpers, raw, connected.org_id) == []
    entries = tokens_server.get(base + "/overview").json()["history"]
    assert [e["event"] for e in entries[:2]] == ["disconnected", "connected"]


def test_a_refused_migration_turns_the_legacy_need_into_migration_refused(
    svc, raw, helpers, fortnox_sandbox
):
    from tokens.handlers import migration, schedule

    tenant = fortnox_sandbox.create_tenant()
    org_id = str(uuid.uuid4())
    imports.import_legacy(svc, org_id, tenant.legacy_token, None, actor="test")
    schedule.schedule(svc, [org_id], None, actor="test", by="tester")
    fortnox_sandbox.control.set_migrate_fails(tenant.tenant_id, True)
    assert migration.migrate_one(svc, org_id, actor="test") == migration.FAILED
    reasons = [(kind, data["reason"]) for kind, data in _types(helpers, raw, org_id)]
    assert reasons == [
        ("token.attention_needed", "legacy"),
        ("token.attention_needed", "migration_refused"),
    ]
