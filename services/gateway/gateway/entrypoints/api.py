"""HTTP entry point: `gunicorn 'gateway.entrypoints.api:create_app()'`.

Adding an app's pages: build a blueprint (see gateway.apps.resultat_finans), register it in
APP_BLUEPRINTS below, extend its layout template, guard views with gateway.web.session.
"""

from datetime import date

from flask import Flask
from servicekit import callers
from servicekit.app import create_service_app
from servicekit.http import internal_key
from servicekit.hygiene import allow_newlines

from gateway import config as service_config
from gateway import portal
from gateway.adapters.auth_client import AuthClient
from gateway.apps import resultat_finans
from gateway.web.edge import install_admin_port
from gateway.web.errors import install_error_pages
from gateway.web.security import install_security
from gateway.web.session import current_user

APP_BLUEPRINTS = [resultat_finans.build_blueprint]


def create_app(config: dict | None = None) -> Flask:
    config = config or service_config.load()
    config = {**config, "OWN_KEY": callers.own("gateway", "gateway", config["OWN_KEY"])}
    app = create_service_app(
        "gateway", database_url=None, migrations=None, amqp_url=None, log_level=config["LOG_LEVEL"]
    )
    app.config.update(config)
    app.extensions["auth_client"] = AuthClient(config["AUTH_URL"], internal_key(config["OWN_KEY"]))
    install_admin_port(app, config["GATEWAY_ADMIN_PORT"])
    install_security(app)
    install_error_pages(app)
    allow_newlines(app, "error_description")  # Fortnox's words on the callback, as they came
    app.register_blueprint(portal.build_blueprint())
    for build in APP_BLUEPRINTS:
        app.register_blueprint(build())

    @app.context_processor
    def _page_globals():
        return {"user": current_user(), "year": date.today().year}

    return app
