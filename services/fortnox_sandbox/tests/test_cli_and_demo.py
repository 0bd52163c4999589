"""The CLI: idempotent demo data, tenants for tests and benchmarks; secrets never printed."""

import csv
import stat

import psycopg
import pytest
from click.testing import CliRunner
from fortnox_sandbox.adapters.keys import token_hash
from fortnox_sandbox.entrypoints.cli import cli


@pytest.fixture
def run(make_database, tmp_path):
    url = make_database(prefix="t_sandbox_cli")
    env = {
        "FORTNOX_SANDBOX_DATABASE_URL": url,
        "RF_VAR_DIR": str(tmp_path / "var"),
        "FORTNOX_CLIENT_ID": "rf-local-client",
        "LOG_LEVEL": "WARNING",
    }

    def _run(*args):
        result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    _run.url = url
    _run.var = tmp_path / "var"
    return _run


def _query(url: str, sql: str, params=()):
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def test_seed_demo_creates_jlmdata_with_kaisa_and_a_private_legacy_token_file(run):
    output = run("seed-demo")
    token_file = run.var / "demo-legacy-token"
    token = token_file.read_text().strip()
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert token not in output
    tenant = _query(
        run.url, "SELECT company_name, organization_number, city FROM tenants WHERE id = 900232"
    )
    assert tenant == [("Jlmdata AB", "559192-5788", "Malmö")]
    users = _query(run.url, "SELECT username, full_name, system_admin FROM users")
    assert users == [("kaisa@900232", "Kaisa Jönsson", True)]
    legacy = _query(
        run.url,
        "SELECT tenant_id, revoked_at FROM legacy_tokens WHERE token_hash = %s",
        (token_hash(token),),
    )
    assert legacy == [(900232, None)]


def test_seed_demo_twice_neither_wipes_nor_duplicates(run):
    run("seed-demo")
    token = (run.var / "demo-legacy-token").read_text()
    assert "already present" in run("seed-demo")
    assert (run.var / "demo-legacy-token").read_text() == token
    assert _query(run.url, "SELECT count(*) FROM tenants") == [(1,)]
    assert _query(run.url, "SELECT count(*) FROM users") == [(1,)]
    assert _query(run.url, "SELECT count(*) FROM legacy_tokens") == [(1,)]


def test_seed_demo_on_a_new_database_learns_the_existing_token_file(run):
    run("seed-demo")
    token = (run.var / "demo-legacy-token").read_text().strip()
    with psycopg.connect(run.url, autocommit=True) as conn:
        conn.execute("DELETE FROM legacy_tokens")
    run("seed-demo")
    assert (run.var / "demo-legacy-token").read_text().strip() == token
    assert _query(
        run.url, "SELECT count(*) FROM legacy_tokens WHERE token_hash = %s", (token_hash(token),)
    ) == [(1,)]


def test_add_tenants_writes_every_legacy_token_to_a_private_csv(run, tmp_path):
    out = tmp_path / "tokens.csv"
    output = run("add-tenants", "--count", "2000", "--tokens-file", str(out))
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2000 and len({r["legacy_token"] for r in rows}) == 2000
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert rows[0]["legacy_token"] not in output
    assert _query(run.url, "SELECT count(*) FROM legacy_tokens") == [(2000,)]


def test_add_tenant_with_a_user(run, tmp_path):
    out = tmp_path / "legacy"
    run(
        "add-tenant",
        "--tenant-id",
        "4242",
        "--company-name",
        "Fyrtio AB",
        "--username",
        "anna@4242",
        "--password",
        "pw",
        "--legacy-token-file",
        str(out),
    )
    assert _query(run.url, "SELECT username FROM users") == [("anna@4242",)]
    assert len(out.read_text().strip()) == 36
