"""Apply an event at most once: the inbox row and the handler's effect share one transaction."""

import logging
import threading
from collections.abc import Callable

import psycopg
from psycopg_pool import ConnectionPool

from servicekit.events.backoff import Backoff
from servicekit.logs import correlation_id

log = logging.getLogger(__name__)

Handler = Callable[[psycopg.Connection, dict], None]


class Stopping(Exception):
    """The database stayed unavailable until the consumer was asked to stop."""


def apply_once(pool: ConnectionPool, consumer: str, envelope: dict, handler: Handler) -> bool:
    """Run the handler unless this consumer already applied the event; True when applied now.

    A handler error rolls everything back and propagates (the message is then requeued).
    """
    token = correlation_id.set(envelope.get("correlation_id") or "")
    try:
        with pool.connection() as conn, conn.transaction():
            first_time = (
                conn.execute(
                    "INSERT INTO inbox (consumer, event_id, event_type) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (consumer, envelope["id"], envelope["type"]),
                ).rowcount
                == 1
            )
            if first_time:
                handler(conn, envelope)
        return first_time
    finally:
        correlation_id.reset(token)


def apply_once_patiently(
    pool: ConnectionPool,
    consumer: str,
    envelope: dict,
    handler: Handler,
    stop: threading.Event,
) -> bool:
    """apply_once, retried in place while the database is unavailable or a transaction is
    aborted for concurrency (OperationalError): waiting keeps the message off its delivery
    limit, so a database outage never sends good events to the dead-letter queue."""
    backoff = Backoff(base=0.5, cap=15)
    while True:
        try:
            return apply_once(pool, consumer, envelope, handler)
        except psycopg.OperationalError as exc:
            log.warning(
                "database unavailable while applying an event, retrying",
                extra={"event_id": str(envelope["id"]), "error": f"{type(exc).__name__}: {exc}"},
            )
            if backoff.wait(stop):
                raise Stopping from exc
