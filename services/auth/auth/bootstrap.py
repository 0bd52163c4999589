"""The one place that wires the auth service: database pool, hasher, clock, lifetimes, links."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from psycopg_pool import ConnectionPool

from auth.adapters.hashing import Argon2Parameters, Hasher
from auth.adapters.mail import SmtpServer
from auth.domain.sessions import Lifetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class AuthContext:
    pool: ConnectionPool
    hasher: Hasher
    clock: Clock
    lifetime: Lifetime
    reset_ttl: timedelta
    verify_ttl: timedelta
    invite_ttl: timedelta
    public_base_url: str
    smtp: SmtpServer

    def now(self) -> datetime:
        return self.clock()

    def link(self, path: str, token: str | None = None) -> str:
        """An absolute link for a mail: always from PUBLIC_BASE_URL, never a request's Host."""
        url = self.public_base_url.rstrip("/") + path
        return f"{url}?t={token}" if token else url


def argon2_parameters(config: dict) -> Argon2Parameters:
    return Argon2Parameters(
        memory_kib=int(config["ARGON2_MEMORY_KIB"]),
        time_cost=int(config["ARGON2_TIME_COST"]),
        parallelism=int(config["ARGON2_PARALLELISM"]),
    )


def bootstrap(config: dict, pool: ConnectionPool, clock: Clock | None = None) -> AuthContext:
    return AuthContext(
        pool=pool,
        hasher=Hasher(argon2_parameters(config)),
        clock=clock or system_clock,
        lifetime=Lifetime(
            idle=timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])),
            absolute=timedelta(hours=int(config["SESSION_ABSOLUTE_HOURS"])),
        ),
        reset_ttl=timedelta(minutes=int(config["PASSWORD_RESET_MINUTES"])),
        verify_ttl=timedelta(hours=int(config["VERIFICATION_HOURS"])),
        invite_ttl=timedelta(hours=int(config["INVITATION_HOURS"])),
        public_base_url=config["PUBLIC_BASE_URL"],
        smtp=SmtpServer(
            host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]), sender=config["MAIL_FROM"]
        ),
    )
