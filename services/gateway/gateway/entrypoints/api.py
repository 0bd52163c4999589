"""HTTP entry point: `gunicorn 'gateway.entrypoints.api:create_app()'`."""

from flask import Flask
from servicekit.app import create_service_app

from gateway import config as service_config


def create_app(config: dict | None = None) -> Flask:
    config = config or service_config.load()
    app = create_service_app(
        "gateway", database_url=None, migrations=None, amqp_url=None, log_level=config["LOG_LEVEL"]
    )
    app.config.update(config)
    return app
