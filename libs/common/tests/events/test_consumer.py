"""The consumer: applied once, failures dead-lettered after the limit, unreadable ones too."""

import json
import threading
import time

import pika
from prometheus_client import REGISTRY
from servicekit.events import dlq, probes, topology
from servicekit.events.harness import running_consumer, wait_for
from servicekit.events.probes import probe_envelope
from servicekit.logs import current_correlation_id


def send(amqp_url: str, exchange: str, body, routing_key: str = "probe.recorded") -> None:
    """Publish raw to the exchange as a relay (or a broken producer) would."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            exchange,
            routing_key,
            payload,
            pika.BasicProperties(delivery_mode=2, content_type="application/json"),
            mandatory=True,
        )
    finally:
        connection.close()


def metric(name: str, consumer, **labels) -> float:
    return REGISTRY.get_sample_value(name, {"consumer": consumer.queue, **labels}) or 0.0


def test_an_event_delivered_twice_has_one_effect_logged_under_its_correlation_id(
    amqp_url, exchange_name, consumer_db, probe_consumer
):
    seen_correlation_ids = []

    def record(conn, envelope):
        seen_correlation_ids.append(current_correlation_id())
        probes.record_probe(conn, envelope)

    envelope = probe_envelope()
    with running_consumer(probe_consumer(record)) as consumer:
        send(amqp_url, exchange_name, envelope)
        send(amqp_url, exchange_name, envelope)
        wait_for(
            lambda: metric("consumer_events_duplicate_total", consumer, type="probe.recorded"),
            what="the second delivery",
        )
    assert [r[0] for r in probes.applied(consumer_db)] == [envelope["id"]]
    assert metric("consumer_events_handled_total", consumer, type="probe.recorded") == 1
    assert seen_correlation_ids == ["corr-test"]


def test_a_handler_that_always_fails_ends_in_the_dead_letter_queue_after_the_limit(
    amqp_url, exchange_name, consumer_db, probe_consumer
):
    attempts = []

    def always_fails(conn, envelope):
        probes.record_probe(conn, envelope)  # rolled back with the inbox row each time
        attempts.append(str(envelope["id"]))
        raise RuntimeError("the handler is broken")

    envelope = probe_envelope()
    consumer = probe_consumer(always_fails, max_deliveries=3)
    with running_consumer(consumer):
        send(amqp_url, exchange_name, envelope)
        wait_for(lambda: dlq.count(amqp_url, consumer.queue) == 1, what="the dead letter")
        (letter,) = dlq.peek(amqp_url, consumer.queue)
    assert attempts == [envelope["id"]] * 3
    assert letter.message_id is None or letter.message_id == envelope["id"]
    assert json.loads(letter.body)["id"] == envelope["id"]
    assert letter.reason == "delivery_limit"
    assert letter.routing_key == "probe.recorded"
    assert probes.applied(consumer_db) == []


def test_unreadable_messages_go_to_the_dead_letter_queue_with_the_reason(
    amqp_url, exchange_name, consumer_db, probe_consumer
):
    missing_fields = probe_envelope()
    del missing_fields["occurred_at"]
    bad_data = probe_envelope(data={"seq": "not a number"})
    unknown_type = probe_envelope(type="probe.exploded")
    good = probe_envelope()
    consumer = probe_consumer()
    with running_consumer(consumer):
        send(amqp_url, exchange_name, b"{not json")
        send(amqp_url, exchange_name, missing_fields)
        send(amqp_url, exchange_name, bad_data)
        send(amqp_url, exchange_name, unknown_type, routing_key="probe.exploded")
        send(amqp_url, exchange_name, good)
        wait_for(lambda: probes.applied_count(consumer_db) == 1, what="the good event")
        wait_for(lambda: dlq.count(amqp_url, consumer.queue) == 4, what="four dead letters")
        letters = dlq.peek(amqp_url, consumer.queue)
    reasons = [letter.reason for letter in letters]
    assert reasons[0].startswith("not JSON")
    assert reasons[1].startswith("invalid envelope") and "occurred_at" in reasons[1]
    assert reasons[2].startswith("invalid probe.recorded v1") and "seq" in reasons[2]
    assert reasons[3] == "unknown event type probe.exploded"
    assert [letter.routing_key for letter in letters] == ["probe.recorded"] * 3 + ["probe.exploded"]
    assert [r[0] for r in probes.applied(consumer_db)] == [good["id"]]


def test_a_known_event_without_a_handler_is_acknowledged_and_ignored(
    amqp_url, exchange_name, consumer_db, probe_consumer, service_name
):
    from servicekit.events.consumer import Consumer

    consumer = Consumer(
        service_name, "tolerant", consumer_db, amqp_url, exchange_name, ["probe.*"], {}
    )
    with running_consumer(consumer):
        send(amqp_url, exchange_name, probe_envelope())
        wait_for(
            lambda: metric("consumer_events_ignored_total", consumer, type="probe.recorded"),
            what="the ignored event",
        )
        assert dlq.count(amqp_url, consumer.queue) == 0


def test_a_slow_handler_does_not_lose_the_broker_connection(
    amqp_url, exchange_name, consumer_db, probe_consumer
):
    heartbeat = 1
    started = threading.Event()

    def slow(conn, envelope):
        started.set()
        time.sleep(heartbeat * 4)  # twice the time after which a silent peer is dropped
        probes.record_probe(conn, envelope)

    envelope = probe_envelope()
    consumer = probe_consumer(slow, heartbeat=heartbeat)
    with running_consumer(consumer):
        send(amqp_url, exchange_name, envelope)
        wait_for(lambda: probes.applied_count(consumer_db) == 1, what="the slow event")
        wait_for(
            lambda: metric("consumer_events_handled_total", consumer, type="probe.recorded"),
            what="the ack",
        )
    assert metric("consumer_connections_total", consumer) == 1
    assert metric("consumer_events_redelivered_total", consumer, type="probe.recorded") == 0
    assert started.is_set()


def test_dead_letters_can_be_replayed_to_the_exchange(
    amqp_url, exchange_name, consumer_db, probe_consumer
):
    healed = threading.Event()

    def fails_until_healed(conn, envelope):
        if not healed.is_set():
            raise RuntimeError("a bug, fixed later")
        probes.record_probe(conn, envelope)

    envelope = probe_envelope()
    consumer = probe_consumer(fails_until_healed, max_deliveries=1)
    with running_consumer(consumer):
        send(amqp_url, exchange_name, envelope)
        wait_for(lambda: dlq.count(amqp_url, consumer.queue) == 1, what="the dead letter")
        healed.set()
        assert dlq.replay(amqp_url, exchange_name, consumer.queue) == 1
        wait_for(lambda: probes.applied_count(consumer_db) == 1, what="the replayed event")
        assert dlq.count(amqp_url, consumer.queue) == 0
    assert topology.dead_letter_queue(consumer.queue) == f"{consumer.queue}.dlq"
