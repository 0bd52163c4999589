"""What the refresher and migrator processes share: start-up and a stoppable loop.

Neither exits because PostgreSQL is down: start-up waits for it (to migrate), and a pass that
meets an outage is retried with backoff, the outage logged once (servicekit.outage)."""

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from servicekit import db
from servicekit.backoff import Backoff
from servicekit.logs import setup_logging
from servicekit.migrate import migrate_patiently
from servicekit.outage import POSTGRESQL, UNAVAILABLE_ERRORS, Outage, unavailable_dependency
from servicekit.signals import stop_on_signals

from tokens import config as service_config
from tokens.bootstrap import bootstrap
from tokens.handlers import Services

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def outage_of(name: str) -> Outage:
    """The one record of outages of the worker process `tokens-<name>`."""
    return _OUTAGES.setdefault(name, Outage(f"tokens-{name}"))


_OUTAGES: dict[str, Outage] = {}


def start(
    name: str, config: dict | None = None, stop: threading.Event | None = None
) -> tuple[dict, Services, object]:
    config = config or service_config.load()
    setup_logging(f"tokens-{name}", config["LOG_LEVEL"])
    outage = outage_of(name)
    migrate_patiently(config["DATABASE_URL"], MIGRATIONS, outage, stop)
    pool = db.open_pool(
        config["DATABASE_URL"],
        max_size=12,
        name=f"tokens-{name}",
        on_connect=lambda _conn: outage.up(POSTGRESQL),
    )
    return config, bootstrap(config, pool), pool


def run_forever(
    name: str,
    one_pass: Callable[[], bool],
    idle_seconds: float,
    stop: threading.Event | None = None,
) -> None:
    """Call `one_pass` until SIGTERM/SIGINT; it returns True while there is more work at once."""
    log = logging.getLogger(f"tokens.{name}")
    stop = stop or threading.Event()
    stop_on_signals(stop)
    outage, backoff = outage_of(name), Backoff()
    log.info("started")
    while not stop.is_set():
        try:
            busy = one_pass()
        except UNAVAILABLE_ERRORS as exc:
            outage.down(unavailable_dependency(exc), exc)
            backoff.wait(stop)
            continue
        except Exception:  # noqa: BLE001 - one bad pass must not end the worker
            log.exception("pass failed")
            busy = False
        backoff.reset()
        if not busy:
            stop.wait(idle_seconds)
    log.info("stopped")
