"""HTTP entry point: `gunicorn 'auth.entrypoints.api:create_app()'`."""

from pathlib import Path

from flask import Flask
from servicekit.app import create_service_app

from auth import config as service_config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    config = config or service_config.load()
    app = create_service_app(
        config["SERVICE"],
        database_url=config["DATABASE_URL"],
        migrations=MIGRATIONS,
        amqp_url=config["AMQP_URL"],
        log_level=config["LOG_LEVEL"],
    )
    app.config.update(config)
    return app
