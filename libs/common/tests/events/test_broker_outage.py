"""A RabbitMQ outage while thousands of events are being committed delays them, loses none.

The broker is a node of the test's own (own_rabbitmq): it is stopped and started again while a
relay process publishes and a consumer applies, and neither of them gives up or logs the outage
more than once.
"""

import json
import threading
import time

import pika
import pytest
from prometheus_client import REGISTRY
from servicekit.events import probes
from servicekit.events.harness import (
    running_consumer,
    start_relay_process,
    stop_process,
    wait_for,
)

ORGS = [f"org-{i}" for i in range(6)]
PER_ORG = 500
OUTAGE_SECONDS = 3


@pytest.fixture
def amqp_url(own_rabbitmq):
    """This module's broker is its own node, so stopping it disturbs no other test."""
    return own_rabbitmq.url


def broker_answers(amqp_url: str) -> bool:
    try:
        pika.BlockingConnection(pika.URLParameters(amqp_url)).close()
        return True
    except pika.exceptions.AMQPError:
        return False


def outage(broker) -> None:
    broker.stop()
    try:
        time.sleep(OUTAGE_SECONDS)
    finally:
        broker.start()
        wait_for(lambda: broker_answers(broker.url), 60, "RabbitMQ to answer again")


def log_messages(path) -> list[str]:
    lines = path.read_text().splitlines()
    return [json.loads(line)["message"] for line in lines if line.startswith("{")]


def consumer_metric(name: str, consumer) -> float:
    labels = {"consumer": consumer.queue, "type": "probe.recorded"}
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.slow
def test_every_event_committed_during_a_broker_outage_is_delivered_once_it_is_back(
    outbox_db, consumer_db, amqp_url, exchange_name, probe_consumer, own_rabbitmq, tmp_path
):
    committed = []
    writer = threading.Thread(
        target=probes.write_probes,
        args=(outbox_db, ORGS, PER_ORG),
        kwargs={"on_commit": committed.append},
    )
    consumer = probe_consumer()
    relay_log = tmp_path / "relay.log"
    with running_consumer(consumer), relay_log.open("w") as output:
        relay = start_relay_process("probe", outbox_db, amqp_url, exchange_name, output=output)
        try:
            writer.start()
            wait_for(lambda: len(committed) >= 500, what="the writer to get going")
            outage(own_rabbitmq)
            assert relay.poll() is None, "the relay exited during the outage"
            writer.join()
            total = len(ORGS) * PER_ORG
            wait_for(lambda: probes.applied_count(consumer_db) >= total, 120, "every event")
            wait_for(lambda: probes.outbox_counts(outbox_db)[1] == 0, 60, "an empty outbox")
        finally:
            writer.join()
            assert stop_process(relay) == 0

    rows = probes.applied(consumer_db)
    applied_ids = [r[0] for r in rows]
    committed_ids = {e["id"] for e in committed}
    ledger = {
        "committed": len(committed),
        "confirmed": probes.outbox_counts(outbox_db)[0],
        "applied": len(set(applied_ids)),
        "lost": len(committed_ids - set(applied_ids)),
        "duplicates applied": len(applied_ids) - len(set(applied_ids)),
        "redeliveries": int(
            consumer_metric("consumer_events_duplicate_total", consumer)
            + consumer_metric("consumer_events_redelivered_total", consumer)
        ),
        "longest lag (s)": round(max(r[3] for r in rows).total_seconds(), 2),
    }
    print("\nevent ledger across a broker outage:")
    for name, value in ledger.items():
        print(f"  {name:<20} {value}")
    assert ledger["committed"] == len(ORGS) * PER_ORG
    assert ledger["lost"] == 0
    assert ledger["duplicates applied"] == 0
    assert ledger["confirmed"] == ledger["committed"]
    assert probes.out_of_order(rows) == []
    relay_said = log_messages(relay_log)
    assert relay_said.count("rabbitmq unavailable; waiting for it and retrying") == 1
    assert relay_said.count("rabbitmq is back") == 1
    assert consumer.outage.waiting_for() == []
