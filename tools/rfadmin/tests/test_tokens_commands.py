"""rfadmin's connection, migration and keys groups: an operator's whole round, and bad input
answered with a clear message and a non-zero exit status, changing nothing."""

import uuid

import pytest
from tokens.adapters.crypto import new_key

UNKNOWN = "00000000-0000-4000-8000-00000000dead"


def _import(rfadmin, tenant) -> str:
    org_id = str(uuid.uuid4())
    row = f"{org_id},{tenant.legacy_token},{tenant.company_name},556677-8899,{tenant.tenant_id}\n"
    imported = rfadmin("connection", "import-legacy", "-", input=row)
    assert imported.returncode == 0, imported.stderr
    return org_id


def test_an_operator_looks_schedules_migrates_refreshes_and_rotates_the_key(
    rfadmin, rfadmin_env, fortnox_sandbox
):
    tenant = fortnox_sandbox.create_tenant()
    org_id = _import(rfadmin, tenant)
    outputs = []

    def ok(*args, env=None):
        result = rfadmin(*args, env=env)
        assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
        outputs.append(result.stdout + result.stderr)
        return result

    shown = ok("connection", "show", org_id)
    assert "Access Token" in shown.stdout and "import_legacy" in shown.stdout
    nothing = ok("migration", "run")  # nobody decided anything yet: it stays legacy
    assert "no scheduled migration is due" in nothing.stdout
    dry = ok("migration", "schedule", "--all", "--dry-run")
    assert org_id in dry.stdout and "would schedule" in dry.stdout
    ok("migration", "schedule", "--org", org_id, "--not-before", "2999-01-01T06:00:00Z")
    assert "from 2999-01-01 06:00:00 UTC" in ok("migration", "list").stdout
    assert "no scheduled migration is due" in ok("migration", "run", "--dry-run").stdout
    assert "took 1 connection(s) off" in ok("migration", "unschedule", "--org", org_id).stdout
    assert "1 legacy connection(s) scheduled" in ok("migration", "schedule", "--org", org_id).stdout
    assert "1 would_migrate" in ok("migration", "run", "--dry-run").stdout
    run = ok("migration", "run", "--rate", "20")
    assert "1 migrated" in run.stdout and "100%" in run.stderr  # the progress bar
    shown = ok("connection", "show", org_id)
    assert "OAuth" in shown.stdout
    assert "schedule_migration" in shown.stdout and "unschedule_migration" in shown.stdout
    assert "renewed" in ok("connection", "refresh", org_id).stdout
    key = ok("keys", "new", "--kid", "k2").stdout.strip()
    assert key.startswith("k2:") and len(key) > 40
    old = rfadmin_env["TOKENS_ENCRYPTION_KEYS"]
    rotated = ok("keys", "rotate", env={"TOKENS_ENCRYPTION_KEYS": f"{key},{old}"})
    assert "re-encrypted under 'k2'" in rotated.stdout
    ok("connection", "show", org_id, env={"TOKENS_ENCRYPTION_KEYS": key})  # the old key gone
    ok("keys", "rotate", env={"TOKENS_ENCRYPTION_KEYS": f"{old},{key}"})  # back, for the others
    assert all(tenant.legacy_token not in output for output in outputs)
    secret = key.split(":")[1]
    assert [output for output in outputs if secret in output] == [key + "\n"]  # `keys new` only


def test_a_migration_fortnox_refuses_ends_with_status_1_and_asks_for_ny_token(
    rfadmin, fortnox_sandbox
):
    tenant = fortnox_sandbox.create_tenant()
    org_id = _import(rfadmin, tenant)
    fortnox_sandbox.control.set_migrate_fails(tenant.tenant_id, True)
    assert rfadmin("migration", "schedule", "--org", org_id).returncode == 0
    run = rfadmin("migration", "run")
    assert run.returncode == 1 and 'need "Ny Token"' in run.stderr, run.stderr
    shown = rfadmin("connection", "show", org_id)
    assert "needs_reauthorization" in shown.stdout and "Ny Token" in shown.stdout
    again = rfadmin("migration", "schedule", "--org", org_id)
    assert again.returncode == 1 and 'only "Ny Token" gives' in again.stderr


@pytest.mark.parametrize(
    "args, status, message",
    [
        (["connection", "show", "not-a-uuid"], 2, "'not-a-uuid' is not an organisation id"),
        (["connection", "show", UNKNOWN], 1, f"{UNKNOWN} has no Fortnox connection"),
        (["connection", "refresh", UNKNOWN], 1, f"{UNKNOWN} has no Fortnox connection"),
        (["connection", "refresh", "12"], 2, "'12' is not an organisation id"),
        (["migration", "schedule"], 2, "--org ID"),
        (["migration", "schedule", "--org", UNKNOWN], 1, "has no Fortnox connection"),
        (["migration", "schedule", "--all", "--not-before", "tomorrow"], 2, "not an ISO 8601"),
        (["migration", "unschedule", "--org", UNKNOWN], 1, "no Fortnox connection"),
        (["keys", "new"], 2, "Missing option '--kid'"),
        (["nonsense"], 2, "No such command 'nonsense'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(rfadmin, args, status, message):
    result = rfadmin(*args)
    assert result.returncode == status and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_keyring_without_the_stored_key_and_a_missing_database_are_clear_errors(
    rfadmin, fortnox_sandbox
):
    org_id = _import(rfadmin, fortnox_sandbox.create_tenant())
    stranger = rfadmin("keys", "rotate", env={"TOKENS_ENCRYPTION_KEYS": f"zz:{new_key()}"})
    assert stranger.returncode == 1 and "no key" in stranger.stderr, stranger.stderr
    unset = rfadmin("connection", "show", org_id, env={"TOKENS_ENCRYPTION_KEYS": ""})
    assert unset.returncode == 1 and "ENCRYPTION_KEYS not configured" in unset.stderr
    gone = "postgresql://postgres:hunter2@127.0.0.1:1/rf_tokens"
    down = rfadmin("connection", "show", org_id, env={"TOKENS_DATABASE_URL": gone})
    assert down.returncode == 1 and "127.0.0.1:1/rf_tokens" in down.stderr, down.stderr
    assert "hunter2" not in down.stderr and "Traceback" not in down.stderr
