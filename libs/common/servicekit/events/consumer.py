"""The consumer loop: a durable quorum queue, one event at a time, applied once through the inbox.

The connection's I/O loop stays in the thread that calls run(); handlers run in one worker
thread, so heartbeats are answered however slow a handler is, and events are applied in the
order they arrive. A message is acked only after its transaction committed; a handler error
rolls back and requeues it, and the queue's delivery limit then dead-letters it. Unreadable
messages go straight to the dead-letter queue with the reason in a header.
"""

import logging
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import pika
from pika.exceptions import AMQPError
from psycopg_pool import ConnectionPool

from servicekit import broker, db
from servicekit import config as env
from servicekit.backoff import Backoff
from servicekit.events import metrics, topology
from servicekit.events.inbox import Stopping, apply_once_patiently
from servicekit.events.reading import IGNORED, Unreadable, read
from servicekit.outage import RABBITMQ, Outage
from servicekit.signals import stop_on_signals

log = logging.getLogger(__name__)


@dataclass
class _Delivery:
    channel: object
    method: pika.spec.Basic.Deliver
    properties: pika.BasicProperties
    body: bytes

    @property
    def deliveries(self) -> int:
        """How often the broker delivered it, this time included (quorum queues count)."""
        headers = self.properties.headers or {}
        return int(headers.get("x-delivery-count", 0)) + 1


