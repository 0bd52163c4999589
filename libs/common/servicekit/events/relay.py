"""The outbox relay: publishes committed outbox rows to the events exchange, then marks them sent.

At-least-once: a row is marked sent only after the broker confirmed it (published `mandatory`,
so an unroutable event is refused, not silently confirmed). A relay that dies between the
confirm and the mark publishes the row again; consumers' inboxes make that harmless.
Run one per process (`python -m <service>.entrypoints.relay`); any number may run at once.
"""

import argparse
import json
import logging
import threading
import time

import pika
import psycopg
from pika.exceptions import AMQPError, NackError, UnroutableError

from servicekit import broker
from servicekit import config as env
from servicekit.events import metrics, pending
from servicekit.events.backoff import Backoff, retry_delay
from servicekit.events.lifecycle import stop_on_signals
from servicekit.logs import setup_logging

log = logging.getLogger(__name__)
CORRELATION_HEADER = "x-correlation-id"
_STATS_EVERY = 2.0
_PURGE_EVERY = 3600.0


def message_properties(event: pending.PendingEvent) -> pika.BasicProperties:
    return pika.BasicProperties(
        content_type="application/json",
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=event.id,
        type=event.type,
        correlation_id=event.correlation_id or None,
        headers={CORRELATION_HEADER: event.correlation_id, "x-event-version": event.version},
    )


