"""Apply an event at most once: the inbox row and the handler's effect share one transaction."""

import logging
import threading
from collections.abc import Callable

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from servicekit.backoff import Backoff
from servicekit.logs import correlation_id
from servicekit.outage import POSTGRESQL, Outage

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
    outage: Outage,
) -> bool:
    """apply_once, retried in place while the database is unavailable or a transaction is
    aborted for concurrency (OperationalError): waiting keeps the message off its delivery
    limit, so a database outage never sends good events to the dead-letter queue."""
    backoff = Backoff()
    while True:
        try:
            applied = apply_once(pool, consumer, envelope, handler)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            outage.down(POSTGRESQL, exc)
            if backoff.wait(stop):
                raise Stopping from exc
        else:
            outage.up(POSTGRESQL)
            return applied
