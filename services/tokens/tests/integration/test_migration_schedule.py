"""Migrating without the customer is an operator's decision: the migrator takes only legacy
connections scheduled for migration, once their time has come. Everything else stays legacy for
the customer's own "Ny Token"."""

import sys
import time
import uuid
from datetime import timedelta

import pytest
from tokens.domain.connection import Company
from tokens.domain.errors import InvalidRequest, NotConnected
from tokens.entrypoints.cli import DEMO_COMPANY, DEMO_ORG_ID
from tokens.handlers import imports, migration, schedule


def _legacy_org(svc, fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant()
    org_id = str(uuid.uuid4())
    company = Company(tenant.company_name, tenant.organization_number, str(tenant.tenant_id))
    imports.import_legacy(svc, org_id, tenant.legacy_token, company, actor="test")
    return org_id, tenant


def _migrate_calls(fortnox_sandbox, tenant) -> int:
    return sum(fortnox_sandbox.control.counters(tenant.tenant_id)["migrate_calls"].values())


def _token_of(svc, org_id) -> str | None:
    return svc.store.peek(org_id).legacy_token


def _trail(svc, org_id, action):
    return [e for e in svc.store.audit_trail(org_id) if e["action"] == action]


def test_an_unscheduled_legacy_connection_is_not_migrated(svc, fortnox_sandbox):
    org_id, tenant = _legacy_org(svc, fortnox_sandbox)
    assert migration.migrate_many(svc, [org_id], actor="test") == {"skipped": 1}
    assert migration.migrate_one(svc, org_id, actor="test", dry_run=True) == "skipped"
    assert svc.store.peek(org_id).kind == "legacy"
    assert org_id not in svc.work.due_migrations()
    assert _migrate_calls(fortnox_sandbox, tenant) == 0


def test_a_migration_waits_for_its_scheduled_time(svc, fortnox_sandbox):
    org_id, tenant = _legacy_org(svc, fortnox_sandbox)
    later = svc.clock() + timedelta(days=1)
    change = schedule.schedule(svc, [org_id], later, actor="test", by="tester")
    assert [row["org_id"] for row in change.rows] == [org_id]
    assert svc.store.peek(org_id).migration_not_before == later
    assert migration.migrate_one(svc, org_id, actor="test") == "skipped"
    assert org_id not in svc.work.due_migrations()
    assert _migrate_calls(fortnox_sandbox, tenant) == 0
    # the operator moves the time to now: scheduling again replaces it, and says so
    schedule.schedule(svc, [org_id], None, actor="test", by="tester")
    assert org_id in svc.work.due_migrations()
    assert migration.migrate_one(svc, org_id, actor="test") == "migrated"
    entries = _trail(svc, org_id, "schedule_migration")
    assert [e["detail"]["by"] for e in entries] == ["tester", "tester"]
    assert entries[0]["detail"]["previous"] is not None and entries[1]["detail"]["previous"] is None


def test_unscheduling_leaves_the_connection_legacy_and_is_audited(svc, fortnox_sandbox):
    org_id, tenant = _legacy_org(svc, fortnox_sandbox)
    other, _ = _legacy_org(svc, fortnox_sandbox)
    schedule.schedule(svc, [org_id], None, actor="test", by="tester")
    dry = schedule.unschedule(svc, [org_id, other], actor="test", by="tester", dry_run=True)
    assert [row["org_id"] for row in dry.rows] == [org_id] and dry.untouched == [other]
    assert svc.store.peek(org_id).migration_not_before is not None
    change = schedule.unschedule(svc, [org_id, other], actor="test", by="tester")
    assert [row["org_id"] for row in change.rows] == [org_id] and change.untouched == [other]
    assert svc.store.peek(org_id).migration_not_before is None
    assert migration.migrate_one(svc, org_id, actor="test") == "skipped"
    assert _migrate_calls(fortnox_sandbox, tenant) == 0
    [entry] = _trail(svc, org_id, "unschedule_migration")
    assert entry["outcome"] == "unscheduled" and entry["detail"]["by"] == "tester"
    with pytest.raises(NotConnected):
        schedule.unschedule(svc, [str(uuid.uuid4())], actor="test", by="tester")


def test_an_interactive_upgrade_ends_the_schedule(svc, fortnox_sandbox, connect_org):
    org_id, tenant = _legacy_org(svc, fortnox_sandbox)
    schedule.schedule(svc, [org_id], svc.clock() + timedelta(hours=1), actor="test", by="t")
    connect_org(tenant, org_id=org_id)  # the customer clicked "Ny Token" first
    connection = svc.store.peek(org_id)
    assert connection.kind == "oauth" and connection.migration_not_before is None
    [connected] = _trail(svc, org_id, "connect")
    assert connected["outcome"] == "upgraded" and "migration_unscheduled" in connected["detail"]
    assert _migrate_calls(fortnox_sandbox, tenant) == 0


def test_named_organisations_are_scheduled_all_or_none(svc, fortnox_sandbox, connect_org):
    legacy, _ = _legacy_org(svc, fortnox_sandbox)
    oauth = connect_org().org_id
    unknown = str(uuid.uuid4())
    with pytest.raises(InvalidRequest) as refused:
        schedule.schedule(svc, [legacy, oauth, unknown], None, actor="test", by="tester")
    assert f"{oauth} already uses OAuth" in refused.value.message
    assert f"{unknown} has no Fortnox connection" in refused.value.message
    assert svc.store.peek(legacy).migration_not_before is None
    assert _trail(svc, legacy, "schedule_migration") == []


def test_scheduling_every_legacy_connection_skips_the_others(svc, fortnox_sandbox, connect_org):
    legacy, _ = _legacy_org(svc, fortnox_sandbox)
    oauth = connect_org().org_id
    later = svc.clock() + timedelta(days=30)
    dry = schedule.schedule(svc, None, later, actor="test", by="tester", dry_run=True)
    assert legacy in {row["org_id"] for row in dry.rows}
    assert svc.store.peek(legacy).migration_not_before is None
    change = schedule.schedule(svc, None, later, actor="test", by="tester")
    scheduled = {row["org_id"] for row in change.rows}
    assert legacy in scheduled and oauth not in scheduled
    assert svc.store.peek(legacy).migration_not_before == later
    assert svc.store.peek(oauth).migration_not_before is None
    schedule.unschedule(svc, None, actor="test", by="tester")  # leave the others as they were
    assert svc.schedule.scheduled() == []


def test_the_worker_migrates_due_scheduled_connections_and_leaves_the_demo_and_the_rest_legacy(
    svc, fortnox_sandbox, raw, tokens_env, helpers, tmp_path
):
    demo_tenant = fortnox_sandbox.create_tenant()  # what seed-demo imports, if not yet there
    imports.import_legacy(svc, DEMO_ORG_ID, demo_tenant.legacy_token, DEMO_COMPANY, actor="seed")
    demo_tenant = demo_tenant if _token_of(svc, DEMO_ORG_ID) == demo_tenant.legacy_token else None
    later, later_tenant = _legacy_org(svc, fortnox_sandbox)
    due, _ = _legacy_org(svc, fortnox_sandbox)
    schedule.schedule(svc, [later], svc.clock() + timedelta(days=7), actor="test", by="t")
    schedule.schedule(svc, [due], None, actor="test", by="t")
    env = tokens_env | {"TOKENS_MIGRATOR_INTERVAL_SECONDS": "0.2", "TOKENS_MIGRATOR_RATE": "20"}

    def wait_migrated(org_id):
        deadline = time.monotonic() + 60
        while svc.store.peek(org_id).kind == "legacy" and time.monotonic() < deadline:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.05)
        assert svc.store.peek(org_id).kind == "oauth"

    with open(tmp_path / "worker.log", "w+") as log:
        worker = helpers.spawn([sys.executable, "-m", "tokens.entrypoints.migrator"], env, log)
        try:
            wait_migrated(due)
            # a second decision while it runs: taken on a later pass, the others still not
            second, _ = _legacy_org(svc, fortnox_sandbox)
            schedule.schedule(svc, [second], None, actor="test", by="t")
            wait_migrated(second)
        finally:
            helpers.stop(worker)
    for org_id, tenant in ((DEMO_ORG_ID, demo_tenant), (later, later_tenant)):
        row = raw.execute(
            "SELECT kind, state, claimed_until FROM connections WHERE org_id = %s", (org_id,)
        ).fetchone()
        assert row == {"kind": "legacy", "state": "connected", "claimed_until": None}
        assert tenant is None or _migrate_calls(fortnox_sandbox, tenant) == 0
    assert svc.store.peek(later).migration_not_before is not None
