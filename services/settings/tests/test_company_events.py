"""The real consumer on RabbitMQ keeps company info: idempotent, and never set back by an
older company.updated, whatever order the events arrive in."""

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg.rows import dict_row
from servicekit.events.envelope import build
from servicekit.events.harness import running_consumer, wait_for
from settings import config as settings_config
from settings.entrypoints.consumer import build_consumer

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def consumer(settings_env, exchange_name):
    config = settings_config.base(settings_env | {"EVENTS_EXCHANGE": exchange_name})
    built = build_consumer(config)
    with running_consumer(built) as running:
        yield running


@pytest.fixture
def db(settings_env):
    with psycopg.connect(
        settings_env["SETTINGS_DATABASE_URL"], row_factory=dict_row, autocommit=True
    ) as conn:
        yield conn


def company_updated(org_id: str, version: int, name: str, minutes: int) -> dict:
    return build(
        "company.updated",
        org_id,
        {
            "company_name": name,
            "organisation_number": "559192-5788",
            "database_number": "900232",
            "version": version,
            "observed_at": T0 + timedelta(minutes=minutes),
        },
    )


def token_upgraded(org_id: str, name: str) -> dict:
    return build(
        "token.upgraded",
        org_id,
        {
            "method": "interactive",
            "kind": "oauth",
            "company_name": name,
            "organisation_number": "559192-5788",
            "database_number": "900232",
        },
    )


def handled(db, count: int) -> bool:
    return db.execute("SELECT count(*) AS n FROM inbox").fetchone()["n"] >= count


def company(db, org_id: str) -> dict:
    return db.execute("SELECT * FROM company_info WHERE org_id = %s", (org_id,)).fetchone()


def test_the_same_event_delivered_twice_is_applied_once(consumer, publish_event, db):
    org_id = str(uuid.uuid4())
    event = company_updated(org_id, 1, "Jlmdata AB", 0)
    publish_event(event)
    publish_event(event)
    marker = company_updated(str(uuid.uuid4()), 1, "Marker AB", 0)
    publish_event(marker)  # one queue, one order: once the marker is in, both copies were seen
    wait_for(lambda: company(db, marker["org_id"]), what="the marker event")
    rows = db.execute("SELECT event_id FROM inbox").fetchall()
    assert sorted(str(r["event_id"]) for r in rows) == sorted([event["id"], marker["id"]])
    assert company(db, org_id)["company_name"] == "Jlmdata AB"


def test_an_older_company_updated_arriving_late_never_overwrites_a_newer_one(
    consumer, publish_event, db
):
    org_id = str(uuid.uuid4())
    publish_event(company_updated(org_id, 2, "Jlmdata Nya AB", 5))
    publish_event(company_updated(org_id, 1, "Jlmdata AB", 0))
    wait_for(lambda: handled(db, 2), what="both events")
    row = company(db, org_id)
    assert (row["company_name"], row["version"]) == ("Jlmdata Nya AB", 2)


def test_token_upgraded_brings_the_company_and_a_later_version_replaces_it(
    consumer, publish_event, db
):
    org_id = str(uuid.uuid4())
    publish_event(token_upgraded(org_id, "Jlmdata AB"))
    wait_for(lambda: company(db, org_id), what="token.upgraded to be applied")
    assert company(db, org_id)["source"] == "token.upgraded"
    newer = company_updated(org_id, 1, "Jlmdata Holding AB", 60 * 24 * 365 * 5)
    publish_event(newer)
    wait_for(lambda: company(db, org_id)["version"] == 1, what="company.updated v1")
    assert company(db, org_id)["company_name"] == "Jlmdata Holding AB"
