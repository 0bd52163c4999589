"""The one place that wires the real adapters into the auth service's handlers."""

from datetime import timedelta

from psycopg_pool import ConnectionPool
from servicekit.clock import Clock, utc_now

from auth.adapters.accounts import Accounts
from auth.adapters.directory import Directory
from auth.adapters.hashing import Argon2Parameters, Hasher
from auth.adapters.mail import SmtpServer
from auth.adapters.store import SessionBook
from auth.domain.sessions import Lifetime
from auth.handlers import Services, Settings


def argon2_parameters(config: dict) -> Argon2Parameters:
    return Argon2Parameters(
        memory_kib=int(config["ARGON2_MEMORY_KIB"]),
        time_cost=int(config["ARGON2_TIME_COST"]),
        parallelism=int(config["ARGON2_PARALLELISM"]),
    )


def settings_from(config: dict) -> Settings:
    return Settings(
        lifetime=Lifetime(
            idle=timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])),
            absolute=timedelta(hours=int(config["SESSION_ABSOLUTE_HOURS"])),
        ),
        reset_ttl=timedelta(minutes=int(config["PASSWORD_RESET_MINUTES"])),
        verify_ttl=timedelta(hours=int(config["VERIFICATION_HOURS"])),
        invite_ttl=timedelta(hours=int(config["INVITATION_HOURS"])),
        public_base_url=config["PUBLIC_BASE_URL"],
    )


def bootstrap(config: dict, pool: ConnectionPool, clock: Clock | None = None) -> Services:
    return Services(
        pool=pool,
        hasher=Hasher(argon2_parameters(config)),
        smtp=SmtpServer(
            host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]), sender=config["MAIL_FROM"]
        ),
        settings=settings_from(config),
        directory=Directory(pool),
        sessions=SessionBook(pool),
        accounts=Accounts(pool),
        clock=clock or utc_now,
    )
