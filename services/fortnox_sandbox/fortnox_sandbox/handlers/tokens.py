"""POST /oauth-v1/token, /migrate and /revoke with Fortnox's semantics."""

import base64
import binascii

from servicekit.db import transaction

from fortnox_sandbox.adapters import grants, tenants
from fortnox_sandbox.bootstrap import Sandbox
from fortnox_sandbox.domain import rules
from fortnox_sandbox.domain.rules import OAuthError


def authenticate_client(sandbox: Sandbox, authorization: str | None) -> str:
    """The client id of a valid `Authorization: Basic` header; 401 invalid_client otherwise."""
    scheme, _, encoded = (authorization or "").partition(" ")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    client_id, _, secret = decoded.partition(":")
    if (
        scheme.lower() != "basic"
        or client_id != sandbox.client.client_id
        or not (sandbox.client.secret_matches(secret))
    ):
        raise OAuthError(
            401,
            "invalid_client",
            "Invalid client credentials",
            {"WWW-Authenticate": 'Basic realm="oauth-v1"'},
        )
    return client_id


def _issue(
    sandbox: Sandbox,
    conn,
    client_id: str,
    tenant_id: int,
    scopes: list[str],
    *,
    grant_id=None,
    consent_id=None,
    user_id=None,
) -> dict:
    jti, issued = grants.insert_access_token(
        conn,
        client_id=client_id,
        tenant_id=tenant_id,
        scopes=scopes,
        grant_id=grant_id,
        consent_id=consent_id,
    )
    access_token = sandbox.signer.sign(
        jti=jti,
        client_id=client_id,
        tenant_id=tenant_id,
        scopes=scopes,
        user_id=user_id,
        service_account=consent_id is not None,
        issued_at=issued,
        lifetime=rules.ACCESS_TOKEN_SECONDS,
    )
    answer = {"access_token": access_token}
    if grant_id is not None:
        answer["refresh_token"] = grants.insert_refresh_token(conn, grant_id, tenant_id)
    answer.update(
        scope=" ".join(scopes), expires_in=rules.ACCESS_TOKEN_SECONDS, token_type="bearer"
    )
    return answer


def _issue_new_grant(
    sandbox: Sandbox, conn, client_id: str, tenant_id: int, scopes: list[str], user_id=None
) -> dict:
    """A new grant (of an authorization code or a migrated legacy token) and its first tokens."""
    grant_id = grants.insert_grant(conn, client_id, tenant_id, scopes)
    return _issue(sandbox, conn, client_id, tenant_id, scopes, grant_id=grant_id, user_id=user_id)


def _outcome(
    sandbox: Sandbox, grant_type: str, tenant_id: int | None, failure: str | None, answer
) -> dict:
    """Count the token call; a failure answers invalid_grant (counted too), else the answer."""
    sandbox.count("token_calls", tenant_id, grant_type)
    if failure:
        sandbox.count("invalid_grant", tenant_id, grant_type)
        raise OAuthError(400, "invalid_grant", failure)
    return answer


def token(sandbox: Sandbox, authorization: str | None, form: dict, headers: dict) -> dict:
    sandbox.apply_fault("token")
    client_id = authenticate_client(sandbox, authorization)
    grant_type = form.get("grant_type", "")
    if grant_type == "authorization_code":
        return _exchange_code(sandbox, client_id, form.get("code", ""), form.get("redirect_uri"))
    if grant_type == "refresh_token":
        return _refresh(sandbox, client_id, form.get("refresh_token", ""))
    if grant_type == "client_credentials":
        return _client_credentials(sandbox, client_id, headers.get("TenantId", ""))
    sandbox.count("token_calls", None, grant_type or "missing")
    raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant_type: {grant_type!r}")


def _exchange_code(sandbox: Sandbox, client_id: str, code: str, redirect_uri: str | None):
    answer = None
    with transaction(sandbox.pool) as conn:
        row = grants.take_code(conn, code) if code else None
        failure = rules.code_refused(row, client_id, redirect_uri)
        if not failure:
            grants.mark_code_used(conn, row["code_hash"])
            scopes, user_id = row["scopes"], row["user_id"]
            answer = _issue_new_grant(sandbox, conn, client_id, row["tenant_id"], scopes, user_id)
    return _outcome(sandbox, "authorization_code", row and row["tenant_id"], failure, answer)


def _refresh(sandbox: Sandbox, client_id: str, refresh_token: str) -> dict:
    answer = None
    with transaction(sandbox.pool) as conn:
        row = grants.take_refresh_token(conn, refresh_token) if refresh_token else None
        failure = rules.refresh_refused(row, client_id)
        if not failure:
            grants.mark_refresh_used(conn, row["token_hash"])
            tenant_id, scopes = row["tenant_id"], row["scopes"]
            answer = _issue(sandbox, conn, client_id, tenant_id, scopes, grant_id=row["grant_id"])
    tenant_id = row and row["tenant_id"]
    answer = _outcome(sandbox, "refresh_token", tenant_id, failure, answer)
    sandbox.count("refreshes", tenant_id)
    return answer


def _client_credentials(sandbox: Sandbox, client_id: str, tenant_header: str) -> dict:
    if not tenant_header.strip().isdigit():
        sandbox.count("token_calls", None, "client_credentials")
        raise OAuthError(400, "invalid_request", "The TenantId header is missing or not a number")
    tenant_id, answer = int(tenant_header), None
    with transaction(sandbox.pool) as conn:
        consent = grants.active_consent(conn, client_id, tenant_id)
        if consent:
            answer = _issue(
                sandbox, conn, client_id, tenant_id, consent["scopes"], consent_id=consent["id"]
            )
    failure = None if consent else "No service-account consent for this tenant"
    return _outcome(sandbox, "client_credentials", tenant_id, failure, answer)


def migrate(sandbox: Sandbox, authorization: str | None, legacy_token: str) -> dict:
    """Exchange a legacy token for a JWT and refresh token; the legacy token dies at once."""
    sandbox.apply_fault("migrate")
    client_id = authenticate_client(sandbox, authorization)
    tenant_id, failure = None, None
    with transaction(sandbox.pool) as conn:
        row = tenants.find_legacy_token(conn, legacy_token, lock=True) if legacy_token else None
        tenant = tenants.get_tenant(conn, row["tenant_id"]) if row else None
        tenant_id = tenant["id"] if tenant else None
        if not legacy_token:
            failure = OAuthError(400, "invalid_request", "Could not create JWT")
        elif not row or row["revoked_at"] is not None:
            failure = OAuthError(404, "not_found", "Access-token not found")
        elif row["client_id"] != client_id:
            failure = OAuthError(
                403, "forbidden", "Not allowed to create JWT for given access-token"
            )
        elif not tenant["licensed"]:
            failure = OAuthError(
                403, "forbidden", "Not allowed to create JWT, due to missing license"
            )
        elif tenant["migrate_fails"]:
            failure = OAuthError(400, "bad_request", "Could not create JWT")
        else:
            tenants.kill_legacy_token(conn, row["token_hash"])
            answer = _issue_new_grant(sandbox, conn, client_id, tenant_id, row["scopes"])
    sandbox.count("migrate_calls", tenant_id, "ok" if failure is None else str(failure.status))
    if failure:
        raise failure
    return answer
