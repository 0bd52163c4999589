"""HTTP entry point: `gunicorn 'tokens.entrypoints.api:create_app()'`.

The tokens service holds each organisation's Fortnox connection. Its internal API (every route
under `/internal` needs the `X-Internal-Key` header; errors use the platform's shape
`{"error": {"code", "message", "fields"?}}`) is described at `GET /openapi.json`, generated from
the views below and schemas.py.
"""

from pathlib import Path

from flask import Blueprint, Flask, current_app, request
from servicekit import config as env
from servicekit import openapi
from servicekit.app import create_service_app_from_config, pool_of
from servicekit.web import error_response, on_scrape, require_internal_key, valid_org_id

from tokens import config as service_config
from tokens import schemas
from tokens.adapters.metrics import observe_connections
from tokens.bootstrap import bootstrap
from tokens.domain.errors import LockUnavailable, TemporarilyUnavailable, TokensError
from tokens.domain.model import FortnoxFailure
from tokens.handlers import connect, handout, lifecycle

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

DESCRIPTION = """The tokens service holds each organisation's Fortnox connection: it runs the
"Ny Token" authorization, keeps the tokens encrypted and renewed, and hands out a valid access
token to the services that call Fortnox, never the refresh token. Only other services call it,
with the internal key: the gateway for the customer's Fortnox page, the settings service and the
apps for tokens. Where the connection is busy or Fortnox cannot renew it right now, the answer is
503 `temporarily_unavailable` with `Retry-After`."""

# Schemas hold no request state; one instance each serves every request.
_HANDED_OUT = schemas.HandOutOut()
_STATUS_OUT = schemas.StatusOut()

_STATUS = {
    "not_connected": 404,
    "reauthorization_required": 409,
    "temporarily_unavailable": 503,
    "invalid_request": 422,
}


def create_app(config: dict | None = None) -> Flask:
    config = config or service_config.load()
    env.require(config, "INTERNAL_API_KEY", "ENCRYPTION_KEYS", "FORTNOX_CLIENT_SECRET")
    app = create_service_app_from_config(config, MIGRATIONS)
    app.extensions["tokens"] = bootstrap(config, pool_of(app))
    on_scrape(app, lambda: observe_connections(pool_of(app)))
    app.register_blueprint(_internal_api(config["INTERNAL_API_KEY"]))
    _register_errors(app)
    openapi.serve(app, title="Resultat Finans tokens service", description=DESCRIPTION)
    return app


def _svc():
    return current_app.extensions["tokens"]


def _body(schema):
    return schema.load(request.get_json(silent=True) or {})


def _internal_api(internal_key: str) -> Blueprint:
    api = Blueprint("internal", __name__, url_prefix="/internal")
    require_internal_key(api, internal_key)
    base = "/organisations/<org_id>/fortnox"

    @api.post(base + "/connect")
    @openapi.org_operation(body=schemas.StartConnectIn, responses={201: schemas.StartConnectOut})
    def start_connect(org_id):
        """Start "Ny Token": Fortnox's authorize URL for the person to approve.

        The URL carries a new single-use `state`, valid 10 minutes and bound to the
        organisation, the user and their session; the callback must come back with all three."""
        body = _body(schemas.StartConnectIn())
        started = connect.start_connect(
            _svc(),
            valid_org_id(org_id),
            body["user_id"],
            body["session_ref"],
            body["account_type"],
            body["organisation_number"],
        )
        return schemas.StartConnectOut().dump(started), 201

    @api.post("/fortnox/callback")
    @openapi.operation(
        body=schemas.CallbackIn, responses={200: schemas.OutcomeOut}, errors=(422, 503)
    )
    def complete_callback():
        """Complete "Ny Token" with Fortnox's answer on the redirect URI.

        The gateway's /fortnox/callback passes Fortnox's query through with who received it.
        Every outcome is a 200 answer: `connected`, `upgraded` (a legacy token replaced),
        `refused` (the person did not approve; nothing changed), `state_missing`,
        `state_invalid` (unknown, forged, or another user's or session's), `state_expired`,
        `state_reused`, `exchange_failed` (`reason` says why) and `company_mismatch` (another
        Fortnox company than the organisation's; nothing changed)."""
        body = _body(schemas.CallbackIn())
        body.pop("error_description")
        outcome = connect.complete_connect(_svc(), **body)
        return schemas.OutcomeOut().dump(outcome)

    @api.get(base)
    @openapi.org_operation(responses={200: schemas.StatusOut})
    def status(org_id):
        """The organisation's Fortnox connection, as the settings page shows it."""
        return _STATUS_OUT.dump(lifecycle.status(_svc(), valid_org_id(org_id)))

    @api.post(base + "/access-token")
    @openapi.org_operation(responses={200: schemas.HandOutOut}, errors=(404, 409, 503))
    def access_token(org_id):
        """Hand out a valid access token, renewed first when it is about to expire.

        Never the refresh token. 404 `not_connected`; 409 `reauthorization_required` (the
        customer must connect again with "Ny Token"); 503 `temporarily_unavailable` with
        `Retry-After` when Fortnox cannot renew it right now or the connection is busy."""
        return _HANDED_OUT.dump(handout.hand_out(_svc(), valid_org_id(org_id)))

    @api.post(base + "/check")
    @openapi.org_operation(body=schemas.ActorIn, responses={200: schemas.CheckOut}, errors=(503,))
    def check(org_id):
        """Check the connection ("Kontrollera koppling till Fortnox").

        Calls Fortnox's /3/companyinformation with a valid token and keeps the company up to
        date. A failure is a 200 answer with `ok: false` and a readable `reason`."""
        body = _body(schemas.ActorIn())
        result = lifecycle.check(_svc(), valid_org_id(org_id), actor=_actor(body))
        return schemas.CheckOut().dump(result)

    @api.post(base + "/disconnect")
    @openapi.org_operation(
        body=schemas.ActorIn, responses={200: schemas.DisconnectOut}, errors=(404, 503)
    )
    def disconnect(org_id):
        """Disconnect: revoke the tokens at Fortnox, erase them, publish `token.revoked`.

        404 `not_connected` when there is nothing to disconnect."""
        body = _body(schemas.ActorIn())
        result = lifecycle.disconnect(
            _svc(), valid_org_id(org_id), actor=_actor(body), user_id=body["user_id"]
        )
        return schemas.DisconnectOut().dump(result)

    @api.get(base + "/audit")
    @openapi.org_operation(responses={200: schemas.AuditTrailOut})
    def audit(org_id):
        """The connection's audit trail, newest first (at most 200 entries)."""
        entries = _svc().store.audit_trail(valid_org_id(org_id))
        return schemas.AuditTrailOut().dump({"entries": entries})

    return api


def _actor(body: dict) -> str:
    return f"user:{body['user_id']}" if body.get("user_id") else "service"


def _register_errors(app: Flask) -> None:
    @app.errorhandler(TokensError)
    def _tokens_error(exc: TokensError):
        response, status = error_response(_STATUS.get(exc.code, 400), exc.code, exc.message)
        if isinstance(exc, TemporarilyUnavailable) and exc.retry_after:
            response.headers["Retry-After"] = str(int(exc.retry_after + 0.999))
        return response, status

    @app.errorhandler(LockUnavailable)
    def _busy(_exc):
        response, status = error_response(
            503, "temporarily_unavailable", "The connection is busy; try again shortly."
        )
        response.headers["Retry-After"] = "1"
        return response, status

    @app.errorhandler(FortnoxFailure)
    def _fortnox(exc: FortnoxFailure):
        return error_response(502, "fortnox_failed", exc.reason)
