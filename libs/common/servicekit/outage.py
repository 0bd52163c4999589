"""A dependency that is down: which errors say so, and how a process lives through it.

The one place that decides that an error means "PostgreSQL, RabbitMQ or another service is not
answering right now" (web requests then answer 503 with Retry-After, never 500), and the one
way a process reports such an outage: a warning when it starts and one when it ends (not one
line per retry), and the gauge `dependency_unavailable` while it lasts.
"""

import logging
import threading
import time

import psycopg
from pika.exceptions import AMQPConnectionError
from prometheus_client import Gauge
from psycopg_pool import PoolTimeout

log = logging.getLogger(__name__)

POSTGRESQL = "postgresql"
RABBITMQ = "rabbitmq"
SMTP = "smtp"
# What a 503 asks the caller to wait: PostgreSQL restarts in a second or two, and the processes
# reconnect within a couple of seconds of a dependency's return (Backoff's small cap).
RETRY_AFTER_SECONDS = 2

WAITING = Gauge(
    "dependency_unavailable",
    "1 while the process waits for a dependency that is down",
    ["process", "dependency"],
    multiprocess_mode="liveall",
)


class DependencyUnavailable(Exception):
    """A server or service this one needs did not answer; callers answer 503 + Retry-After."""

    def __init__(self, dependency: str, detail: str = ""):
        super().__init__(f"{dependency} unavailable{': ' + detail if detail else ''}")
        self.dependency = dependency


# Serialization failures and deadlocks are OperationalErrors too: a retry is the right answer
# to those as well.
UNAVAILABLE_ERRORS = (
    psycopg.OperationalError,
    PoolTimeout,
    AMQPConnectionError,
    DependencyUnavailable,
)


def unavailable_dependency(exc: BaseException) -> str | None:
    """The dependency an error says is down, or None when the error means something else."""
    if isinstance(exc, DependencyUnavailable):
        return exc.dependency
    if isinstance(exc, psycopg.OperationalError | PoolTimeout):
        return POSTGRESQL
    if isinstance(exc, AMQPConnectionError):
        return RABBITMQ
    return None


class Outage:
    """What one process is waiting for; safe to share between its threads."""

    def __init__(self, process: str):
        self.process = process
        self._since: dict[str, float] = {}
        self._lock = threading.Lock()

    def down(self, dependency: str, error: BaseException | None = None) -> None:
        """Note that `dependency` is down; logs only when this starts an outage."""
        with self._lock:
            if dependency in self._since:
                return
            self._since[dependency] = time.monotonic()
        self._report(dependency, 1, "%s unavailable; waiting for it and retrying", error=error)

    def up(self, dependency: str) -> None:
        """Note that `dependency` answers; logs only when this ends an outage."""
        with self._lock:
            since = self._since.pop(dependency, None)
        if since is not None:
            self._report(dependency, 0, "%s is back", outage_seconds=time.monotonic() - since)

    def _report(
        self,
        dependency: str,
        waiting: int,
        message: str,
        error: BaseException | None = None,
        outage_seconds: float | None = None,
    ) -> None:
        WAITING.labels(self.process, dependency).set(waiting)
        fields = {"process_name": self.process, "dependency": dependency}
        if error is not None:
            fields["error"] = f"{type(error).__name__}: {error}"
        if outage_seconds is not None:
            fields["outage_seconds"] = round(outage_seconds, 1)
        # The end at the start's own level, so whoever saw an outage begin sees it end.
        log.warning(message, dependency, extra=fields)

    def waiting_for(self) -> list[str]:
        with self._lock:
            return sorted(self._since)
