"""HTTP entry point: `gunicorn 'tokens.entrypoints.api:create_app()'`.

The tokens service holds each organisation's Fortnox connection. Its internal API (every route
under `/internal` needs a caller's own credential in `X-Internal-Key`, and ALLOWED says which
caller may call which route; errors use the platform's shape
`{"error": {"code", "message", "fields"?}}`) is described at `GET /openapi.json`, generated from
the views below and schemas.py.
"""

from pathlib import Path

from flask import Blueprint, Flask, current_app, request
from servicekit import assertions, callers, openapi
from servicekit import config as env
from servicekit.app import create_service_app_from_config, pool_of
from servicekit.hygiene import allow_newlines
from servicekit.web import map_errors, on_scrape, valid_org_id

from tokens import config as service_config
from tokens import schemas
from tokens.adapters.metrics import observe_connections
from tokens.bootstrap import bootstrap
from tokens.domain.errors import (
    InvalidRequest,
    LockUnavailable,
    NotConnected,
    ReauthorizationRequired,
    TemporarilyUnavailable,
    TokensError,
)
from tokens.domain.model import FortnoxFailure
from tokens.handlers import (
    connect,
    connection_check,
    connection_status,
    handout,
    history,
    revocation,
)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

DESCRIPTION = """The tokens service holds each organisation's Fortnox connection: it runs the
"Ny Token" authorization, keeps the tokens encrypted and renewed, and hands out a valid access
token to the services that call Fortnox, never the refresh token. Only other services call it,
each with its own credential: the gateway for the customer's Fortnox page, the settings service
for the status, the Resultat Finans backend for access tokens, operators for the audit trail. Where the connection is busy or Fortnox cannot renew it right now, the answer is
503 `temporarily_unavailable` with `Retry-After`."""

# Schemas hold no request state; one instance each serves every request.
_HANDED_OUT = schemas.HandOutOut()
_STATUS_OUT = schemas.StatusOut()
_STARTED_OUT = schemas.StartConnectOut()
_OUTCOME_OUT = schemas.OutcomeOut()
_CHECK_OUT = schemas.CheckOut()
_DISCONNECT_OUT = schemas.DisconnectOut()
_AUDIT_OUT = schemas.AuditTrailOut()
_OVERVIEW_OUT = schemas.OverviewOut()

_GATEWAY = frozenset({"gateway"})
# Which caller may call which route (view name -> callers); a route not listed is refused. Only
# the backend that calls Fortnox gets access tokens: never the internet-facing gateway.
ALLOWED = {
    "start_connect": _GATEWAY,
    "complete_callback": _GATEWAY,
    "status": _GATEWAY | {"settings"},
    "access_token": frozenset({"resultat-finans"}),
    "check": _GATEWAY,
    "disconnect": _GATEWAY,
    "audit": frozenset({"operator"}),
    # Inställningar: the status with Händelser, the customer's own redacted view of the events
    "overview": _GATEWAY,
}

# The service's errors as HTTP answers (the most specific class wins); a 503 says when to try
# again: Retry-After from the error (the cool-down left; 1 s for a busy connection).
ERRORS = {
    TokensError: 400,
    NotConnected: 404,
    ReauthorizationRequired: 409,
    InvalidRequest: 422,
    TemporarilyUnavailable: 503,
    LockUnavailable: 503,
    FortnoxFailure: 502,
}


def create_app(config: dict | None = None) -> Flask:
    config = config or service_config.load()
    env.require(config, "ENCRYPTION_KEYS", "FORTNOX_CLIENT_SECRET")
    credentials = callers.check("tokens", config["CALLERS"])
    assertions.check_key("tokens", "ACTION_VERIFY_KEYS", config["ACTION_VERIFY_KEYS"])
    app = create_service_app_from_config(config, MIGRATIONS)
    app.extensions["tokens"] = bootstrap(config, pool_of(app))
    on_scrape(app, lambda: observe_connections(pool_of(app)))
    app.register_blueprint(_internal_api(credentials))
    allow_newlines(app, "error_description")  # Fortnox's words, passed on as they came
    map_errors(app, ERRORS)
    openapi.serve(app, title="Resultat Finans tokens service", description=DESCRIPTION)
    return app


def _svc():
    return current_app.extensions["tokens"]


def _body(schema):
    return schema.load(request.get_json(silent=True) or {})


