"""HTTP entry point: `gunicorn 'tokens.entrypoints.api:create_app()'`.

Internal API (every route needs the `X-Internal-Key` header; errors use the platform's shape
`{"error": {"code", "message", "fields"?}}`; `<org_id>` is the auth service's UUID):

- `POST /internal/organisations/<org_id>/fortnox/connect` `{user_id, session_ref, account_type?}`
  -> 201 `{authorize_url, expires_at, account_type}`. The URL carries a new single-use `state`
  (10 minutes, bound to org, user and session). `account_type` is `""` or `"service"`; when left
  out, the organisation's current kind or FORTNOX_ACCOUNT_TYPE decides.
- `POST /internal/fortnox/callback` `{state, code?, error?, error_description?, user_id,
  session_ref}` (the gateway's /fortnox/callback passes Fortnox's query through) -> 200
  `{outcome, message, org_id, company?, reason?}`; `outcome` is one of `connected`, `upgraded`,
  `refused` (error=access_denied: the connection is unchanged), `state_missing`,
  `state_invalid` (unknown, forged, or another user's/session's), `state_expired`,
  `state_reused`, `exchange_failed` (`reason` says why), `company_mismatch` (`company` is the
  Fortnox company that was connected; nothing was changed).
- `GET /internal/organisations/<org_id>/fortnox` -> 200 status: `connected`, `state`
  (`not_connected`, `connected`, `needs_reauthorization`, `revoked`), `kind` (`legacy`,
  `oauth`, `service`), `token_type` ("Access Token" for legacy, else "OAuth"), `legacy` (show
  the "Ny Token" notice), `access_token_valid` (Ja/Nej: a valid token can be handed out now),
  `company_name`, `organisation_number`, `database_number`, `health` (`ok`, `refreshing`,
  `degraded`, `needs_reauthorization`, `interrupted`), `last_refresh_at`, `last_failure_at`,
  `last_failure_reason`, `reauthorization_reason`, `migration_state`, `scopes`.
- `POST /internal/organisations/<org_id>/fortnox/access-token` -> 200 `{access_token, kind,
  expires_at}` (never the refresh token; `kind` legacy means Fortnox's legacy headers);
  404 not_connected, 409 reauthorization_required, 503 temporarily_unavailable + Retry-After.
- `POST /internal/organisations/<org_id>/fortnox/check` `{user_id?}` -> 200 `{ok, reason,
  company}` after calling /3/companyinformation.
- `POST /internal/organisations/<org_id>/fortnox/disconnect` `{user_id?}` -> 200 `{state,
  revoked_at_fortnox, reason}`; 404 when there is nothing to disconnect.
- `GET /internal/organisations/<org_id>/fortnox/audit` -> 200 `{entries: [{at, actor, action,
  outcome, detail}]}` newest first.
"""

import uuid
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify, request
from servicekit.app import create_service_app, pool_of
from servicekit.web import ApiError, error_response, on_scrape, require_internal_key

from tokens import config as service_config
from tokens import schemas
from tokens.adapters.metrics import observe_connections
from tokens.bootstrap import bootstrap
from tokens.config import require
from tokens.domain.errors import LockUnavailable, TemporarilyUnavailable, TokensError
from tokens.domain.model import FortnoxFailure
from tokens.handlers import connect, handout, lifecycle

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

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
    require(config, "INTERNAL_API_KEY", "ENCRYPTION_KEYS", "FORTNOX_CLIENT_SECRET")
    app = create_service_app(
        config["SERVICE"],
        database_url=config["DATABASE_URL"],
        migrations=MIGRATIONS,
        amqp_url=config["AMQP_URL"],
        log_level=config["LOG_LEVEL"],
    )
    app.config.update(config)
    app.extensions["tokens"] = bootstrap(config, pool_of(app))
    on_scrape(app, lambda: observe_connections(pool_of(app)))
    app.register_blueprint(_internal_api(config["INTERNAL_API_KEY"]))
    _register_errors(app)
    return app


def _svc():
    return current_app.extensions["tokens"]


def _org(org_id: str) -> str:
    try:
        return str(uuid.UUID(org_id))
    except ValueError:
        raise ApiError(
            422, "invalid_input", "The input is not valid.", {"org_id": ["Not a valid UUID."]}
        ) from None


def _body(schema):
    return schema.load(request.get_json(silent=True) or {})


def _internal_api(internal_key: str) -> Blueprint:
    api = Blueprint("internal", __name__, url_prefix="/internal")
    require_internal_key(api, internal_key)
    base = "/organisations/<org_id>/fortnox"

    @api.post(base + "/connect")
    def start_connect(org_id):
        body = _body(schemas.StartConnectIn())
        started = connect.start_connect(
            _svc(), _org(org_id), body["user_id"], body["session_ref"], body["account_type"]
        )
        return schemas.StartConnectOut().dump(started), 201

    @api.post("/fortnox/callback")
    def complete_callback():
        body = _body(schemas.CallbackIn())
        body.pop("error_description")
        outcome = connect.complete_connect(_svc(), **body)
        return schemas.OutcomeOut().dump(outcome)

    @api.get(base)
    def status(org_id):
        return _STATUS_OUT.dump(lifecycle.status(_svc(), _org(org_id)))

    @api.post(base + "/access-token")
    def access_token(org_id):
        return _HANDED_OUT.dump(handout.hand_out(_svc(), _org(org_id)))

    @api.post(base + "/check")
    def check(org_id):
        body = _body(schemas.ActorIn())
        result = lifecycle.check(_svc(), _org(org_id), actor=_actor(body))
        return schemas.CheckOut().dump(result)

    @api.post(base + "/disconnect")
    def disconnect(org_id):
        body = _body(schemas.ActorIn())
        result = lifecycle.disconnect(
            _svc(), _org(org_id), actor=_actor(body), user_id=body["user_id"]
        )
        return schemas.DisconnectOut().dump(result)

    @api.get(base + "/audit")
    def audit(org_id):
        entries = _svc().store.audit_trail(_org(org_id))
        return jsonify(entries=schemas.AuditOut(many=True).dump(entries))

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
