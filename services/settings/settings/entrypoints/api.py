"""HTTP entry point: `gunicorn 'settings.entrypoints.api:create_app()'`.

The settings service keeps each organisation's payment method (with who saved it and when) and
the company as the tokens service last told it. Its internal API (every route under
`/internal/organisations/{org_id}` needs a caller's own credential in `X-Internal-Key`; errors use the platform's
shape `{"error": {"code", "message", "fields"?}}`) is described at `GET /openapi.json`, generated
from the views and schemas in entrypoints/internal_api.py and schemas.py.
"""

from pathlib import Path

from flask import Flask
from servicekit import assertions, callers, openapi
from servicekit.app import create_service_app_from_config, pool_of

from settings import config as service_config
from settings.bootstrap import bootstrap
from settings.entrypoints.internal_api import DESCRIPTION, build_blueprint

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    config = config or service_config.load()
    credentials = callers.check("settings", config["CALLERS"])
    callers.own("settings", "settings", config["OWN_KEY"])
    assertions.check_key("settings", "ACTION_VERIFY_KEYS", config["ACTION_VERIFY_KEYS"])
    app = create_service_app_from_config(config, MIGRATIONS)
    app.extensions["settings"] = bootstrap(config, pool_of(app))
    app.register_blueprint(build_blueprint(credentials))
    openapi.serve(app, title="Resultat Finans settings service", description=DESCRIPTION)
    return app
