"""POST /oauth-v1/revoke as Fortnox documents it: two kinds of token can be revoked there.

- A refresh token (HTTP Basic, `token_type_hint=refresh_token&token=...`): its grant ends, and
  with it the refresh token's successors and their access tokens.
- An old-type (legacy) access token with its long lifespan: Fortnox's page sends it as
  multipart/form-data with `token` only, no hint and no client credentials, and that is the
  one way the sandbox takes it (form-urlencoded answers 400 invalid_request); the token ends
  at once. Client credentials, when sent anyway, are checked and must be the token's client.

Access tokens of the authorization-code flow (JWTs) cannot be revoked "due to their short
lifespan": the sandbox says so with RFC 7009's `unsupported_token_type` instead of pretending.
A token it does not know answers `{"revoked": true}` (RFC 7009 §2.2: nothing left to revoke).
"""

from servicekit.db import transaction

from fortnox_sandbox.adapters import grants, tenants
from fortnox_sandbox.bootstrap import Sandbox
from fortnox_sandbox.domain.rules import OAuthError
from fortnox_sandbox.handlers.tokens import authenticate_client

ACCESS_TOKEN_NOT_REVOCABLE = (
    "Revoke of access-token is not supported for Authorization Code Flow due to their short"
    " lifespan; revoke the refresh-token instead"
)
LEGACY_AS_MULTIPART = "An old-type access token is revoked as multipart/form-data with `token`"


def revoke(
    sandbox: Sandbox, authorization: str | None, token_value: str, *, multipart: bool = False
) -> dict:
    sandbox.apply_fault("revoke")
    # Client credentials are checked whenever they are sent; only a legacy token may come without.
    client_id = authenticate_client(sandbox, authorization) if authorization else None
    if not token_value:
        raise OAuthError(400, "invalid_request", "The token parameter is missing")
    if _looks_like_jwt(token_value):
        sandbox.count("revoke_calls", None)
        raise OAuthError(400, "unsupported_token_type", ACCESS_TOKEN_NOT_REVOCABLE)
    tenant_id, failure = None, None
    with transaction(sandbox.pool) as conn:
        refresh = grants.take_refresh_token(conn, token_value)
        legacy = None if refresh else tenants.find_legacy_token(conn, token_value, lock=True)
        row = refresh or legacy
        tenant_id = row["tenant_id"] if row else None
        if refresh and client_id is None:
            failure = _no_client()
        elif row and client_id is not None and row["client_id"] != client_id:
            failure = OAuthError(
                400, "unauthorized_client", "The token was issued to another client"
            )
        elif legacy and not multipart:
            failure = OAuthError(400, "invalid_request", LEGACY_AS_MULTIPART)
        elif refresh:
            grants.revoke_grant(conn, refresh["grant_id"])
        elif legacy and legacy["revoked_at"] is None:
            tenants.kill_legacy_token(conn, legacy["token_hash"])
    sandbox.count("revoke_calls", tenant_id)
    if failure:
        raise failure
    return {"revoked": True}


def _looks_like_jwt(token: str) -> bool:
    parts = token.split(".")
    return len(parts) == 3 and all(parts)


def _no_client() -> OAuthError:
    return OAuthError(
        401,
        "invalid_client",
        "Revoking a refresh token needs the client's credentials",
        {"WWW-Authenticate": 'Basic realm="oauth-v1"'},
    )
