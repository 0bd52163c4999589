"""The one place that wires the real adapters into the handlers."""

from dataclasses import replace
from datetime import timedelta

from psycopg_pool import ConnectionPool
from servicekit import config as env

from tokens.adapters.cache import HandoutCache
from tokens.adapters.crypto import Keyring
from tokens.adapters.fortnox import FortnoxClient
from tokens.adapters.repository import ConnectionStore
from tokens.adapters.schedule import MigrationSchedule
from tokens.adapters.work import StateStore, WorkQueue
from tokens.domain.connection import COOLDOWN, Policy
from tokens.handlers import RETRY, Services, Settings

# What must be left of a refresh token's life after its keep-alive renewal is due: room for
# a refresher outage, cool-downs after failures and a Fortnox incident before the token lapses.
KEEPALIVE_MARGIN_DAYS = 7


def policy_from(config: dict) -> Policy:
    """The timing rules; refuses keep-alive settings that could let an idle token lapse."""
    after, jitter = config["KEEPALIVE_DAYS"], config["KEEPALIVE_JITTER_DAYS"]
    life = config["REFRESH_TOKEN_DAYS"]
    if after <= 0 or jitter < 0 or after + jitter > life - KEEPALIVE_MARGIN_DAYS:
        raise RuntimeError(
            f"TOKENS_KEEPALIVE_DAYS ({after:g}) + TOKENS_KEEPALIVE_JITTER_DAYS ({jitter:g}) must"
            f" be positive and leave {KEEPALIVE_MARGIN_DAYS} days of TOKENS_REFRESH_TOKEN_DAYS"
            f" ({life:g}): an idle connection would risk its refresh token lapsing"
        )
    return Policy(
        refresh_margin=timedelta(seconds=config["REFRESH_MARGIN_SECONDS"]),
        keepalive_after=timedelta(days=after),
        keepalive_spread=timedelta(days=jitter),
        hot_window=timedelta(seconds=config["HOT_WINDOW_SECONDS"]),
        cooldown=replace(COOLDOWN, base=config["COOLDOWN_SECONDS"]),
    )


def bootstrap(config: dict, pool: ConnectionPool) -> Services:
    env.require(config, "ENCRYPTION_KEYS")
    fortnox = FortnoxClient(
        config["FORTNOX_AUTH_URL"],
        config["FORTNOX_API_URL"],
        config["FORTNOX_CLIENT_ID"],
        config["FORTNOX_CLIENT_SECRET"] or "",
        timeout=config["FORTNOX_TIMEOUT_SECONDS"],
    )
    settings = Settings(
        redirect_uri=config["REDIRECT_URI"],
        scopes=config["FORTNOX_SCOPES"],
        default_account_type=config["FORTNOX_ACCOUNT_TYPE"],
        retry_attempts=max(1, config["RETRY_ATTEMPTS"]),
        retry=replace(RETRY, base=config["RETRY_BASE_SECONDS"]),
    )
    return Services(
        store=ConnectionStore(
            pool, Keyring.parse(config["ENCRYPTION_KEYS"]), config["LOCK_WAIT_SECONDS"]
        ),
        states=StateStore(pool),
        work=WorkQueue(pool),
        fortnox=fortnox,
        settings=settings,
        policy=policy_from(config),
        cache=HandoutCache(config["HANDOUT_CACHE_SECONDS"]),
        schedule=MigrationSchedule(pool),
    )
