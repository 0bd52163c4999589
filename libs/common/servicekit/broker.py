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


def exchange_arguments(exchange: str) -> dict:
    """The events exchange: topic (routing key = event type), durable."""
    return {"exchange": exchange, "exchange_type": "topic", "durable": True}


def declare_exchange(channel, exchange: str) -> None:
    channel.exchange_declare(**exchange_arguments(exchange))


def ping(url: str) -> None:
    connection = connect(url, name="readyz")
    connection.close()
