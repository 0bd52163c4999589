"""The mail worker: `python -m auth.entrypoints.mail_worker` (any number of replicas).

Sends what the mail outbox holds; woken at once by NOTIFY when a mail is queued, and every few
seconds anyway to retry mails SMTP refused before. Any number of workers may run. PostgreSQL or
SMTP being down only delays the mails: the worker waits with backoff, logs the outage once and
carries on when the server is back. Once an hour it also deletes the throttling events that
no longer count (handlers.throttling.prune).
"""

import logging
import threading
from datetime import datetime, timedelta

import psycopg
from psycopg_pool import PoolTimeout
from servicekit import db
from servicekit.backoff import Backoff
from servicekit.logs import setup_logging
from servicekit.outage import POSTGRESQL, SMTP, DependencyUnavailable, Outage
from servicekit.signals import stop_on_signals

from auth.adapters.mail import CHANNEL, deliver_due
from auth.bootstrap import bootstrap
from auth.handlers import throttling

log = logging.getLogger(__name__)
POLL_SECONDS = 5.0
PRUNE_EVERY = timedelta(hours=1)


class MailWorker:
    def __init__(self, config: dict, stop: threading.Event, poll_seconds: float):
        self.database_url = config["DATABASE_URL"]
        self.stop = stop
        self.poll_seconds = poll_seconds
        self.outage = Outage("auth-mail")
        self.pool = db.open_pool(
            self.database_url,
            max_size=2,
            name="auth-mail",
            on_connect=lambda _conn: self.outage.up(POSTGRESQL),
        )
        self.svc = bootstrap(config, self.pool)
        self._listener: psycopg.Connection | None = None
        self._pruned_at: datetime | None = None

    def run(self) -> None:
        log.info(
            "mail worker started", extra={"smtp": f"{self.svc.smtp.host}:{self.svc.smtp.port}"}
        )
        backoff = Backoff()
        try:
            while not self.stop.is_set():
                try:
                    self._listen()
                    deliver_due(self.pool, self.svc.smtp, self.svc.clock)
                    self._prune_when_due()
                except (psycopg.OperationalError, PoolTimeout) as exc:
                    self.outage.down(POSTGRESQL, exc)
                    self._close_listener()
                    backoff.wait(self.stop)
                    continue
                except DependencyUnavailable as exc:
                    self.outage.down(SMTP, exc)
                    backoff.wait(self.stop)
                    continue
                self.outage.up(POSTGRESQL)
                self.outage.up(SMTP)
                backoff.reset()
                self._wait_for_mail()
        finally:
            self._close_listener()
            self.pool.close()
            log.info("mail worker stopped")

    def _prune_when_due(self) -> None:
        """Throttling events of keys never hit again would otherwise stay for ever."""
        now = self.svc.clock()
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            with self.svc.accounts.transaction() as rows:
                throttling.prune(rows, now)
            self._pruned_at = now

    def _listen(self) -> None:
        if self._listener is None:
            listener = psycopg.connect(
                self.database_url, autocommit=True, connect_timeout=db.CONNECT_TIMEOUT_SECONDS
            )
            listener.execute(f"LISTEN {CHANNEL}")
            self._listener = listener

    def _wait_for_mail(self) -> None:
        """Until a mail is queued (NOTIFY) or the poll interval passes; a lost connection
        raises here only on the next pass, so it is handled with the rest."""
        try:
            for _ in self._listener.notifies(timeout=self.poll_seconds, stop_after=1):
                break
        except psycopg.OperationalError as exc:
            self.outage.down(POSTGRESQL, exc)
            self._close_listener()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()


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
    stop_on_signals(stop)
    MailWorker(config, stop, poll_seconds).run()


def main() -> None:
    from auth import config as service_config

    run(service_config.load())


if __name__ == "__main__":
    main()
