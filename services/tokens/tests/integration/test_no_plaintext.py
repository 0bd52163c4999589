"""Tokens never appear in plain text: not in the database's raw rows, not in events, not in logs."""

import logging
import uuid

from tokens.domain.connection import Company
from tokens.handlers import imports, migration
from tokens.handlers.handout import hand_out

TABLES = ("connections", "audit_log", "outbox", "oauth_states")


def test_no_token_is_readable_in_rows_events_or_logs(
    svc, connect_org, raw, helpers, fortnox_sandbox, tokens_server, caplog
):
    caplog.set_level(logging.DEBUG)
    seen = set()
    connected = connect_org()
    service = connect_org(account_type="service")
    tenant = fortnox_sandbox.create_tenant()
    legacy_org = str(uuid.uuid4())
    company = Company(tenant.company_name, tenant.organization_number, str(tenant.tenant_id))
    imports.import_legacy(svc, legacy_org, tenant.legacy_token, company, actor="test")
    seen.add(tenant.legacy_token)
    for org_id in (connected.org_id, service.org_id):
        helpers.expire_soon(raw, org_id, seconds=-1)
        seen.add(hand_out(svc, org_id).access_token)
        answer = tokens_server.post(f"/internal/organisations/{org_id}/fortnox/access-token")
        seen.add(answer.json()["access_token"])
    migration.migrate_one(svc, legacy_org, actor="test")
    for row in raw.execute("SELECT org_id FROM connections").fetchall():
        connection = svc.store.peek(row["org_id"])
        for value in (
            connection.access_token,
            connection.refresh_token,
            connection.legacy_token,
            connection.revoke_pending_token,
        ):
            if value:
                seen.add(value)
    assert len(seen) > 5
    dumps = [
        r["line"]
        for table in TABLES
        for r in raw.execute(f"SELECT row_to_json(t)::text AS line FROM {table} t").fetchall()
    ]
    logs = [tokens_server.log_path.read_text(), caplog.text]
    for token in seen:
        needles = {token, token[-40:]}  # the whole token or a recognisable piece of it
        assert not any(n in line for n in needles for line in dumps), "a token in the database"
        assert not any(n in text for n in needles for text in logs), "a token in the logs"
    events = raw.execute("SELECT envelope::text AS e FROM outbox").fetchall()
    assert events and not any('token": "ey' in e["e"] for e in events)
