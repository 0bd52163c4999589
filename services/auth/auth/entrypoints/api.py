"""HTTP entry point: `gunicorn 'auth.entrypoints.api:create_app()'`."""

from pathlib import Path

from flask import Flask
from servicekit import openapi
from servicekit.app import create_service_app, pool_of

from auth import config as service_config
from auth.bootstrap import Clock, bootstrap
from auth.entrypoints.internal_api import DESCRIPTION, build_blueprint

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None, clock: Clock | None = None) -> Flask:
    """`clock` is the tests' seam for time (session timeouts, link expiry, throttling)."""
    config = config or service_config.load()
    app = create_service_app(
        config["SERVICE"],
        database_url=config["DATABASE_URL"],
        migrations=MIGRATIONS,
        amqp_url=config["AMQP_URL"],
        log_level=config["LOG_LEVEL"],
    )
    app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.extensions["auth"] = bootstrap(config, pool_of(app), clock)
    app.register_blueprint(build_blueprint(config["INTERNAL_API_KEY"]))
    openapi.serve(app, title="Resultat Finans auth service", description=DESCRIPTION)
    return app
