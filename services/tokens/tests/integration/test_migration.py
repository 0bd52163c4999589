"""Legacy migration through /oauth-v1/migrate of connections an operator scheduled: success, each
failure code, dry run, resume after an interruption, and never a tenant migrated twice.
(Scheduling itself, and the worker leaving unscheduled ones alone: test_migration_schedule.py.)"""

import sys
import time
import uuid

import pytest
from tokens.domain.connection import Company
from tokens.domain.model import ClientRejected
from tokens.handlers import imports, migration, schedule
from tokens.handlers.handout import hand_out


def _legacy_org(svc, fortnox_sandbox, tenant=None, token=None):
    """A legacy connection an operator scheduled for migration now."""
    tenant = tenant or fortnox_sandbox.create_tenant()
    org_id = str(uuid.uuid4())
    company = Company(tenant.company_name, tenant.organization_number, str(tenant.tenant_id))
    imports.import_legacy(svc, org_id, token or tenant.legacy_token, company, actor="test")
    schedule.schedule(svc, [org_id], None, actor="test", by="tester")
    return org_id, tenant


def _migrations_ok(fortnox_sandbox, tenant_id) -> int:
    return fortnox_sandbox.control.counters(tenant_id)["migrate_calls"].get("ok", 0)


def test_migration_replaces_the_legacy_token_and_publishes_upgraded(
    svc, fortnox_sandbox, raw, helpers
):
    org_id, tenant = _legacy_org(svc, fortnox_sandbox)
    assert migration.migrate_one(svc, org_id, actor="test") == "migrated"
    connection = svc.store.peek(org_id)
    assert connection.kind == "oauth" and connection.legacy_token is None
    assert connection.migration_state == "migrated" and connection.migration_not_before is None
    token = hand_out(svc, org_id).access_token
    assert fortnox_sandbox.company_information(token).status_code == 200
    assert fortnox_sandbox.company_information(legacy_token=tenant.legacy_token).status_code == 401
    upgraded = helpers.events_of(raw, org_id, "token.upgraded")
    assert [e["envelope"]["data"]["method"] for e in upgraded] == ["migrated"]
    assert migration.migrate_one(svc, org_id, actor="test") == "skipped"  # idempotent
    assert _migrations_ok(fortnox_sandbox, tenant.tenant_id) == 1


@pytest.mark.parametrize(
    "arrange, status",
    [
        (lambda control, tenant: control.set_licensed(tenant.tenant_id, False), 403),
        (lambda control, tenant: control.set_migrate_fails(tenant.tenant_id, True), 400),
        (None, 404),
    ],
    ids=["403-not-licensed", "400-could-not-create", "404-unknown-token"],
)
def test_refused_migration_asks_for_ny_token_and_publishes_migration_failed(
    svc, fortnox_sandbox, raw, helpers, arrange, status
):
    tenant = fortnox_sandbox.create_tenant()
    token = tenant.legacy_token if arrange else "not-a-legacy-token-fortnox-knows"
    org_id, _ = _legacy_org(svc, fortnox_sandbox, tenant, token)
    if arrange:
        arrange(fortnox_sandbox.control, tenant)
    assert migration.migrate_one(svc, org_id, actor="test") == "failed"
    connection = svc.store.peek(org_id)
    assert connection.state == "needs_reauthorization" and connection.migration_state == "failed"
    assert connection.migration_not_before is None  # nothing left for the migrator to retry
    assert f"({status})" in connection.reauthorization_reason
    failed = helpers.events_of(raw, org_id, "token.migration_failed")
    assert [e["envelope"]["data"]["status"] for e in failed] == [status]
    assert migration.migrate_one(svc, org_id, actor="test") == "skipped"