class Relay:
    def __init__(
        self,
        service: str,
        database_url: str,
        amqp_url: str,
        exchange: str,
        *,
        batch_size: int = 200,
        partitions_per_batch: int = 50,
        poll_interval: float = 1.0,
        retention_days: float = 7.0,
        heartbeat: int = 30,
        stop: threading.Event | None = None,
    ):
        self.service = service
        self.database_url = database_url
        self.amqp_url = amqp_url
        self.exchange = exchange
        self.batch_size = batch_size
        self.partitions_per_batch = partitions_per_batch
        self.poll_interval = poll_interval
        self.retention_days = retention_days
        self.heartbeat = heartbeat
        self.stop = stop or threading.Event()
        self._db: psycopg.Connection | None = None
        self._listener: psycopg.Connection | None = None
        self._connection: pika.BlockingConnection | None = None
        self._channel = None
        self._next_stats = 0.0
        self._next_purge = 0.0

    def run(self) -> None:
        """Relay until stopped; broker and database outages only delay, with backoff."""
        backoff = Backoff()
        log.info("relay started", extra={"exchange": self.exchange, "relay": self.service})
        try:
            while not self.stop.is_set():
                try:
                    self._ensure_connected()
                    handled = self._relay_batch()
                    self._housekeeping()
                    backoff.reset()
                    if handled < self.batch_size:
                        self._idle()
                except AMQPError as exc:
                    self._lost("broker", exc)
                    self._close_broker()
                    backoff.wait(self.stop)
                except psycopg.Error as exc:
                    self._lost("database", exc)
                    self._close_database()
                    backoff.wait(self.stop)
        finally:
            self._close_broker()
            self._close_database()
            log.info("relay stopped", extra={"relay": self.service})

    def _lost(self, what: str, exc: Exception) -> None:
        metrics.PUBLISH_FAILURES.labels(self.service, f"{what}_unavailable").inc()
        log.warning(
            "relay lost its %s, reconnecting", what, extra={"error": f"{type(exc).__name__}: {exc}"}
        )

    def _ensure_connected(self) -> None:
        if self._db is None or self._db.closed:
            self._db = psycopg.connect(self.database_url, autocommit=True)
            self._listener = psycopg.connect(self.database_url, autocommit=True)
            self._listener.execute("LISTEN outbox_pending")
        if self._connection is None or not self._connection.is_open:
            self._connection = broker.connect(
                self.amqp_url, heartbeat=self.heartbeat, name=f"{self.service}-relay"
            )
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            broker.declare_exchange(self._channel, self.exchange)
            log.info("relay connected to the broker", extra={"exchange": self.exchange})

    def _relay_batch(self) -> int:
        """Send one batch inside one transaction holding its partitions' locks; rows count."""
        broker_error = None
        with self._db.transaction():
            events = pending.claim(
                self._db, partitions=self.partitions_per_batch, batch_size=self.batch_size
            )
            confirmed, held_back = [], set()
            for event in events:
                if (event.partition_key, event.type) in held_back:
                    continue
                try:
                    self._publish(event)
                    confirmed.append(event.seq)
                except (UnroutableError, NackError) as exc:
                    # Later rows of its partition and type wait for it: order is kept.
                    held_back.add((event.partition_key, event.type))
                    self._refused(event, exc)
                except AMQPError as exc:
                    broker_error = exc
                    break
            pending.mark_sent(self._db, confirmed)
        metrics.EVENTS_PUBLISHED.labels(self.service).inc(len(confirmed))
        if broker_error is not None:
            raise broker_error
        return len(events)

    def _publish(self, event: pending.PendingEvent) -> None:
        self._channel.basic_publish(
            exchange=self.exchange,
            routing_key=event.type,
            body=json.dumps(event.envelope, separators=(",", ":")).encode(),
            properties=message_properties(event),
            mandatory=True,
        )

    def _refused(self, event: pending.PendingEvent, exc: Exception) -> None:
        reason = "unroutable" if isinstance(exc, UnroutableError) else "nacked"
        delay = retry_delay(event.attempts + 1)
        why = (
            f"no queue is bound to {self.exchange} for {event.type}"
            if reason == "unroutable"
            else "the broker refused the message"
        )
        pending.mark_failed(self._db, event.seq, f"{reason}: {why}", delay)
        metrics.PUBLISH_FAILURES.labels(self.service, reason).inc()
        log.warning(
            "event not published, will retry",
            extra={
                "event_id": event.id,
                "event_type": event.type,
                "reason": reason,
                "detail": why,
                "attempts": event.attempts + 1,
                "retry_in_seconds": round(delay, 1),
            },
        )

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now >= self._next_stats:
            count, age = pending.backlog(self._db)
            metrics.OUTBOX_BACKLOG.labels(self.service).set(count)
            metrics.OUTBOX_OLDEST_AGE.labels(self.service).set(age)
            self._next_stats = now + _STATS_EVERY
        if now >= self._next_purge:
            purged = pending.purge_sent(self._db, self.retention_days)
            if purged:
                log.info("old sent outbox rows purged", extra={"rows": purged})
            self._next_purge = now + _PURGE_EVERY

    def _idle(self) -> None:
        """Wait for a new-row notification or the poll interval, answering broker heartbeats."""
        self._connection.process_data_events(0)
        for _ in self._listener.notifies(timeout=self.poll_interval, stop_after=1):
            break
        self._connection.process_data_events(0)

    def _close_broker(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except AMQPError:
                pass

    def _close_database(self) -> None:
        for conn in (self._db, self._listener):
            if conn is not None:
                conn.close()
        self._db = self._listener = None


def run_relay(
    service_name: str,
    database_url: str,
    amqp_url: str,
    exchange: str,
    *,
    stop: threading.Event | None = None,
    **options,
) -> None:
    """Run a relay in this thread until SIGTERM/SIGINT (main thread) or `stop` is set."""
    relay = Relay(service_name, database_url, amqp_url, exchange, stop=stop, **options)
    stop_on_signals(relay.stop)
    relay.run()


def relay_options(environ: dict | None = None) -> dict:
    return {
        "batch_size": int(env.get("RELAY_BATCH_SIZE", environ)),
        "poll_interval": float(env.get("RELAY_POLL_SECONDS", environ)),
        "retention_days": float(env.get("OUTBOX_RETENTION_DAYS", environ)),
    }


def main(argv: list[str] | None = None) -> None:
    """A relay for any database: `python -m servicekit.events.relay --help` (tests, operators)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--amqp-url", default=env.get("AMQP_URL"))
    parser.add_argument("--exchange", default=env.get("EVENTS_EXCHANGE"))
    parser.add_argument("--heartbeat", type=int, default=30)
    args = parser.parse_args(argv)
    setup_logging(f"{args.service}-relay", env.get("LOG_LEVEL"))
    run_relay(
        args.service,
        args.database_url,
        args.amqp_url,
        args.exchange,
        heartbeat=args.heartbeat,
        **relay_options(),
    )


if __name__ == "__main__":
    main()
