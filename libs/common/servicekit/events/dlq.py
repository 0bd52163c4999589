"""Look into a consumer's dead-letter queue and replay its messages (for operators' tools).

Dead letters come two ways: the queue's delivery limit (a handler kept failing; RabbitMQ adds
`x-death`), or the consumer itself for an unreadable message (reason in REASON_HEADER).
Operators: `python -m servicekit.events.dlq --help` (dlq_command.py).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pika

from servicekit import broker
from servicekit.events import topology

REPLAYED_HEADER = "x-rf-replayed"
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

    @cached_property
    def envelope(self) -> dict | None:
        """The body as an event envelope, if it is one."""
        try:
            value = json.loads(self.body)
        except (UnicodeDecodeError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    @property
    def event_id(self) -> str | None:
        """The message id, else the envelope's id (messages published without a message id)."""
        if self.message_id:
            return self.message_id
        value = (self.envelope or {}).get("id")
        return value if isinstance(value, str) else None

    @property
    def deaths(self) -> int:
        """How often it was dead-lettered (x-death counts; 1 for an unreadable message)."""
        counted = sum(int(d.get("count", 1)) for d in self.headers.get("x-death") or [])
        return counted or 1

    @property
    def replays(self) -> int:
        return int(self.headers.get(REPLAYED_HEADER, 0))


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


class NoDeadLetterQueue(LookupError):
    """The broker has no dead-letter queue for this consumer queue."""


def depth(amqp_url: str, queue: str) -> int:
    """Messages waiting in the consumer queue's DLQ; NoDeadLetterQueue if it does not exist."""
    connection = broker.connect(amqp_url, name="dlq-tool")
    try:
        channel = connection.channel()
        try:
            declared = channel.queue_declare(topology.dead_letter_queue(queue), passive=True)
        except pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code == 404:
                raise NoDeadLetterQueue(topology.dead_letter_queue(queue)) from None
            raise
        return declared.method.message_count
    finally:
        if connection.is_open:
            connection.close()


def count(amqp_url: str, queue: str) -> int:
    """Messages waiting in the consumer queue's DLQ (0 if it does not exist yet)."""
    try:
        return depth(amqp_url, queue)
    except NoDeadLetterQueue:
        return 0


def peek(amqp_url: str, queue: str, limit: int | None = 50) -> list[DeadLetter]:
    """Up to `limit` (None: all) dead letters, left in the DLQ (read unacknowledged, then
    returned when the connection closes)."""
    connection = broker.connect(amqp_url, name="dlq-tool")
    try:
        channel = connection.channel()
        found = []
        while limit is None or len(found) < limit:
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
    on_replayed: Callable[[DeadLetter], None] | None = None,
) -> int:
    """Publish dead letters (all, or those with the given event ids) back to the events
    exchange under their original routing key; each leaves the DLQ only once the broker
    confirmed its replay (`mandatory`: with no queue bound it stays, UnroutableError).
    Returns how many were replayed; `on_replayed` hears of each as it goes."""
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
            if message_ids is not None and letter.event_id not in message_ids:
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
            if on_replayed is not None:
                on_replayed(letter)
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
    headers[REPLAYED_HEADER] = int(headers.get(REPLAYED_HEADER, 0)) + 1
    return topology.sent_on(properties, headers)


if __name__ == "__main__":
    from servicekit.events.dlq_command import main

    main(prog_name="python -m servicekit.events.dlq")
