"""What the refresher and migrator processes share: start-up and a stoppable loop."""

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from servicekit import db
from servicekit.logs import setup_logging
from servicekit.migrate import migrate

from tokens import config as service_config
from tokens.bootstrap import bootstrap
from tokens.handlers import Services

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def start(name: str, config: dict | None = None) -> tuple[dict, Services, object]:
    config = config or service_config.load()
    setup_logging(f"tokens-{name}", config["LOG_LEVEL"])
    migrate(config["DATABASE_URL"], MIGRATIONS)
    pool = db.open_pool(config["DATABASE_URL"], max_size=12, name=f"tokens-{name}")
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
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("started")
    while not stop.is_set():
        try:
            busy = one_pass()
        except Exception:  # noqa: BLE001 - one bad pass must not end the worker
            log.exception("pass failed")
            busy = False
        if not busy:
            stop.wait(idle_seconds)
    log.info("stopped")
