"""The authorize flow: validate the request, log the user in, approve or refuse the scopes."""

from dataclasses import dataclass
from urllib.parse import urlencode

from servicekit.db import transaction

from fortnox_sandbox.adapters import control, grants, tenants
from fortnox_sandbox.bootstrap import Sandbox
from fortnox_sandbox.domain import rules
from fortnox_sandbox.domain.rules import AuthorizeError


@dataclass
class Redirect:
    url: str


class LoginRefused(Exception):
    """Wrong user name or password, or a user who may not approve: show the form again."""


def redirect_with(uri: str, params: dict) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{uri}{'&' if '?' in uri else '?'}{query}"


def start(sandbox: Sandbox, args: dict) -> str | Redirect:
    """Check GET /oauth-v1/auth; the new authorize request's id, or a redirect with an error."""
    sandbox.apply_fault("auth")
    client_id = args.get("client_id", "")
    redirect_uri = args.get("redirect_uri", "")
    if not client_id or client_id != sandbox.client.client_id:
        raise AuthorizeError(
            "Ogiltigt klient-id (client_id). Kontakta leverantören av integrationen."
        )
    with transaction(sandbox.pool) as conn:
        allowed = sandbox.client.redirect_uris + control.extra_redirect_uris(conn)
    if redirect_uri not in allowed:
        raise AuthorizeError(
            "Ogiltig redirect_uri: adressen är inte registrerad för integrationen."
        )
    state = args.get("state", "")
    if args.get("response_type") != "code":
        return Redirect(
            redirect_with(
                redirect_uri,
                {
                    "error": "unsupported_response_type",
                    "error_description": "response_type must be code",
                    "state": state,
                },
            )
        )
    account_type = args.get("account_type", "").lower()
    if account_type not in ("", "service"):
        return Redirect(
            redirect_with(
                redirect_uri,
                {
                    "error": "invalid_request",
                    "error_description": "account_type must be service",
                    "state": state,
                },
            )
        )
    try:
        scopes = rules.parse_scopes(args.get("scope", ""))
    except AuthorizeError as exc:
        return Redirect(
            redirect_with(
                redirect_uri,
                {"error": "invalid_scope", "error_description": exc.message, "state": state},
            )
        )
    with transaction(sandbox.pool) as conn:
        return grants.insert_auth_request(
            conn,
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            state=state,
            account_type=account_type,
        )


def pending(sandbox: Sandbox, request_id: str) -> dict:
    with transaction(sandbox.pool) as conn:
        request = grants.get_auth_request(conn, request_id or "")
    if not request:
        raise AuthorizeError("Inloggningen har gått ut. Börja om från integrationen.")
    return request


def login(sandbox: Sandbox, request_id: str, username: str, password: str) -> dict:
    """Authenticate the user for the request; LoginRefused with the message to show."""
    with transaction(sandbox.pool) as conn:
        request = grants.get_auth_request(conn, request_id, lock=True)
        if not request:
            raise AuthorizeError("Inloggningen har gått ut. Börja om från integrationen.")
        user = tenants.find_user(conn, username) if "@" in username else None
        if not user or not tenants.password_matches(user, password):
            raise LoginRefused("Felaktigt användarnamn eller lösenord.")
        if request["account_type"] == "service" and not user["system_admin"]:
            raise LoginRefused(
                "Endast en systemadministratör kan godkänna en integration med servicekonto."
            )
        grants.set_auth_request_user(conn, request_id, user["id"])
        return dict(user)


def user_of(sandbox: Sandbox, request: dict) -> dict | None:
    if not request["user_id"]:
        return None
    with transaction(sandbox.pool) as conn:
        return tenants.user_with_company(conn, request["user_id"])


def decide(sandbox: Sandbox, request_id: str, approve: bool) -> Redirect:
    """Approve (a code, and for service accounts a consent) or refuse; back to the client."""
    with transaction(sandbox.pool) as conn:
        request = grants.get_auth_request(conn, request_id, lock=True)
        if not request or not request["user_id"]:
            raise AuthorizeError("Inloggningen har gått ut. Börja om från integrationen.")
        grants.finish_auth_request(conn, request_id)
        if not approve:
            return Redirect(
                redirect_with(
                    request["redirect_uri"],
                    {
                        "error": "access_denied",
                        "error_description": "The user denied the authorization request",
                        "state": request["state"],
                    },
                )
            )
        user = tenants.get_user(conn, request["user_id"])
        if request["account_type"] == "service":
            grants.upsert_consent(conn, request["client_id"], user["tenant_id"], request["scopes"])
        code = grants.insert_code(
            conn, request=request, tenant_id=user["tenant_id"], user_id=user["id"]
        )
        return Redirect(
            redirect_with(request["redirect_uri"], {"code": code, "state": request["state"]})
        )
