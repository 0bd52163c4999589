"""The relay under trouble: killed mid-batch, run twice at once, or facing an unroutable event."""

import signal

import pika
import psycopg
from prometheus_client import REGISTRY
from servicekit import broker
from servicekit.events import probes
from servicekit.events.harness import (
    running_consumer,
    running_relay,
    start_relay_process,
    stop_process,
    wait_for,
)
from servicekit.events.relay import Relay


def metric(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def listening(database_url: str) -> bool:
    with psycopg.connect(database_url) as conn:
        return bool(
            conn.execute(
                "SELECT 1 FROM pg_stat_activity WHERE query = 'LISTEN outbox_pending'"
                " AND datname = current_database()"
            ).fetchone()
        )


def relay_waits_on_its_update(blocker: psycopg.Connection) -> bool:
    return bool(
        blocker.execute(
            "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND query LIKE 'UPDATE outbox SET sent_at%%' AND datname = current_database()"
        ).fetchone()
    )


def test_a_relay_killed_between_publishing_and_marking_sent_republishes_and_is_applied_once(
    outbox_db, consumer_db, amqp_url, exchange_name, probe_consumer
):
    written = probes.write_probes(outbox_db, ["org-a"], per_org=5)
    consumer = probe_consumer()
    with running_consumer(consumer):
        # The test holds a lock that lets the relay read and publish but not mark rows sent.
        with psycopg.connect(outbox_db) as blocker:
            blocker.execute("LOCK TABLE outbox IN EXCLUSIVE MODE")
            doomed = start_relay_process("probe", outbox_db, amqp_url, exchange_name)
            try:
                wait_for(lambda: probes.applied_count(consumer_db) == 5, what="the publishes")
                wait_for(lambda: relay_waits_on_its_update(blocker), what="the relay to block")
            finally:
                doomed.send_signal(signal.SIGKILL)
                doomed.wait()
            blocker.rollback()
        assert probes.outbox_counts(outbox_db) == (0, 5)

        relay = Relay("probe-restarted", outbox_db, amqp_url, exchange_name)
        with running_relay(relay):
            wait_for(lambda: probes.outbox_counts(outbox_db) == (5, 0), what="the re-publish")
            wait_for(
                lambda: (
                    metric(
                        "consumer_events_duplicate_total",
                        consumer=consumer.queue,
                        type="probe.recorded",
                    )
                    == 5
                ),
                what="the redeliveries to reach the consumer",
            )
    rows = probes.applied(consumer_db)
    assert [r[0] for r in rows] == [e["id"] for e in written]


def test_two_relays_at_once_send_each_row_once_and_keep_each_organisations_order(
    outbox_db, consumer_db, amqp_url, exchange_name, probe_consumer
):
    orgs = [f"org-{i}" for i in range(12)]
    relays = [
        Relay(name, outbox_db, amqp_url, exchange_name, batch_size=10, partitions_per_batch=3)
        for name in ("probe-one", "probe-two")
    ]
    with running_consumer(probe_consumer()), running_relay(relays[0]), running_relay(relays[1]):
        written = probes.write_probes(outbox_db, orgs, per_org=60)
        wait_for(lambda: probes.applied_count(consumer_db) >= len(written), what="every event")
        wait_for(lambda: probes.outbox_counts(outbox_db)[1] == 0, what="an empty outbox")
    rows = probes.applied(consumer_db)
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)) == len(written)
    assert probes.out_of_order(rows) == []
    by_relay = [metric("outbox_events_published_total", service=r.service) for r in relays]
    # Each row was published once in all: any row sent twice would show in the sum.
    assert sum(by_relay) == len(written)
    assert all(count > 0 for count in by_relay), by_relay


def _wait_for_refusal(relay: Relay, reason: str) -> None:
    def refused():
        return metric("outbox_publish_failures_total", service=relay.service, reason=reason)

    wait_for(refused, what=f"the refusal ({reason})")


def test_an_unroutable_event_stays_pending_with_the_reason_and_is_sent_once_routable(
    outbox_db, consumer_db, amqp_url, exchange_name, probe_consumer
):
    (first,) = probes.write_probes(outbox_db, ["org-a"], per_org=1)
    relay = Relay("probe-unroutable", outbox_db, amqp_url, exchange_name, poll_interval=0.2)
    with running_relay(relay):
        _wait_for_refusal(relay, "unroutable")
        with psycopg.connect(outbox_db) as conn:
            sent_at, attempts, last_error = conn.execute(
                "SELECT sent_at, attempts, last_error FROM outbox WHERE id = %s", (first["id"],)
            ).fetchone()
        assert sent_at is None and attempts >= 1
        assert last_error.startswith("unroutable: no queue is bound")
        with running_consumer(probe_consumer()):
            wait_for(lambda: probes.applied_count(consumer_db) == 1, what="the retried event")
    assert probes.outbox_counts(outbox_db) == (1, 0)


