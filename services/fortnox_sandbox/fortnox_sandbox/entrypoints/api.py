"""HTTP entry point: `gunicorn 'fortnox_sandbox.entrypoints.api:create_app()'`.

A STAND-IN for Fortnox (apps.fortnox.se and api.fortnox.se) for local runs and tests.
"""

from pathlib import Path

from flask import Flask, Response, jsonify
from flask_wtf.csrf import CSRFError, CSRFProtect
from servicekit.app import create_service_app_from_config, pool_of

from fortnox_sandbox import config as service_config
from fortnox_sandbox.bootstrap import bootstrap
from fortnox_sandbox.domain.rules import AuthorizeError, OAuthError, RawAnswer, RestError
from fortnox_sandbox.entrypoints import control, control_consents, oauth, pages, rest

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
SESSION_COOKIE = "fortnox_sandbox_session"  # not `session`: the gateway shares the host name
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none';"
    " frame-ancestors 'none'"
)


def create_app(config: dict | None = None) -> Flask:
    config = config or service_config.load()
    # The sandbox reads its signing keys while it starts: started while PostgreSQL is down, it
    # waits for it (a gunicorn worker that waits longer than its timeout is simply started again).
    app = create_service_app_from_config(config, MIGRATIONS, wait_for_database=True)
    sandbox = bootstrap(pool_of(app), config)
    app.extensions["fortnox_sandbox"] = sandbox
    app.secret_key = sandbox.session_key
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=3600,
    )
    csrf = CSRFProtect(app)
    for blueprint in (oauth.bp, rest.bp, control.bp, control_consents.bp):
        csrf.exempt(blueprint)
    app.register_blueprint(pages.bp)
    app.register_blueprint(oauth.bp)
    app.register_blueprint(rest.bp)
    if config["CONTROL_ENABLED"]:
        app.register_blueprint(control.bp)
        app.register_blueprint(control_consents.bp)
    _register_answers(app)
    return app


def _register_answers(app: Flask) -> None:
    @app.errorhandler(OAuthError)
    def _oauth_error(exc: OAuthError):
        response = jsonify(error=exc.error, error_description=exc.description)
        response.headers.update(exc.headers)
        response.headers["Cache-Control"] = "no-store"
        return response, exc.status

    @app.errorhandler(RestError)
    def _rest_error(exc: RestError):
        response = jsonify(ErrorInformation={"error": 1, "message": exc.message, "code": exc.code})
        response.headers.update(exc.headers)
        return response, exc.status

    @app.errorhandler(RawAnswer)
    def _raw_answer(exc: RawAnswer):
        response = Response(exc.body, status=exc.status, mimetype=exc.mimetype)
        if exc.mimetype is None:
            del response.headers["Content-Type"]
        response.headers.update(exc.headers)
        return response

    @app.errorhandler(AuthorizeError)
    def _authorize_error(exc: AuthorizeError):
        return pages.render_error(exc.message, exc.status)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return pages.render_error("Sidan har gått ut. Ladda om och försök igen.", 400)

    @app.after_request
    def _page_headers(response):
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
        return response
