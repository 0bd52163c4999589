"""The outbox relay: publishes committed outbox rows to the events exchange, then marks them sent.

At-least-once: a row is marked sent only after the broker confirmed it (published `mandatory`,
so an unroutable event is refused, not silently confirmed). A relay that dies between the
confirm and the mark publishes the row again; consumers' inboxes make that harmless.
Rows are sent without waiting for each confirm (publisher.py), as far as order allows
(ordering.py: one unconfirmed row per organisation and event type at a time).
Run one per process (`python -m <service>.entrypoints.relay`); any number may run at once.
"""

import json
import logging
import threading
import time
from collections.abc import Callable
from functools import partial

import click
import pika
import psycopg
from pika.exceptions import AMQPError

from servicekit import config as env
from servicekit import db
from servicekit.backoff import Backoff, Policy
from servicekit.events import metrics, pending
from servicekit.events.ordering import SendOrder
from servicekit.events.publisher import CONFIRMED, UNROUTABLE, ConfirmingPublisher
from servicekit.http import CORRELATION_HEADER
from servicekit.logs import setup_logging
from servicekit.outage import POSTGRESQL, RABBITMQ, Outage
from servicekit.signals import stop_on_signals

log = logging.getLogger(__name__)
# A message the broker refused (no queue bound for its type) is tried again after 1 s, 2 s, 4 s…
# up to five minutes.
REFUSED_RETRY = Policy(base=1.0, cap=300.0)
_STATS_EVERY = 2.0
_PURGE_EVERY = 3600.0
_CONNECT = {"autocommit": True, "connect_timeout": db.CONNECT_TIMEOUT_SECONDS}


