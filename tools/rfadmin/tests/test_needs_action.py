"""`rfadmin connection needs-action`: which organisations must act on their Fortnox connection,
since when, for how long, and how many mails their administrators got."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from auth import config as auth_config
from auth.bootstrap import bootstrap
from auth.entrypoints.api import MIGRATIONS
from auth.handlers import notices, seed
from servicekit import db

DEMO_ORG = seed.DEMO_ORG_ID


@pytest.fixture
def auth_env(make_database) -> dict:
    return {
        "AUTH_DATABASE_URL": make_database(MIGRATIONS, prefix="rfadmin_auth"),
        "INTERNAL_API_KEY": "rfadmin-test-key",
        "PUBLIC_BASE_URL": "https://apps.example.se",
    }


@pytest.fixture
def auth_ctx(auth_env):
    config = auth_config.load(auth_env)
    pool = db.open_pool(config["DATABASE_URL"], max_size=2, name="rfadmin-test")
    ctx = bootstrap(config, pool)
    seed.seed_demo(ctx)
    yield ctx
    pool.close()


def apply(ctx, event_type: str, org_id: str, at: datetime, data: dict) -> None:
    envelope = {"id": str(uuid.uuid4()), "org_id": org_id, "occurred_at": at, "data": data}
    with ctx.pool.connection() as conn, conn.transaction():
        notices.consumer_handlers(ctx)[event_type](conn, envelope)


def test_it_lists_who_must_act_for_how_long_and_the_mails_they_got(rfadmin, auth_env, auth_ctx):
    assert "No organisation" in rfadmin("connection", "needs-action", env=auth_env).stdout
    now = datetime.now(UTC)
    three_days_ago = now - timedelta(days=3, minutes=5)
    auth_ctx.clock = lambda: three_days_ago  # the first mail went out three days ago
    apply(auth_ctx, "token.attention_needed", DEMO_ORG, three_days_ago, {"reason": "legacy"})
    auth_ctx.clock = lambda: now
    assert notices.send_due(auth_ctx) == 1  # the reminder after 3 days
    fixed = str(uuid.uuid4())
    apply(auth_ctx, "token.attention_needed", fixed, now, {"reason": "reauthorization"})
    apply(auth_ctx, "token.attention_cleared", fixed, now + timedelta(seconds=1), {})

    result = rfadmin("connection", "needs-action", env=auth_env)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.split("\t") == [
        "organisation", "customer", "reason", "since", "for", "mails", "next mail"
    ]  # fmt: skip
    [row] = rows  # the organisation whose connection works again is not listed
    name, customer, reason, since, waited, mails, next_mail = row.split("\t")
    assert (name, customer, reason, waited, mails) == (
        "Jlmdata AB",
        "900232",
        "legacy",
        "3d 0h",
        "2",
    )
    assert since == f"{three_days_ago:%Y-%m-%d %H:%M} UTC"
    assert next_mail == f"{three_days_ago + timedelta(days=7):%Y-%m-%d %H:%M} UTC"
