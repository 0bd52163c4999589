"""A token sealed under a key no longer in TOKENS_ENCRYPTION_KEYS: its organisation's connection
reads "needs Ny Token" in the web service (status, hand-out), the refresher and the migrator,
each says so once with the org id, nobody crashes, and the other organisation keeps working."""

import base64
import logging
import secrets
import sys
import time
import uuid

import pytest
from tokens.adapters.crypto import Keyring
from tokens.adapters.sealed import SEALED_REASON
from tokens.domain.errors import ReauthorizationRequired
from tokens.domain.model import Company
from tokens.handlers import connection_status, handout, imports, migration

GONE = Keyring.parse("gone:" + base64.b64encode(secrets.token_bytes(32)).decode())


@pytest.fixture
def seal(raw):
    """Re-encrypts columns of a row under a key the service does not have (returns the row as
    stored); the rows go afterwards, so other tests that read every row (rotate-key) can."""
    sealed_orgs = []

    def _seal(org_id: str, *columns: str) -> dict:
        sealed_orgs.append(org_id)
        for column in columns:
            sealed = GONE.encrypt(f"plain-{column}", org_id, column)
            raw.execute(f"UPDATE connections SET {column} = %s WHERE org_id = %s", (sealed, org_id))
        return raw.execute("SELECT * FROM connections WHERE org_id = %s", (org_id,)).fetchone()

    yield _seal
    raw.execute("DELETE FROM connections WHERE org_id = ANY(%s)", (sealed_orgs,))


def fortnox(org_id: str) -> str:
    return f"/internal/organisations/{org_id}/fortnox"


def test_web_status_and_handout_say_ny_token_for_the_sealed_one_only(
    svc, connect_org, raw, seal, tokens_server, caplog
):
    sealed, healthy = connect_org(), connect_org()
    stored = seal(sealed.org_id, "access_token", "refresh_token")

    status = tokens_server.get(fortnox(sealed.org_id)).json()
    assert status["state"] == "needs_reauthorization" and status["connected"] is False
    assert status["reauthorization_reason"] == SEALED_REASON
    refused = tokens_server.post(fortnox(sealed.org_id) + "/access-token")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "reauthorization_required"
    assert tokens_server.post(fortnox(healthy.org_id) + "/access-token").status_code == 200
    assert tokens_server.get(fortnox(healthy.org_id)).json()["state"] == "connected"

    with caplog.at_level(logging.INFO, logger="tokens.keys"):
        for _ in range(3):
            assert connection_status.status(svc, sealed.org_id)["state"] == "needs_reauthorization"
            with pytest.raises(ReauthorizationRequired):
                handout.hand_out(svc, sealed.org_id)
    said = [r for r in caplog.records if getattr(r, "org_id", None) == sealed.org_id]
    assert len(said) == 1, "say it once per organisation, not at every read"
    assert "plain-" not in caplog.text and stored["access_token"] not in caplog.text
    unchanged = raw.execute("SELECT * FROM connections WHERE org_id = %s", (sealed.org_id,))
    assert unchanged.fetchone()["access_token"] == stored["access_token"], "a key may come back"


def test_the_refresher_process_renews_the_other_and_logs_the_sealed_one_once(
    connect_org, raw, seal, helpers, tokens_env, tmp_path
):
    sealed, healthy = connect_org(), connect_org()
    seal(sealed.org_id, "access_token", "refresh_token")
    for org in (sealed, healthy):
        helpers.expire_soon(raw, org.org_id)
    before = raw.execute(
        "SELECT last_refresh_at FROM connections WHERE org_id = %s", (healthy.org_id,)
    ).fetchone()["last_refresh_at"]
    with open(tmp_path / "refresher.log", "w+") as log:
        refresher = helpers.spawn(
            [sys.executable, "-m", "tokens.entrypoints.refresher"], tokens_env, log
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and refresher.poll() is None:
                row = raw.execute(
                    "SELECT last_refresh_at FROM connections WHERE org_id = %s", (healthy.org_id,)
                ).fetchone()
                if row["last_refresh_at"] != before:
                    break
                time.sleep(0.2)
            time.sleep(1)  # a few more passes over the sealed one
            assert refresher.poll() is None, "the refresher exited"
        finally:
            helpers.stop(refresher)
        log.seek(0)
        output = log.read()
    assert row["last_refresh_at"] != before, output[-3000:]
    said = [line for line in output.splitlines() if sealed.org_id in line and "Ny Token" in line]
    assert len(said) == 1, output[-3000:]
    assert "Traceback" not in output


def test_the_migrator_skips_a_sealed_legacy_connection_and_migrates_the_other(
    svc, fortnox_sandbox, raw, seal
):
    orgs = []
    for _ in range(2):
        tenant, org_id = fortnox_sandbox.create_tenant(), str(uuid.uuid4())
        company = Company(tenant.company_name, "559192-5788", str(tenant.tenant_id))
        assert imports.import_legacy(svc, org_id, tenant.legacy_token, company, actor="test")
        raw.execute(
            "UPDATE connections SET migration_not_before = now() WHERE org_id = %s", (org_id,)
        )
        orgs.append(org_id)
    sealed, healthy = orgs
    stored = seal(sealed, "legacy_token")
    assert migration.migrate_one(svc, sealed, actor="migrator") == migration.SKIPPED
    assert migration.migrate_one(svc, healthy, actor="migrator") == migration.MIGRATED
    after = raw.execute("SELECT * FROM connections WHERE org_id = %s", (sealed,)).fetchone()
    assert after["legacy_token"] == stored["legacy_token"] and after["state"] == "connected"
    assert connection_status.status(svc, sealed)["state"] == "needs_reauthorization"


def test_ny_token_replaces_the_sealed_tokens_and_the_connection_works_again(
    svc, connect_org, raw, seal
):
    sealed = connect_org()
    seal(sealed.org_id, "access_token", "refresh_token")
    assert connection_status.status(svc, sealed.org_id)["state"] == "needs_reauthorization"
    connect_org(sealed.tenant, org_id=sealed.org_id)
    assert connection_status.status(svc, sealed.org_id)["state"] == "connected"
    assert handout.hand_out(svc, sealed.org_id).access_token
    row = raw.execute("SELECT * FROM connections WHERE org_id = %s", (sealed.org_id,)).fetchone()
    assert not row["access_token"].startswith("gone:")