def message_properties(event: pending.PendingEvent) -> pika.BasicProperties:
    # The correlation id travels in the envelope and in the AMQP property; the header (HTTP's
    # name, one constant) is for people reading a message in the broker's UI: no consumer reads
    # it (tests/events/test_consumer.py sends none and the handler logs under the envelope's
    # id), so messages queued under the old lower-case name are read as before.
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
        confirm_timeout: float = 60.0,
        keep_unrouted: bool = False,
        stop: threading.Event | None = None,
    ):
        self.service = service
        self.keep_unrouted = keep_unrouted
        self.database_url = database_url
        self.amqp_url = amqp_url
        self.exchange = exchange
        self.batch_size = batch_size
        self.partitions_per_batch = partitions_per_batch
        self.poll_interval = poll_interval
        self.retention_days = retention_days
        self.heartbeat = heartbeat
        self.confirm_timeout = confirm_timeout
        self.stop = stop or threading.Event()
        self.outage = Outage(f"{service}-relay")
        self._db: psycopg.Connection | None = None
        self._listener: psycopg.Connection | None = None
        self._publisher: ConfirmingPublisher | None = None
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
                    self._lost(RABBITMQ, exc)
                    self._close_broker()
                    backoff.wait(self.stop)
                except psycopg.Error as exc:
                    self._lost(POSTGRESQL, exc)
                    self._close_database()
                    backoff.wait(self.stop)
        finally:
            self._close_broker()
            self._close_database()
            log.info("relay stopped", extra={"relay": self.service})

    def _lost(self, dependency: str, exc: Exception) -> None:
        reason = "broker" if dependency == RABBITMQ else "database"
        metrics.PUBLISH_FAILURES.labels(self.service, f"{reason}_unavailable").inc()
        self.outage.down(dependency, exc)

    def _ensure_connected(self) -> None:
        if self._db is None or self._db.closed:
            self._db = psycopg.connect(self.database_url, **_CONNECT)
            self._listener = psycopg.connect(self.database_url, **_CONNECT)
            self._listener.execute("LISTEN outbox_pending")
            self.outage.up(POSTGRESQL)
        if self._publisher is None or not self._publisher.is_open:
            self._close_broker()
            self._publisher = ConfirmingPublisher(
                self.amqp_url,
                self.exchange,
                heartbeat=self.heartbeat,
                name=f"{self.service}-relay",
                keep_unrouted=self.keep_unrouted,
            )
            self._publisher.open()
            self.outage.up(RABBITMQ)
            log.info("relay connected to the broker", extra={"exchange": self.exchange})

    def _relay_batch(self) -> int:
        """Send one batch inside one transaction holding its partitions' locks; rows count.
        Confirms overlap (see ordering.py); a row is marked sent only once confirmed."""
        broker_error = None
        with self._db.transaction():
            events = pending.claim(
                self._db, partitions=self.partitions_per_batch, batch_size=self.batch_size
            )
            order = SendOrder(events)
            confirmed, refused = [], []

            def send(ready: list[pending.PendingEvent]) -> None:
                for event in ready:
                    self._publisher.publish(
                        event.type,
                        json.dumps(event.envelope, separators=(",", ":")).encode(),
                        message_properties(event),
                        partial(settle, event),
                    )

            def settle(event: pending.PendingEvent, outcome: str) -> None:
                if outcome == CONFIRMED:
                    confirmed.append(event.seq)
                else:
                    refused.append((event, outcome))
                send(order.settled(event, refused=outcome != CONFIRMED))

            try:
                send(order.ready())
                self._publisher.wait(order.finished, self.confirm_timeout)
            except AMQPError as exc:
                broker_error = exc  # what was confirmed so far is still marked sent
            for event, outcome in refused:
                self._refused(event, outcome)
            pending.mark_sent(self._db, confirmed)
        metrics.EVENTS_PUBLISHED.labels(self.service).inc(len(confirmed))
        if broker_error is not None:
            raise broker_error
        return len(events)

    def _refused(self, event: pending.PendingEvent, reason: str) -> None:
        delay = REFUSED_RETRY.delay(event.attempts + 1)
        why = (
            f"no queue is bound to {self.exchange} for {event.type}"
            if reason == UNROUTABLE
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
        self._publisher.service()
        for _ in self._listener.notifies(timeout=self.poll_interval, stop_after=1):
            break
        self._publisher.service()

    def _close_broker(self) -> None:
        publisher, self._publisher = self._publisher, None
        if publisher is not None:
            publisher.close()

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
    """Run a relay in this thread until SIGTERM/SIGINT (main thread) or `stop` is set.

    A running platform keeps events no consumer is bound for yet in `<exchange>.unrouted`
    (keep_unrouted): they are not lost, and they do not hold back the outbox for ever."""
    options.setdefault("keep_unrouted", True)
    relay = Relay(service_name, database_url, amqp_url, exchange, stop=stop, **options)
    stop_on_signals(relay.stop)
    relay.run()


def relay_options(environ: dict | None = None) -> dict:
    return {
        "batch_size": int(env.get("RELAY_BATCH_SIZE", environ)),
        "poll_interval": float(env.get("RELAY_POLL_SECONDS", environ)),
        "retention_days": float(env.get("OUTBOX_RETENTION_DAYS", environ)),
    }


def run_service_relay(load_base: Callable[[], dict]) -> None:
    """The relay of a service's outbox (`python -m <service>.entrypoints.relay`), configured by
    the service's config base (servicekit.config.service_base): it needs none of its secrets."""
    config = load_base()
    setup_logging(f"{config['SERVICE']}-relay", config["LOG_LEVEL"])
    run_relay(
        config["SERVICE"],
        config["DATABASE_URL"],
        config["AMQP_URL"],
        config["EVENTS_EXCHANGE"],
        **relay_options(),
    )


@click.command(help=__doc__.splitlines()[0])
@click.option("--service", required=True)
@click.option("--database-url", required=True)
@click.option("--amqp-url", default=lambda: env.get("AMQP_URL"), show_default="AMQP_URL")
@click.option(
    "--exchange", default=lambda: env.get("EVENTS_EXCHANGE"), show_default="EVENTS_EXCHANGE"
)
@click.option("--heartbeat", type=int, default=30, show_default=True)
def main(service: str, database_url: str, amqp_url: str, exchange: str, heartbeat: int) -> None:
    """A relay for any database: `python -m servicekit.events.relay --help` (tests, operators)."""
    setup_logging(f"{service}-relay", env.get("LOG_LEVEL"))
    run_relay(service, database_url, amqp_url, exchange, heartbeat=heartbeat, **relay_options())


if __name__ == "__main__":
    main()
