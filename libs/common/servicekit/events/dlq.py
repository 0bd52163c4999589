"""Look into a consumer's dead-letter queue and replay its messages (for operators' tools).

Dead letters come two ways: the queue's delivery limit (a handler kept failing; RabbitMQ adds
`x-death`), or the consumer itself for an unreadable message (reason in REASON_HEADER).
"""

from dataclasses import dataclass

import pika

from servicekit import broker
from servicekit.events import topology

_OWN_HEADERS = (
    topology.REASON_HEADER,
    topology.ORIGINAL_EXCHANGE_HEADER,
    topology.ORIGINAL_ROUTING_KEY_HEADER,
)


@dataclass(frozen=True)
class DeadLetter:
    message_id: str | None
    event_type: str | None
    routing_key: str
    reason: str
    body: bytes
    headers: dict


def _describe(properties: pika.BasicProperties, body: bytes) -> DeadLetter:
    headers = dict(properties.headers or {})
    deaths = headers.get("x-death") or []
    first_death = deaths[0] if deaths else {}
    routing_key = (
        headers.get(topology.ORIGINAL_ROUTING_KEY_HEADER)
        or ((first_death.get("routing-keys") or [""])[0])
    )
    reason = headers.get(topology.REASON_HEADER) or first_death.get("reason", "unknown")
    return DeadLetter(properties.message_id, properties.type, routing_key, reason, body, headers)


def count(amqp_url: str, queue: str) -> int:
    """Messages waiting in the consumer queue's DLQ (0 if it does not exist yet)."""
    connection = broker.connect(amqp_url, name="dlq-tool")
    try:
        channel = connection.channel()
        try:
            declared = channel.queue_declare(topology.dead_letter_queue(queue), passive=True)
        except pika.exceptions.ChannelClosedByBroker:
            return 0
        return declared.method.message_count
    finally:
        if connection.is_open:
            connection.close()


def peek(amqp_url: str, queue: str, limit: int = 50) -> list[DeadLetter]:
    """Up to `limit` dead letters, left in the DLQ (read unacknowledged, then returned)."""
    connection = broker.connect(amqp_url, name="dlq-tool")
    try:
        channel = connection.channel()
        found = []
        while len(found) < limit:
            method, properties, body = channel.basic_get(topology.dead_letter_queue(queue))
            if method is None:
                break
            found.append(_describe(properties, body))
        return found
    finally:
        connection.close()  # returns every message read to the DLQ


def replay(
    amqp_url: str,
    exchange: str,
    queue: str,
    *,
    message_ids: set[str] | None = None,
    limit: int | None = None,
) -> int:
    """Publish dead letters (all, or those with the given message ids) back to the events
    exchange under their original routing key; each leaves the DLQ only once the broker
    confirmed its replay. Returns how many were replayed."""
    connection = broker.connect(amqp_url, name="dlq-tool")
    try:
        reader = connection.channel()
        writer = connection.channel()
        writer.confirm_delivery()
        replayed = 0
        while limit is None or replayed < limit:
            method, properties, body = reader.basic_get(topology.dead_letter_queue(queue))
            if method is None:
                break
            letter = _describe(properties, body)
            if message_ids is not None and letter.message_id not in message_ids:
                continue  # stays unacked, so it goes back to the DLQ when we close
            writer.basic_publish(
                exchange=exchange,
                routing_key=letter.routing_key,
                body=body,
                properties=_fresh_properties(properties),
                mandatory=True,
            )
            reader.basic_ack(method.delivery_tag)
            replayed += 1
        return replayed
    finally:
        connection.close()


def _fresh_properties(properties: pika.BasicProperties) -> pika.BasicProperties:
    headers = {
        k: v
        for k, v in (properties.headers or {}).items()
        if k not in _OWN_HEADERS
        and not k.startswith("x-death")
        and not k.startswith("x-first")
        and not k.startswith("x-last")
        and k != "x-delivery-count"
    }
    headers["x-rf-replayed"] = int(headers.get("x-rf-replayed", 0)) + 1
    return pika.BasicProperties(
        content_type=properties.content_type,
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=properties.message_id,
        correlation_id=properties.correlation_id,
        type=properties.type,
        headers=headers,
    )
