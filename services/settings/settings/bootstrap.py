"""The one place that wires the settings service: database pool, the tokens service, a clock."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from psycopg_pool import ConnectionPool
from servicekit import callers
from servicekit.http import internal_key

from settings.adapters.tokens import TokensStatus

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class SettingsContext:
    pool: ConnectionPool
    tokens: TokensStatus | None
    clock: Clock = system_clock


def bootstrap(config: dict, pool: ConnectionPool, clock: Clock | None = None) -> SettingsContext:
    tokens = None
    if config.get("OWN_KEY"):
        credential = internal_key(callers.presented(config["OWN_KEY"]))
        tokens = TokensStatus(config["TOKENS_URL"], credential)
    return SettingsContext(pool=pool, tokens=tokens, clock=clock or system_clock)
