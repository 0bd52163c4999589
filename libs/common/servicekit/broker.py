"""RabbitMQ connections with pika: one per process or thread, opened after gunicorn forks."""

import logging

import pika


def parameters(url: str, *, heartbeat: int = 30, name: str = "") -> pika.URLParameters:
    params = pika.URLParameters(url)
    params.heartbeat = heartbeat
    params.blocked_connection_timeout = 60
    params.connection_attempts = 1
    params.socket_timeout = 5
    if name:
        params.client_properties = {"connection_name": name}
    return params


def connect(url: str, *, heartbeat: int = 30, name: str = "") -> pika.BlockingConnection:
    # pika logs every refused connection attempt at ERROR, several lines each; our relays and
    # consumers log one line per attempt themselves and keep trying.
    logging.getLogger("pika.adapters").setLevel(logging.CRITICAL)
    return pika.BlockingConnection(parameters(url, heartbeat=heartbeat, name=name))


def unrouted_name(exchange: str) -> str:
    return f"{exchange}.unrouted"


def exchange_arguments(exchange: str) -> dict:
    """The events exchange: topic (routing key = event type), durable, and an alternate exchange
    that takes what no consumer is bound for (see declaration_steps)."""
    return {
        "exchange": exchange,
        "exchange_type": "topic",
        "durable": True,
        "arguments": {"alternate-exchange": unrouted_name(exchange)},
    }


def declaration_steps(exchange: str, keep_unrouted: bool = False) -> list[tuple[str, dict]]:
    """Channel calls that declare the events exchange, in order.

    With keep_unrouted, the alternate exchange feeds the durable queue `<exchange>.unrouted`, so an
    event no consumer subscribes to yet is kept there instead of being refused; without it (or
    if that queue is deleted) such an event is returned to the `mandatory` publisher as before.
    """
    steps = []
    if keep_unrouted:
        unrouted = unrouted_name(exchange)
        steps += [
            (
                "exchange_declare",
                {"exchange": unrouted, "exchange_type": "fanout", "durable": True},
            ),
            (
                "queue_declare",
                {"queue": unrouted, "durable": True, "arguments": {"x-queue-type": "quorum"}},
            ),
            ("queue_bind", {"queue": unrouted, "exchange": unrouted}),
        ]
    steps.append(("exchange_declare", exchange_arguments(exchange)))
    return steps


def declare_exchange(channel, exchange: str, keep_unrouted: bool = False) -> None:
    for method, kwargs in declaration_steps(exchange, keep_unrouted):
        getattr(channel, method)(**kwargs)


def ping(url: str) -> None:
    connection = connect(url, name="readyz")
    connection.close()
