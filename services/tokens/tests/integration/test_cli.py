"""Operators' commands and the demo seed. None of them prints a token."""

import base64
import secrets
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from tokens.entrypoints.cli import DEMO_ORG_ID, cli
from tokens.handlers import connection_status


@pytest.fixture
def run(tokens_env):
    def _run(*args, env=None, input=None):
        result = CliRunner().invoke(cli, list(args), env=tokens_env | (env or {}), input=input)
        return result

    return _run


def test_seed_demo_imports_the_legacy_token_once(
    run, tokens_env, fortnox_sandbox, svc, raw, helpers
):
    tenant = fortnox_sandbox.create_tenant()
    Path(tokens_env["RF_VAR_DIR"], "demo-legacy-token").write_text(tenant.legacy_token + "\n")
    first = run("seed-demo")
    second = run("seed-demo")
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert "nothing to do" in second.output
    assert tenant.legacy_token not in first.output + second.output
    status = connection_status.status(svc, DEMO_ORG_ID)
    assert status["token_type"] == "Access Token" and status["legacy"] is True
    assert (status["company_name"], status["organisation_number"], status["database_number"]) == (
        "Jlmdata AB",
        "559192-5788",
        "900232",
    )
    updates = helpers.events_of(raw, DEMO_ORG_ID, "company.updated")
    assert len(updates) == 1 and updates[0]["envelope"]["data"]["version"] == 1


def test_seed_demo_without_the_sandbox_file_fails_clearly(run, tmp_path, make_database):
    empty = make_database(prefix="t_tokens_seed")
    result = run("seed-demo", env={"RF_VAR_DIR": str(tmp_path), "TOKENS_DATABASE_URL": empty})
    assert result.exit_code == 1 and "demo-legacy-token is missing" in result.output


def test_seed_demo_over_tokens_sealed_under_other_keys_names_both_ways_out(
    run, tmp_path, make_database, fortnox_sandbox
):
    env = {"RF_VAR_DIR": str(tmp_path), "TOKENS_DATABASE_URL": make_database(prefix="t_sealed")}
    (tmp_path / "demo-legacy-token").write_text(fortnox_sandbox.create_tenant().legacy_token)
    assert run("seed-demo", env=env).exit_code == 0
    other_key = "k9:" + base64.b64encode(secrets.token_bytes(32)).decode()
    result = run("seed-demo", env=env | {"TOKENS_ENCRYPTION_KEYS": other_key})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "do not open with TOKENS_ENCRYPTION_KEYS" in result.output
    assert f"{tmp_path}/secrets.env" in result.output and "`make reset`" in result.output
    assert "Traceback" not in result.output


def test_import_show_refresh_and_bad_input(run, fortnox_sandbox, connect_org):
    tenant = fortnox_sandbox.create_tenant()
    org_id = str(uuid.uuid4())
    rows = (
        f"org_id,token\n{org_id},{tenant.legacy_token},Bolaget AB,556677-8899,{tenant.tenant_id}\n"
    )
    imported = run("import-legacy", "-", input=rows)
    assert imported.exit_code == 0 and "1 legacy connection(s) imported" in imported.output
    shown = run("show", org_id)
    assert (
        shown.exit_code == 0 and "Access Token" in shown.output and "import_legacy" in shown.output
    )
    assert tenant.legacy_token not in imported.output + shown.output
    connected = connect_org()
    refreshed = run("refresh", connected.org_id)
    assert refreshed.exit_code == 0 and "renewed" in refreshed.output
    assert run("refresh", str(uuid.uuid4())).exit_code == 1
    assert run("import-legacy", "-", input=f"{org_id},a,b\n").exit_code == 1
    assert run("import-legacy", "-", input="not-a-uuid,token\n").exit_code == 1


