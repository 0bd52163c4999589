"""The common start of every service's create_app(): logs, migrations, pool, platform routes,
the input rule."""

from pathlib import Path

from flask import Flask

from servicekit import broker, db
from servicekit.hygiene import install_input_hygiene
from servicekit.logs import setup_logging
from servicekit.migrate import migrate
from servicekit.web import install_platform


def create_service_app(
    service: str,
    *,
    database_url: str | None,
    migrations: Path | None,
    amqp_url: str | None,
    log_level: str = "INFO",
    pool_size: int = 10,
) -> Flask:
    setup_logging(service, log_level)
    app = Flask(service)
    checks = {}
    if database_url:
        if migrations is not None:
            migrate(database_url, migrations)
        pool = db.open_pool(database_url, max_size=pool_size, name=service)
        app.extensions["db_pool"] = pool
        checks["database"] = lambda: db.ping(pool)
    if amqp_url:
        checks["broker"] = lambda: broker.ping(amqp_url)
    install_platform(app, service, checks)
    install_input_hygiene(app)
    return app


def create_service_app_from_config(config: dict, migrations: Path | None) -> Flask:
    """create_service_app() for a service's config (servicekit.config.service_base and the
    service's own keys): its name, database, broker (none where the config has none) and log
    level; the whole config goes into app.config."""
    app = create_service_app(
        config["SERVICE"],
        database_url=config["DATABASE_URL"],
        migrations=migrations,
        amqp_url=config.get("AMQP_URL"),
        log_level=config["LOG_LEVEL"],
    )
    app.config.update(config)
    return app


def pool_of(app: Flask):
    return app.extensions["db_pool"]
