"""The settings service's processes through a 10 s RabbitMQ outage (issue 10): every payment
method saved meanwhile is acknowledged, stored and published once the broker is back; the
relay and the consumer (real processes) stay up, log the outage once and reconnect by
themselves. RabbitMQ is a node of the test's own (own_rabbitmq)."""

import json
import re
import threading
import time
import uuid

import psycopg
import pytest
from servicekit.broker import unrouted_name
from servicekit.events.harness import tapped_ids, wait_for

from .conftest import SERVICES, Platform

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = 10
SAVE = {"method": "bankgiro", "number": "160-9908"}


def save_until(platform: Platform, stop: threading.Event, answers: list[int]) -> None:
    while not stop.is_set():
        path = f"/internal/organisations/{uuid.uuid4()}/payment-method"
        answers.append(platform.internal("settings", "PUT", path, json=SAVE).status_code)
        stop.wait(0.05)


def stored_and_unsent(database_url: str) -> tuple[int, int, int]:
    """Payment methods stored, events in the outbox, and how many of those are not sent yet."""
    with psycopg.connect(database_url) as conn:
        saved = conn.execute("SELECT count(*) FROM payment_methods").fetchone()[0]
        events, unsent = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE sent_at IS NULL) FROM outbox"
        ).fetchone()
    return saved, events, unsent


def outbox_ids(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        return {str(row[0]) for row in conn.execute("SELECT envelope->>'id' FROM outbox")}


def said(log_text: str, service: str) -> list[str]:
    lines = map(json.loads, re.findall(r"^\{.*\}$", log_text, re.M))
    return [line["message"] for line in lines if line["service"] == service]


def test_saves_during_a_broker_outage_are_all_kept_and_published_and_no_process_gives_up(
    make_database, own_rabbitmq, tmp_path
):
    settings = [spec for spec in SERVICES if spec.name == "settings"]
    platform = Platform(make_database, tmp_path, settings, env={"AMQP_URL": own_rabbitmq.url})
    stop, answers = threading.Event(), []
    saver = threading.Thread(target=save_until, args=(platform, stop, answers), daemon=True)
    try:
        platform.start()
        database = platform.env["SETTINGS_DATABASE_URL"]
        stored_before, before, _ = stored_and_unsent(database)
        saver.start()
        wait_for(lambda: len(answers) >= 20, 60, "saves before the outage")
        own_rabbitmq.stop()
        time.sleep(OUTAGE_SECONDS)
        alive_during = [p.poll() is None for p in platform.processes]
        own_rabbitmq.start()
        back = time.monotonic()
        time.sleep(1)
        stop.set()
        saver.join(30)
        wait_for(lambda: stored_and_unsent(database)[2] == 0, 60, "the outbox to drain")
        drained_after = round(time.monotonic() - back, 2)
        saved, events, _ = stored_and_unsent(database)
        committed = outbox_ids(database)
        published = tapped_ids(own_rabbitmq.url, unrouted_name(platform.env["EVENTS_EXCHANGE"]))
        wait_for(
            lambda: "rabbitmq is back" in said(platform.logs(), "settings-consumer"),
            60,
            "the consumer to reconnect",
        )
        logs = platform.logs()
    finally:
        stop.set()
        platform.stop()

    acknowledged = answers.count(200)
    print(f"\nbroker outage of {OUTAGE_SECONDS} s while saving payment methods:")
    print(f"  saves sent {len(answers)}, acknowledged {acknowledged}, stored {saved}")
    print(f"  events committed {events - before}, published {len(set(published)) - before}")
    print(
        f"  published twice (at least once: consumers' inboxes absorb it) {len(published) - len(set(published))}"
    )
    print(f"  outbox drained {drained_after} s after the broker was back")
    assert set(answers) == {200}
    assert saved == acknowledged + stored_before
    assert events - before == acknowledged
    assert set(published) == committed  # the demo data's events too: nothing subscribes to them
    assert all(alive_during), "a process exited while RabbitMQ was down"
    for process in ("settings-relay", "settings-consumer"):
        messages = said(logs, process)
        assert messages.count("rabbitmq unavailable; waiting for it and retrying") == 1, process
        assert messages.count("rabbitmq is back") == 1, process
