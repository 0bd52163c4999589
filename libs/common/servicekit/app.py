"""The common start of every service's create_app(): logs, migrations, pool, platform routes.

Nothing here needs PostgreSQL to answer: a web process started while it is down boots, answers
/healthz, and 503 (with /readyz naming what it waits for) until the database is back."""

import threading
from pathlib import Path

import psycopg
from flask import Flask, request

from servicekit import broker, db
from servicekit.logs import setup_logging
from servicekit.migrate import migrate, migrate_patiently
from servicekit.outage import POSTGRESQL, RABBITMQ, DependencyUnavailable, Outage
from servicekit.web import install_platform, outage_of

_ALWAYS_ANSWERED = frozenset({"/healthz", "/readyz", "/metrics"})


class _Schema:
    """The service's migrations: applied now, or, when PostgreSQL is down at start, by a
    background thread as soon as it answers; until then every request but the platform's own
    answers 503."""

    def __init__(self, url: str, directory: Path, outage: Outage):
        self.applied = threading.Event()
        try:
            migrate(url, directory)
            self.applied.set()
        except psycopg.OperationalError as exc:
            outage.down(POSTGRESQL, exc)
            threading.Thread(
                target=self._apply_when_reachable,
                args=(url, directory, outage),
                name="migrations",
                daemon=True,
            ).start()

    def _apply_when_reachable(self, url: str, directory: Path, outage: Outage) -> None:
        migrate_patiently(url, directory, outage)
        self.applied.set()

    def check(self) -> None:
        if not self.applied.is_set():
            raise DependencyUnavailable(POSTGRESQL, "migrations not applied yet")

    def guard(self) -> None:
        if request.path not in _ALWAYS_ANSWERED:
            self.check()


def create_service_app(
    service: str,
    *,
    database_url: str | None,
    migrations: Path | None,
    amqp_url: str | None,
    log_level: str = "INFO",
    pool_size: int = 10,
    wait_for_database: bool = False,
) -> Flask:
    """`wait_for_database`: for an app that reads the database while it is created: the
    migrations are applied before this returns, waiting for PostgreSQL as long as it takes."""
    setup_logging(service, log_level)
    app = Flask(service)
    outage = outage_of(app)
    checks = {}
    if database_url:
        pool = db.open_pool(
            database_url,
            max_size=pool_size,
            name=service,
            on_connect=lambda _conn: outage.up(POSTGRESQL),
        )
        app.extensions["db_pool"] = pool
        checks[POSTGRESQL] = lambda: db.ping(pool)
        if migrations is not None and wait_for_database:
            migrate_patiently(database_url, migrations, outage)
        elif migrations is not None:
            schema = _Schema(database_url, migrations, outage)
            if not schema.applied.is_set():
                checks["migrations"] = schema.check
                app.before_request(schema.guard)
    if amqp_url:
        checks[RABBITMQ] = lambda: broker.ping(amqp_url)
    install_platform(app, service, checks)
    return app


def create_service_app_from_config(
    config: dict, migrations: Path | None, *, wait_for_database: bool = False
) -> Flask:
    """create_service_app() for a service's config (servicekit.config.service_base and the
    service's own keys): its name, database, broker (none where the config has none) and log
    level; the whole config goes into app.config."""
    app = create_service_app(
        config["SERVICE"],
        database_url=config["DATABASE_URL"],
        migrations=migrations,
        amqp_url=config.get("AMQP_URL"),
        log_level=config["LOG_LEVEL"],
        wait_for_database=wait_for_database,
    )
    app.config.update(config)
    return app


def pool_of(app: Flask):
    return app.extensions["db_pool"]