class Consumer:
    def __init__(
        self,
        service: str,
        name: str,
        database: str | ConnectionPool,
        amqp_url: str,
        exchange: str,
        bindings: list[str],
        handlers: dict,
        *,
        prefetch: int | None = None,
        max_deliveries: int | None = None,
        heartbeat: int = 30,
    ):
        self.queue = topology.queue_name(service, name)
        self.database = database
        self.amqp_url = amqp_url
        self.exchange = exchange
        self.bindings = list(bindings)
        self.handlers = dict(handlers)
        self.prefetch = prefetch or int(env.get("CONSUMER_PREFETCH"))
        self.max_deliveries = max_deliveries or int(env.get("CONSUMER_MAX_DELIVERIES"))
        self.heartbeat = heartbeat
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.outage = Outage(f"{service}-consumer")
        self._pool: ConnectionPool | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{self.queue}-handler")
        self._waiting: deque[_Delivery] = deque()
        self._inflight: Future | None = None
        self._connection: pika.BlockingConnection | None = None
        self._dead_letters = None

    def stop(self) -> None:
        """Ask run() to finish the event in hand and return; safe from any thread."""
        self.stopping.set()

    def run(self) -> None:
        """Consume until stop(); a lost broker is reconnected with backoff (servicekit.backoff: equal jitter)."""
        backoff = Backoff()
        self._pool = self._open_pool()
        try:
            while not self.stopping.is_set():
                try:
                    self._consume(backoff)
                except AMQPError as exc:
                    self.outage.down(RABBITMQ, exc)
                finally:
                    self._drop_session()
                if not self.stopping.is_set():
                    backoff.wait(self.stopping)
        finally:
            self._worker.shutdown(wait=True)
            if isinstance(self.database, str):
                self._pool.close()
            log.info("consumer stopped", extra={"queue": self.queue})

    def _open_pool(self) -> ConnectionPool:
        if isinstance(self.database, ConnectionPool):
            return self.database
        return db.open_pool(self.database, min_size=1, max_size=2, name=self.queue)

    def _consume(self, backoff: Backoff) -> None:
        self._connection = broker.connect(self.amqp_url, heartbeat=self.heartbeat, name=self.queue)
        channel = self._connection.channel()
        topology.declare_consumer_queue(
            channel, self.exchange, self.queue, self.bindings, self.max_deliveries
        )
        channel.basic_qos(prefetch_count=self.prefetch)
        self._dead_letters = self._connection.channel()
        self._dead_letters.confirm_delivery()
        tag = channel.basic_consume(self.queue, self._on_message, auto_ack=False)
        metrics.CONSUMER_CONNECTIONS.labels(self.queue).inc()
        self.outage.up(RABBITMQ)
        backoff.reset()
        self.ready.set()
        log.info("consumer ready", extra={"queue": self.queue, "bindings": self.bindings})
        while not self.stopping.is_set():
            self._connection.process_data_events(time_limit=1)
        channel.basic_cancel(tag)
        while self._inflight is not None:
            self._connection.process_data_events(time_limit=1)
        self._connection.close()

    def _drop_session(self) -> None:
        """After a lost connection: let the handler in hand finish (its ack is lost; the inbox
        absorbs the redelivery) and forget deliveries of the dead channel."""
        inflight = self._inflight
        if inflight is not None:
            try:
                inflight.result()
            except Exception:  # noqa: BLE001 - already logged by _settle's path or irrelevant
                pass
        self._inflight = None
        self._waiting.clear()
        connection, self._connection = self._connection, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except AMQPError:
                pass

    def _on_message(self, channel, method, properties, body) -> None:
        self._waiting.append(_Delivery(channel, method, properties, body))
        self._dispatch()

    def _dispatch(self) -> None:
        """Start the next waiting event unless one is in hand; settle unreadable ones at once.
        Once stopping, waiting deliveries stay unacked: closing returns them to the queue."""
        while self._inflight is None and self._waiting and not self.stopping.is_set():
            delivery = self._waiting.popleft()
            try:
                envelope, handler = read(delivery.body, self.handlers)
            except Unreadable as exc:
                self._dead_letter(delivery, exc)
                continue
            event_type = envelope["type"]
            if delivery.method.redelivered:
                metrics.EVENTS_REDELIVERED.labels(self.queue, event_type).inc()
            if handler is IGNORED:
                metrics.EVENTS_IGNORED.labels(self.queue, event_type).inc()
                delivery.channel.basic_ack(delivery.method.delivery_tag)
                continue
            future = self._worker.submit(
                apply_once_patiently,
                self._pool,
                self.queue,
                envelope,
                handler,
                self.stopping,
                self.outage,
            )
            self._inflight = future
            future.add_done_callback(
                partial(self._completed, self._connection, delivery, event_type)
            )

    def _completed(
        self, connection: pika.BlockingConnection, delivery: _Delivery, event_type: str, future
    ) -> None:
        """Runs in the worker thread: hand the outcome back to the connection's thread."""
        try:
            connection.add_callback_threadsafe(partial(self._settle, delivery, event_type, future))
        except AMQPError:
            pass  # connection gone: the message is redelivered and the inbox absorbs it

    def _settle(self, delivery: _Delivery, event_type: str, future: Future) -> None:
        self._inflight = None
        tag = delivery.method.delivery_tag
        error = future.exception()
        if error is None:
            applied = future.result()
            counter = metrics.EVENTS_HANDLED if applied else metrics.EVENTS_DUPLICATE
            counter.labels(self.queue, event_type).inc()
            delivery.channel.basic_ack(tag)
        elif isinstance(error, Stopping):
            delivery.channel.basic_nack(tag, requeue=True)
        else:
            self._failed(delivery, event_type, error)
        self._dispatch()

    def _failed(self, delivery: _Delivery, event_type: str, error: BaseException) -> None:
        last = delivery.deliveries >= self.max_deliveries
        metrics.HANDLER_FAILURES.labels(self.queue, event_type).inc()
        if last:
            metrics.EVENTS_DEAD_LETTERED.labels(self.queue, event_type, "delivery_limit").inc()
        log.error(
            "handler failed; event rolled back and requeued",
            exc_info=error,
            extra={
                "queue": self.queue,
                "event_id": delivery.properties.message_id,
                "event_type": event_type,
                "delivery": delivery.deliveries,
                "dead_lettered": last,
            },
        )
        delivery.channel.basic_nack(delivery.method.delivery_tag, requeue=True)

    def _dead_letter(self, delivery: _Delivery, exc: Unreadable) -> None:
        """Publish to the DLQ with the reason (confirmed), then ack the original."""
        log.error(
            "unreadable message dead-lettered",
            extra={
                "queue": self.queue,
                "message_id": delivery.properties.message_id,
                "routing_key": delivery.method.routing_key,
                "reason": exc.reason,
            },
        )
        props = delivery.properties
        headers = dict(props.headers or {})
        headers[topology.REASON_HEADER] = exc.reason
        headers[topology.ORIGINAL_EXCHANGE_HEADER] = delivery.method.exchange
        headers[topology.ORIGINAL_ROUTING_KEY_HEADER] = delivery.method.routing_key
        self._dead_letters.basic_publish(
            exchange=topology.dead_letter_exchange(self.exchange),
            routing_key=topology.dead_letter_queue(self.queue),
            body=delivery.body,
            properties=topology.sent_on(props, headers),
            mandatory=True,
        )
        metrics.EVENTS_DEAD_LETTERED.labels(self.queue, exc.event_type, "unreadable").inc()
        delivery.channel.basic_ack(delivery.method.delivery_tag)


def run_consumer(consumer: Consumer) -> None:
    """Run in this thread until SIGTERM/SIGINT (main thread) or consumer.stop()."""
    stop_on_signals(consumer.stopping)
    consumer.run()