def _internal_api(credentials: dict[str, str]) -> Blueprint:
    api = Blueprint("internal", __name__, url_prefix="/internal")
    callers.guard(api, credentials, ALLOWED)
    base = "/organisations/<org_id>/fortnox"

    @api.post(base + "/connect")
    @openapi.org_operation(body=schemas.StartConnectIn, responses={201: schemas.StartConnectOut})
    def start_connect(org_id):
        """Start "Ny Token": Fortnox's authorize URL for the person to approve.

        For an administrator of the organisation, as auth's assertion (`X-Action-Assertion`,
        action `fortnox.connect`) vouches; the organisation's own number comes from it too, and
        on the first connection Fortnox's OrganizationNumber must be the same. The URL carries a new single-use `state`, valid 10
        minutes and bound to the organisation, the user and their session; the callback must
        come back with all three."""
        org_id = valid_org_id(org_id)
        who = assertions.required(_keys(), "fortnox.connect", org_id, admin=True)
        body = _body(schemas.StartConnectIn())
        started = connect.start_connect(
            _svc(),
            org_id,
            who["user_id"],
            who["session_ref"],
            body["account_type"],
            who["organisation_number"],  # auth's, never the gateway's word
        )
        return _STARTED_OUT.dump(started), 201

    @api.post("/fortnox/callback")
    @openapi.operation(
        body=schemas.CallbackIn, responses={200: schemas.OutcomeOut}, errors=(422, 503)
    )
    def complete_callback():
        """Complete "Ny Token" with Fortnox's answer on the redirect URI.

        The gateway's /fortnox/callback passes Fortnox's query through; who received it is
        what auth's assertion (action `fortnox.callback`) vouches. Every outcome is a 200 answer: `connected`, `upgraded` (a legacy token replaced),
        `refused` (the person did not approve; nothing changed), `state_missing`,
        `state_invalid` (unknown, forged, or another user's or session's), `state_expired`,
        `state_reused`, `exchange_failed` (`reason` says why) and `company_mismatch` (another
        Fortnox company than the organisation's; nothing changed)."""
        who = assertions.required(_keys(), "fortnox.callback", None)
        body = _body(schemas.CallbackIn())
        body.pop("error_description")
        body |= {"user_id": who["user_id"], "session_ref": who["session_ref"]}
        outcome = connect.complete_connect(_svc(), **body)
        return _OUTCOME_OUT.dump(outcome)

    @api.get(base)
    @openapi.org_operation(responses={200: schemas.StatusOut})
    def status(org_id):
        """The organisation's Fortnox connection, as the settings page shows it."""
        return _STATUS_OUT.dump(connection_status.status(_svc(), valid_org_id(org_id)))

    @api.post(base + "/access-token")
    @openapi.org_operation(responses={200: schemas.HandOutOut}, errors=(404, 409, 503))
    def access_token(org_id):
        """Hand out a valid access token, renewed first when it is about to expire.

        Never the refresh token. 404 `not_connected`; 409 `reauthorization_required` (the
        customer must connect again with "Ny Token"); 503 `temporarily_unavailable` with
        `Retry-After` when Fortnox cannot renew it right now or the connection is busy."""
        return _HANDED_OUT.dump(handout.hand_out(_svc(), valid_org_id(org_id)))

    @api.post(base + "/check")
    @openapi.org_operation(responses={200: schemas.CheckOut}, errors=(503,))
    def check(org_id):
        """Check the connection ("Kontrollera koppling till Fortnox").

        For a member of the organisation, as auth's assertion (action `fortnox.check`) vouches.
        Calls Fortnox's /3/companyinformation with a valid token and keeps the company up to
        date. A failure is a 200 answer with `ok: false` and a readable `reason`."""
        org_id = valid_org_id(org_id)
        who = assertions.required(_keys(), "fortnox.check", org_id)
        result = connection_check.check(_svc(), org_id, actor=f"user:{who['user_id']}")
        return _CHECK_OUT.dump(result)

    @api.post(base + "/disconnect")
    @openapi.org_operation(responses={200: schemas.DisconnectOut}, errors=(404, 503))
    def disconnect(org_id):
        """Disconnect: revoke the tokens at Fortnox, erase them, publish `token.revoked`.

        For an administrator of the organisation, as auth's assertion (action
        `fortnox.disconnect`) vouches. 404 `not_connected` when there is nothing to
        disconnect."""
        org_id = valid_org_id(org_id)
        who = assertions.required(_keys(), "fortnox.disconnect", org_id, admin=True)
        result = revocation.disconnect(
            _svc(), org_id, actor=f"user:{who['user_id']}", user_id=who["user_id"]
        )
        return _DISCONNECT_OUT.dump(result)

    @api.get(base + "/audit")
    @openapi.org_operation(responses={200: schemas.AuditTrailOut})
    def audit(org_id):
        """The connection's audit trail, newest first (at most 200 entries)."""
        entries = _svc().store.audit_trail(valid_org_id(org_id))
        return _AUDIT_OUT.dump({"entries": entries})

    @api.get(base + "/overview")
    @openapi.org_operation(responses={200: schemas.OverviewOut})
    def overview(org_id):
        """The connection and its Händelser in one look-up, as Inställningar shows them.

        `status` as `GET …/fortnox` answers it; `history` the connection's last 20 events for
        its customer, newest first: connected, renewed, checked, failed (with its cause),
        upgraded, disconnected. Redacted, unlike `/audit` (operators): no user ids, no details
        of Fortnox's answers."""
        org_id = valid_org_id(org_id)
        svc = _svc()
        shown = {
            "status": connection_status.status(svc, org_id),
            "history": history.customer_history(svc, org_id),
        }
        return _OVERVIEW_OUT.dump(shown)

    return api


def _keys() -> str:
    return current_app.config["ACTION_VERIFY_KEYS"]