def test_migration_is_scheduled_listed_run_and_unscheduled_by_operators(
    run, fortnox_sandbox, svc, raw
):
    tenant = fortnox_sandbox.create_tenant()
    org_id = str(uuid.uuid4())
    assert run("import-legacy", "-", input=f"{org_id},{tenant.legacy_token}\n").exit_code == 0
    dry = run("schedule-migration", "--org", org_id, "--dry-run")
    assert dry.exit_code == 0 and org_id in dry.output and "would schedule 1" in dry.output
    assert svc.store.peek(org_id).migration_not_before is None
    later = run("schedule-migration", "--org", org_id, "--not-before", "2999-01-01T08:00+01:00")
    assert later.exit_code == 0 and "from 2999-01-01 07:00:00 UTC" in later.output
    listed = run("scheduled-migrations")
    assert listed.exit_code == 0 and f"{org_id}" in listed.output
    not_yet = run("migrate-legacy", "--dry-run")
    assert not_yet.exit_code == 0 and org_id not in not_yet.output
    assert run("schedule-migration", "--org", org_id).exit_code == 0  # now
    dry = run("migrate-legacy", "--dry-run")
    assert dry.exit_code == 0 and "would_migrate" in dry.output
    assert svc.store.peek(org_id).kind == "legacy"
    shown = run("show", org_id)
    assert "schedule_migration" in shown.output and "migration_scheduled_for: 2" in shown.output
    off = run("unschedule-migration", "--org", org_id)
    assert off.exit_code == 0 and "took 1 connection(s) off" in off.output
    again = run("unschedule-migration", "--org", org_id)
    assert again.exit_code == 0 and "was not scheduled" in again.output
    assert svc.store.peek(org_id).migration_not_before is None
    assert tenant.legacy_token not in dry.output + shown.output + listed.output


@pytest.mark.parametrize(
    "args, status, message",
    [
        (["schedule-migration"], 2, "--org ID"),
        (["schedule-migration", "--all", "--org", str(uuid.uuid4())], 2, "--org ID"),
        (["schedule-migration", "--org", "42"], 2, "'42' is not an organisation id"),
        (["schedule-migration", "--all", "--not-before", "soon"], 2, "not an ISO 8601 time"),
        (["schedule-migration", "--org", "00000000-0000-4000-8000-00000000dead"], 1, "has no"),
        (
            ["unschedule-migration", "--org", "00000000-0000-4000-8000-00000000dead"],
            1,
            "no Fortnox",
        ),
        (["show", "not-a-uuid"], 2, "is not an organisation id"),
    ],
)
def test_bad_migration_commands_say_why_and_change_nothing(run, args, status, message):
    result = run(*args)
    assert result.exit_code == status and message in result.output, result.output


def test_rotating_the_key_re_encrypts_every_row(run, tokens_env, connect_org, raw, svc):
    connected = connect_org()
    old = tokens_env["TOKENS_ENCRYPTION_KEYS"]
    new = f"t2:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    rotated = run("rotate-key", env={"TOKENS_ENCRYPTION_KEYS": f"{new},{old}"})
    assert rotated.exit_code == 0, rotated.output
    columns = raw.execute(
        "SELECT access_token, refresh_token, legacy_token FROM connections"
    ).fetchall()
    stored = [value for row in columns for value in row.values() if value]
    assert stored and all(value.startswith("t2:") for value in stored)
    shown = run("show", connected.org_id, env={"TOKENS_ENCRYPTION_KEYS": new})
    assert shown.exit_code == 0, shown.output
    # put the rows back under the session's key for the other tests
    assert run("rotate-key", env={"TOKENS_ENCRYPTION_KEYS": f"{old},{new}"}).exit_code == 0
    assert svc.store.peek(connected.org_id).refresh_token


def test_a_missing_key_is_a_clear_error(run, connect_org):
    connect_org()
    other = f"zz:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    result = run("rotate-key", env={"TOKENS_ENCRYPTION_KEYS": other})
    assert result.exit_code == 1 and "no key" in result.output
