"""The connection-notice worker: `python -m auth.entrypoints.notices` (any number of replicas).

Consumes the tokens service's token.attention_needed / token.attention_cleared events (queue
`auth.connection-notices`) and mails the organisation's administrators through the mail outbox
(the mail worker delivers); a thread beside it sends the reminders as they fall due. Every
replica may run both: events are applied once (inbox), due reminders are taken with SKIP LOCKED.
"""

import logging
import threading

import psycopg
from servicekit import db
from servicekit.events.consumer import Consumer, run_consumer
from servicekit.logs import setup_logging

from auth.bootstrap import bootstrap
from auth.handlers import Services, notices

log = logging.getLogger(__name__)
NAME = "connection-notices"
DEFAULT_EXCHANGE = "rf.events"
REMINDER_POLL_SECONDS = 60.0


def queue_owner(exchange: str) -> str:
    """`auth` on the platform's exchange; a platform on an exchange of its own (tests) gets
    queues of its own, so it never takes another's events on a shared broker."""
    return "auth" if exchange == DEFAULT_EXCHANGE else f"auth@{exchange}"


def build_consumer(svc: Services, amqp_url: str, exchange: str, **options) -> Consumer:
    handlers = notices.consumer_handlers(svc)
    return Consumer(
        queue_owner(exchange),
        NAME,
        svc.pool,
        amqp_url,
        exchange,
        list(handlers),
        handlers,
        **options,
    )


def send_reminders(svc: Services, stop: threading.Event, poll_seconds: float) -> None:
    """Until `stop`: send the reminders that are due; a database outage only delays them."""
    while not stop.is_set():
        try:
            notices.send_due(svc)
        except psycopg.OperationalError as exc:
            log.warning("reminders wait for the database", extra={"error": type(exc).__name__})
        stop.wait(poll_seconds)


def run(config: dict, *, poll_seconds: float = REMINDER_POLL_SECONDS) -> None:
    pool = db.open_pool(config["DATABASE_URL"], min_size=1, max_size=3, name="auth-notices")
    svc = bootstrap(config, pool)
    consumer = build_consumer(svc, config["AMQP_URL"], config["EVENTS_EXCHANGE"])
    reminders = threading.Thread(
        target=send_reminders, args=(svc, consumer.stopping, poll_seconds), daemon=True
    )
    reminders.start()
    try:
        run_consumer(consumer)
    finally:
        reminders.join(timeout=poll_seconds)
        pool.close()


def main() -> None:
    from auth import config as service_config

    config = service_config.load()
    setup_logging("auth-notices", config["LOG_LEVEL"])
    run(config)


if __name__ == "__main__":
    main()
