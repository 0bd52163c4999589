"""The one place that wires the real adapters into the handlers."""

from psycopg_pool import ConnectionPool
from servicekit import callers
from servicekit.clock import Clock, utc_now
from servicekit.http import internal_key

from settings.adapters.repository import SettingsStore
from settings.adapters.tokens import TokensStatus
from settings.handlers import Services


def bootstrap(config: dict, pool: ConnectionPool, clock: Clock = utc_now) -> Services:
    tokens = None
    if config.get("OWN_KEY"):
        credential = internal_key(callers.presented(config["OWN_KEY"]))
        tokens = TokensStatus(config["TOKENS_URL"], credential)
    return Services(store=SettingsStore(pool), tokens=tokens, clock=clock)