def test_a_platform_relay_keeps_events_nobody_subscribes_to_in_the_unrouted_queue(
    outbox_db, amqp_url, exchange_name
):
    written = probes.write_probes(outbox_db, ["org-a", "org-b"], per_org=2)
    relay = Relay("probe-keeps-unrouted", outbox_db, amqp_url, exchange_name, keep_unrouted=True)
    with running_relay(relay):
        wait_for(lambda: probes.outbox_counts(outbox_db) == (4, 0), what="all rows sent")
    connection = broker.connect(amqp_url)
    try:
        channel = connection.channel()
        kept = []
        while (message := channel.basic_get(broker.unrouted_name(exchange_name), auto_ack=True))[0]:
            kept.append(message[1].message_id)
    finally:
        connection.close()
    assert sorted(kept) == sorted(str(e["id"]) for e in written)


def test_an_unroutable_event_type_holds_back_only_its_own_later_events(
    outbox_db, consumer_db, amqp_url, exchange_name, probe_consumer
):
    (before,) = probes.write_probes(outbox_db, ["org-a"], per_org=1, start=1)
    with psycopg.connect(outbox_db) as conn:
        for _ in range(2):  # a type no queue is bound for, written as a producer would
            conn.execute(
                "INSERT INTO outbox (id, type, version, org_id, occurred_at, envelope)"
                " VALUES (gen_random_uuid(), 'probe.unrouted', 1, 'org-a', now(), '{}')"
            )
    (after,) = probes.write_probes(outbox_db, ["org-a"], per_org=1, start=2)
    relay = Relay("probe-partly-routable", outbox_db, amqp_url, exchange_name)
    with running_consumer(probe_consumer(bindings=["probe.recorded"])), running_relay(relay):
        wait_for(lambda: probes.applied_count(consumer_db) == 2, what="the routable events")
    assert [r[0] for r in probes.applied(consumer_db)] == [before["id"], after["id"]]
    with psycopg.connect(outbox_db) as conn:
        waiting = conn.execute(
            "SELECT attempts, last_error IS NOT NULL FROM outbox WHERE sent_at IS NULL ORDER BY seq"
        ).fetchall()
    # The first refused row was tried; the one after it waited behind it.
    assert waiting[0][0] >= 1 and waiting[0][1]
    assert waiting[1] == (0, False)


def test_a_relay_process_stops_gracefully_on_sigterm(outbox_db, amqp_url, exchange_name):
    process = start_relay_process("probe", outbox_db, amqp_url, exchange_name)
    wait_for(lambda: listening(outbox_db), what="the relay to listen for new rows")
    assert stop_process(process) == 0


def test_a_nacked_event_stays_pending_and_holds_back_the_later_events_of_its_type(
    outbox_db, amqp_url, exchange_name
):
    # A queue that takes one message and then refuses more: the broker nacks the second.
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    broker.declare_exchange(channel, exchange_name)
    queue = f"{exchange_name}.full"
    channel.queue_declare(queue, arguments={"x-max-length": 1, "x-overflow": "reject-publish"})
    channel.queue_bind(queue, exchange_name, routing_key="probe.recorded")
    try:
        written = probes.write_probes(outbox_db, ["org-a"], per_org=3)
        relay = Relay("probe-nacked", outbox_db, amqp_url, exchange_name, poll_interval=0.2)
        with running_relay(relay):
            _wait_for_refusal(relay, "nacked")
        with psycopg.connect(outbox_db) as conn:
            rows = conn.execute(
                "SELECT id::text, sent_at IS NOT NULL, attempts, last_error FROM outbox"
                " ORDER BY seq"
            ).fetchall()
        assert [r[0] for r in rows] == [e["id"] for e in written]
        assert rows[0][1:] == (True, 1, None)
        assert rows[1][1] is False and rows[1][3].startswith("nacked: the broker refused")
        # The third was never sent ahead of the refused second one.
        assert rows[2][1:] == (False, 0, None)
        assert channel.queue_declare(queue, passive=True).method.message_count == 1
    finally:
        channel.queue_delete(queue)
        connection.close()
