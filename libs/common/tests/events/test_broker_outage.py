"""A RabbitMQ outage while thousands of events are being committed delays them, loses none.

The broker is shared with every other test running on this machine: the outage is kept to a
few seconds, and RabbitMQ is always started again.
"""

import shutil
import subprocess
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


def rabbitmqctl(*args: str) -> None:
    if shutil.which("rabbitmqctl") is None:
        pytest.fail("rabbitmqctl is needed to stop and start RabbitMQ in this test", pytrace=False)
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


def broker_answers(amqp_url: str) -> bool:
    try:
        pika.BlockingConnection(pika.URLParameters(amqp_url)).close()
        return True
    except pika.exceptions.AMQPError:
        return False


def outage(amqp_url: str) -> None:
    rabbitmqctl("stop_app")
    try:
        time.sleep(OUTAGE_SECONDS)
    finally:
        rabbitmqctl("start_app")
        rabbitmqctl("await_startup")
        wait_for(lambda: broker_answers(amqp_url), 60, "RabbitMQ to answer again")


def consumer_metric(name: str, consumer) -> float:
    labels = {"consumer": consumer.queue, "type": "probe.recorded"}
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.slow
def test_every_event_committed_during_a_broker_outage_is_delivered_once_it_is_back(
    outbox_db, consumer_db, amqp_url, exchange_name, probe_consumer
):
    committed = []
    writer = threading.Thread(
        target=probes.write_probes,
        args=(outbox_db, ORGS, PER_ORG),
        kwargs={"on_commit": committed.append},
    )
    consumer = probe_consumer()
    with running_consumer(consumer):
        relay = start_relay_process("probe", outbox_db, amqp_url, exchange_name)
        try:
            writer.start()
            wait_for(lambda: len(committed) >= 500, what="the writer to get going")
            outage(amqp_url)
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