def test_refused_client_credentials_stop_the_run_and_change_nothing(svc, fortnox_sandbox):
    org_id, _tenant = _legacy_org(svc, fortnox_sandbox)
    real = svc.fortnox._basic
    svc.fortnox._basic = "Basic " + "d3Jvbmc6d3Jvbmc="  # wrong:wrong
    try:
        with pytest.raises(ClientRejected):
            migration.migrate_many(svc, [org_id], actor="test")
    finally:
        svc.fortnox._basic = real
    connection = svc.store.peek(org_id)
    assert connection.kind == "legacy" and connection.state == "connected"
    assert connection.migration_state is None
    assert connection.migration_not_before is not None  # still scheduled, for a later run


def test_dry_run_changes_nothing(svc, fortnox_sandbox):
    org_id, tenant = _legacy_org(svc, fortnox_sandbox)
    counts = migration.migrate_many(svc, [org_id], actor="test", dry_run=True)
    assert counts == {"would_migrate": 1}
    connection = svc.store.peek(org_id)
    assert connection.kind == "legacy" and connection.migration_not_before is not None
    assert _migrations_ok(fortnox_sandbox, tenant.tenant_id) == 0


def test_a_migration_interrupted_after_fortnox_consumed_the_token_is_marked(
    svc, fortnox_sandbox, raw, helpers
):
    org_id, tenant = _legacy_org(svc, fortnox_sandbox)
    raw.execute(
        "UPDATE connections SET migration_state = 'in_progress' WHERE org_id = %s", (org_id,)
    )
    assert fortnox_sandbox.migrate(tenant.legacy_token).status_code == 200  # then the crash
    assert migration.migrate_one(svc, org_id, actor="test") == "failed"
    assert "interrupted" in svc.store.peek(org_id).reauthorization_reason
    assert len(helpers.events_of(raw, org_id, "token.migration_failed")) == 1


def test_an_interrupted_run_resumes_in_the_worker_and_no_tenant_is_migrated_twice(
    svc, fortnox_sandbox, raw, tokens_env, helpers, tmp_path
):
    orgs = [_legacy_org(svc, fortnox_sandbox) for _ in range(8)]
    ids = [org_id for org_id, _ in orgs]

    def migrated() -> int:
        return raw.execute(
            "SELECT count(*) AS n FROM connections WHERE org_id = ANY(%s) AND kind = 'oauth'",
            (ids,),
        ).fetchone()["n"]

    command = [sys.executable, "-m", "tokens.entrypoints.cli", "migrate-legacy", "--rate", "4"]
    with open(tmp_path / "cli.log", "w+") as log:
        cli = helpers.spawn(command + ["--concurrency", "1"], tokens_env, log)
        deadline = time.monotonic() + 60
        while migrated() < 2 and cli.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        cli.kill()
        cli.wait()
    assert migrated() < len(ids)  # it was interrupted part-way
    env = tokens_env | {"TOKENS_MIGRATOR_INTERVAL_SECONDS": "0.2", "TOKENS_MIGRATOR_RATE": "20"}
    with open(tmp_path / "worker.log", "w+") as log:
        workers = [
            helpers.spawn([sys.executable, "-m", "tokens.entrypoints.migrator"], env, log)
            for _ in range(2)
        ]
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                left = raw.execute(
                    "SELECT count(*) AS n FROM connections WHERE org_id = ANY(%s)"
                    " AND kind = 'legacy' AND state = 'connected'",
                    (ids,),
                ).fetchone()["n"]
                if left == 0:
                    break
                time.sleep(0.1)
        finally:
            for worker in workers:
                helpers.stop(worker)
    for org_id, tenant in orgs:
        connection = svc.store.peek(org_id)
        ok = _migrations_ok(fortnox_sandbox, tenant.tenant_id)
        assert ok <= 1
        if connection.kind == "oauth":
            assert ok == 1 and connection.migration_state == "migrated"
        else:  # the one the kill caught mid-call, if any: clearly marked
            assert connection.migration_state == "failed"
            assert "interrupted" in connection.reauthorization_reason
    assert migrated() >= len(ids) - 1
    for org_id in ids:
        assert len(helpers.events_of(raw, org_id, "token.upgraded")) <= 1
