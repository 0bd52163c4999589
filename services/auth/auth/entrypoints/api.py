"""HTTP entry point: `gunicorn 'auth.entrypoints.api:create_app()'`."""

from pathlib import Path

from flask import Flask
from servicekit import assertions, callers, openapi
from servicekit.app import create_service_app_from_config, pool_of
from servicekit.clock import Clock

from auth import config as service_config
from auth.bootstrap import bootstrap
from auth.entrypoints import errors
from auth.entrypoints.internal_api import DESCRIPTION, build_blueprint

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None, clock: Clock | None = None) -> Flask:
    """`clock` is the tests' seam for time (session timeouts, link expiry, throttling)."""
    config = config or service_config.load()
    credentials = callers.check("auth", config["CALLERS"])
    assertions.check_key("auth", "ACTION_SIGNING_KEY", config["ACTION_SIGNING_KEY"])
    app = create_service_app_from_config(config, MIGRATIONS)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.extensions["auth"] = bootstrap(config, pool_of(app), clock)
    app.register_blueprint(build_blueprint(credentials))
    errors.register(app)
    openapi.serve(app, title="Resultat Finans auth service", description=DESCRIPTION)
    return app
