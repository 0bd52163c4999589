"""The mail worker: `python -m auth.entrypoints.mail_worker` (any number of replicas).

Sends what the mail outbox holds; woken at once by NOTIFY when a mail is queued, and every few
seconds anyway to retry mails SMTP refused before. Any number of workers may run.
"""

import logging
import threading

import psycopg
from servicekit import db
from servicekit.logs import setup_logging

from auth.adapters.mail import CHANNEL, deliver_due
from auth.bootstrap import bootstrap

log = logging.getLogger(__name__)
POLL_SECONDS = 5.0


def run(
    config: dict,
    stop: threading.Event | None = None,
    *,
    setup_logs: bool = True,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    if setup_logs:
        setup_logging("auth-mail", config["LOG_LEVEL"])
    stop = stop or threading.Event()
    pool = db.open_pool(config["DATABASE_URL"], max_size=2, name="auth-mail")
    ctx = bootstrap(config, pool)
    log.info("mail worker started", extra={"smtp": f"{ctx.smtp.host}:{ctx.smtp.port}"})
    try:
        with psycopg.connect(config["DATABASE_URL"], autocommit=True) as listener:
            listener.execute(f"LISTEN {CHANNEL}")
            while not stop.is_set():
                try:
                    deliver_due(pool, ctx.smtp, ctx.clock)
                except psycopg.OperationalError:
                    log.exception("mail outbox unreachable, retrying")
                for _ in listener.notifies(timeout=poll_seconds):
                    break
    finally:
        pool.close()


def main() -> None:
    from auth import config as service_config

    run(service_config.load())


if __name__ == "__main__":
    main()
