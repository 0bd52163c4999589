"""Names and declarations of the event bus: the topic exchange, consumer queues, dead letters.

Every consumer has a durable quorum queue bound to the events exchange. A message it cannot
handle after the delivery limit, or cannot even read, ends in the consumer's own dead-letter
queue `<queue>.dlq` through the direct exchange `<exchange>.dlx`, routed by the DLQ's name.
"""

import pika
from pika.adapters.blocking_connection import BlockingChannel

from servicekit.broker import declare_exchange, unrouted_name

# Headers a dead letter published by the consumer itself carries (malformed messages).
REASON_HEADER = "x-rf-dead-letter-reason"
ORIGINAL_EXCHANGE_HEADER = "x-rf-original-exchange"
ORIGINAL_ROUTING_KEY_HEADER = "x-rf-original-routing-key"


def sent_on(properties: pika.BasicProperties, headers: dict) -> pika.BasicProperties:
    """The properties of a message sent on (to the dead-letter queue, or replayed from it): the
    original's identity and type, persistent, with these headers."""
    return pika.BasicProperties(
        content_type=properties.content_type,
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=properties.message_id,
        correlation_id=properties.correlation_id,
        type=properties.type,
        headers=headers,
    )


def queue_name(service: str, consumer: str) -> str:
    return f"{service}.{consumer}"


def dead_letter_exchange(exchange: str) -> str:
    return f"{exchange}.dlx"


def dead_letter_queue(queue: str) -> str:
    return f"{queue}.dlq"


def consumer_queue_arguments(exchange: str, queue: str, max_deliveries: int) -> dict:
    return {
        "x-queue-type": "quorum",
        # RabbitMQ counts returns, not deliveries: limit N means N + 1 deliveries.
        "x-delivery-limit": max(0, max_deliveries - 1),
        "x-dead-letter-exchange": dead_letter_exchange(exchange),
        "x-dead-letter-routing-key": dead_letter_queue(queue),
        # At-least-once dead-lettering keeps a message until the DLQ confirms it; it needs
        # reject-publish overflow so a full queue refuses new messages instead of dropping old.
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def declare_dead_letters(channel: BlockingChannel, exchange: str, queue: str) -> str:
    dlx = dead_letter_exchange(exchange)
    dlq = dead_letter_queue(queue)
    channel.exchange_declare(exchange=dlx, exchange_type="direct", durable=True)
    channel.queue_declare(dlq, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(dlq, dlx, routing_key=dlq)
    return dlq


def declare_consumer_queue(
    channel: BlockingChannel,
    exchange: str,
    queue: str,
    bindings: list[str],
    max_deliveries: int,
) -> None:
    """Exchange, dead-letter exchange and queue, the consumer queue and its bindings."""
    declare_exchange(channel, exchange)
    declare_dead_letters(channel, exchange, queue)
    channel.queue_declare(
        queue,
        durable=True,
        arguments=consumer_queue_arguments(exchange, queue, max_deliveries),
    )
    for pattern in bindings:
        channel.queue_bind(queue, exchange, routing_key=pattern)


def delete_consumer_queue(channel: BlockingChannel, exchange: str, queue: str) -> None:
    """Remove a consumer's queue and DLQ (tests, or an operator retiring a consumer)."""
    channel.queue_delete(queue)
    channel.queue_delete(dead_letter_queue(queue))


def delete_bus(channel: BlockingChannel, exchange: str, queues: list[str] = ()) -> None:
    """Remove an events exchange with what hangs off it: the given consumers' queues and DLQs,
    the dead-letter exchange and the unrouted exchange and queue (tests' own buses)."""
    for queue in queues:
        delete_consumer_queue(channel, exchange, queue)
    channel.exchange_delete(dead_letter_exchange(exchange))
    channel.exchange_delete(unrouted_name(exchange))
    channel.queue_delete(unrouted_name(exchange))
    channel.exchange_delete(exchange)
