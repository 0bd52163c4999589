"""The confirming publisher against the real broker: every message gets its own outcome."""

import uuid

import pika
import pytest
from pika.exceptions import AMQPConnectionError, ChannelClosedByBroker
from servicekit import broker
from servicekit.events.publisher import CONFIRMED, NACKED, UNROUTABLE, ConfirmingPublisher


@pytest.fixture
def full_after_one(amqp_url, exchange_name):
    """A queue bound to probe.* that holds one message and refuses (nacks) further ones."""
    queue = f"{exchange_name}.full"
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    broker.declare_exchange(channel, exchange_name)
    channel.queue_declare(queue, arguments={"x-max-length": 1, "x-overflow": "reject-publish"})
    channel.queue_bind(queue, exchange_name, routing_key="probe.*")
    yield queue
    channel.queue_delete(queue)
    connection.close()


@pytest.fixture
def publisher(amqp_url, exchange_name):
    publisher = ConfirmingPublisher(amqp_url, exchange_name, name="test-publisher")
    publisher.open()
    yield publisher
    publisher.close()


def publish_all(publisher: ConfirmingPublisher, routing_keys: list[str]) -> list[str]:
    outcomes: dict[int, str] = {}
    for n, key in enumerate(routing_keys):
        properties = pika.BasicProperties(message_id=str(uuid.uuid4()))
        publisher.publish(
            key, b"{}", properties, lambda outcome, n=n: outcomes.update({n: outcome})
        )
    publisher.wait(lambda: len(outcomes) == len(routing_keys), timeout=30)
    return [outcomes[n] for n in range(len(routing_keys))]


def test_messages_sent_without_waiting_each_get_their_own_outcome(publisher, full_after_one):
    outcomes = publish_all(publisher, ["probe.recorded", "nobody.listens", "probe.recorded"])
    assert outcomes == [CONFIRMED, UNROUTABLE, NACKED]
    assert publisher.unconfirmed == 0


def test_a_batch_of_routable_messages_is_confirmed_as_a_whole(publisher, amqp_url, exchange_name):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, exchange_name, routing_key="probe.*")
    try:
        assert publish_all(publisher, ["probe.recorded"] * 300) == [CONFIRMED] * 300
        assert channel.queue_declare(queue, passive=True).method.message_count == 300
    finally:
        connection.close()


def test_an_unreachable_broker_is_a_connection_error_with_its_cause(exchange_name):
    publisher = ConfirmingPublisher("amqp://guest:guest@127.0.0.1:1/%2F", exchange_name)
    try:
        with pytest.raises(AMQPConnectionError, match="cannot reach the broker: Connection"):
            publisher.open(timeout=10)
    finally:
        publisher.close()
    assert not publisher.is_open


def test_an_exchange_declared_otherwise_is_refused_with_the_brokers_reason(amqp_url, exchange_name):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    connection.channel().exchange_declare(exchange_name, exchange_type="direct")
    connection.close()
    publisher = ConfirmingPublisher(amqp_url, exchange_name)
    try:
        with pytest.raises(ChannelClosedByBroker, match="PRECONDITION_FAILED"):
            publisher.open(timeout=10)
    finally:
        publisher.close()
