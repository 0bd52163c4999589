"""Run relays and consumers inside tests and benchmarks: threads, or real OS processes.

Any service's tests may use these with the servicekit.testing fixtures (their own database and
exchange), e.g. `with running_consumer(Consumer(...)):` around the code that publishes.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pika

from servicekit.broker import declare_exchange
from servicekit.events import topology
from servicekit.events.consumer import Consumer
from servicekit.events.relay import Relay


def poll(condition: Callable[[], object], timeout: float, interval: float = 0.05):
    """condition()'s first truthy value within `timeout` seconds, else None (for a caller that
    records a timeout rather than failing on it, like `make chaos`)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def wait_for(condition: Callable[[], object], timeout: float = 60, what: str = "condition"):
    """Poll until condition() is truthy and return it; a generous timeout only guards hangs."""
    value = poll(condition, timeout)
    if not value:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")
    return value


@contextmanager
def running_consumer(consumer: Consumer, *, cleanup: bool = True) -> Iterator[Consumer]:
    """The consumer in a thread, ready (queue declared and consuming) on entry; stopped, and
    its queues deleted unless cleanup=False, on exit."""
    thread = threading.Thread(target=consumer.run, name=consumer.queue, daemon=True)
    thread.start()
    try:
        wait_for(consumer.ready.is_set, 30, f"consumer {consumer.queue} to be ready")
        yield consumer
    finally:
        consumer.stop()
        thread.join(30)
        if cleanup:
            delete_queues(consumer.amqp_url, consumer.exchange, consumer.queue)
    if thread.is_alive():
        raise AssertionError(f"consumer {consumer.queue} did not stop")


@contextmanager
def running_relay(relay: Relay) -> Iterator[Relay]:
    thread = threading.Thread(target=relay.run, name=f"{relay.service}-relay", daemon=True)
    thread.start()
    try:
        yield relay
    finally:
        relay.stop.set()
        thread.join(30)
    if thread.is_alive():
        raise AssertionError(f"relay {relay.service} did not stop")


def start_relay_process(
    service: str, database_url: str, amqp_url: str, exchange: str, *, output=None, **env: str
) -> subprocess.Popen:
    """`python -m servicekit.events.relay` as a real process (SIGKILL-able, SIGTERM-stoppable);
    its log lines go to `output` (an open file) when given."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "servicekit.events.relay",
            "--service",
            service,
            "--database-url",
            database_url,
            "--amqp-url",
            amqp_url,
            "--exchange",
            exchange,
        ],
        env={**os.environ, "LOG_LEVEL": "WARNING", **env},
        stdout=output,
        stderr=output,
    )


def stop_process(process: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM and wait: a relay stops gracefully; one that does not is killed and reported."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"process {process.pid} ignored SIGTERM") from None
    return process.returncode


def dead_letter(channel, exchange: str, queue: str, events: list[dict]) -> None:
    """Leave `events` in the dead-letter queue of a consumer queue of the test's own, as a
    handler that fails on them would: the queue (bound to `probe.*`, a delivery limit of 1) is
    declared, each event published and returned to it once."""
    channel.confirm_delivery()
    topology.declare_consumer_queue(channel, exchange, queue, ["probe.*"], max_deliveries=1)
    for event in events:
        properties = pika.BasicProperties(
            message_id=event["id"], type=event["type"], delivery_mode=2
        )
        channel.basic_publish(
            exchange, event["type"], json.dumps(event).encode(), properties, mandatory=True
        )
    for _ in events:
        method, _properties, _body = channel.basic_get(queue)
        channel.basic_nack(method.delivery_tag, requeue=True)


def delete_queues(amqp_url: str, exchange: str, queue: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        topology.delete_bus(channel, exchange, [queue])
    finally:
        connection.close()


def open_tap(amqp_url: str, exchange: str, queue: str) -> None:
    """A durable queue bound to every event of the exchange: what the relays really published
    (read it with `basic_get`). The exchange is declared as the relays declare it."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        declare_exchange(channel, exchange, keep_unrouted=True)
        channel.queue_declare(queue, durable=True)
        channel.queue_bind(queue, exchange, routing_key="#")
    finally:
        connection.close()


def tapped_ids(amqp_url: str, queue: str) -> list[str]:
    """The message id of every message in a tap, duplicates included (taken out of it)."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel, ids = connection.channel(), []
        while True:
            method, properties, _body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                return ids
            ids.append(properties.message_id)
    finally:
        connection.close()
