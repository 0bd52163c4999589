"""The REST API's resources (`/3/...`): who is calling, the rate limit, the scopes, then the data."""

from dataclasses import dataclass

import jwt
from servicekit.db import transaction

from fortnox_sandbox.adapters import control, grants, tenants
from fortnox_sandbox.bootstrap import Sandbox
from fortnox_sandbox.domain.rules import RestError

INVALID_LOGIN = (2000310, "Ogiltig inloggning")
MISSING_LOGIN = (2000311, "Kan inte logga in, access-token eller client-secret saknas(2).")
MISSING_SCOPE = (2000663, "Har inte behörighet för scope")


@dataclass
class Caller:
    client_id: str
    tenant_id: int
    scopes: list[str]


def _unauthorized(code_message: tuple[int, str]) -> RestError:
    return RestError(401, *code_message)


def authenticate(sandbox: Sandbox, headers: dict) -> Caller:
    bearer = headers.get("Authorization", "")
    if bearer.lower().startswith("bearer "):
        return _bearer(sandbox, bearer[7:].strip())
    legacy, secret = headers.get("Access-Token"), headers.get("Client-Secret")
    if legacy and secret:
        return _legacy(sandbox, legacy, secret)
    raise _unauthorized(MISSING_LOGIN)


def _bearer(sandbox: Sandbox, token: str) -> Caller:
    try:
        claims = sandbox.signer.verify(token)
    except jwt.InvalidTokenError as exc:
        raise _unauthorized(INVALID_LOGIN) from exc
    with transaction(sandbox.pool) as conn:
        row = grants.live_access_token(conn, claims["jti"])
    if not row or row["client_id"] != sandbox.client.client_id:
        raise _unauthorized(INVALID_LOGIN)
    return Caller(row["client_id"], row["tenant_id"], list(row["scopes"]))


def _legacy(sandbox: Sandbox, token: str, secret: str) -> Caller:
    with transaction(sandbox.pool) as conn:
        row = tenants.find_legacy_token(conn, token)
    if (
        not row
        or row["revoked_at"] is not None
        or row["client_id"] != sandbox.client.client_id
        or not sandbox.client.secret_matches(secret)
    ):
        raise _unauthorized(INVALID_LOGIN)
    return Caller(row["client_id"], row["tenant_id"], list(row["scopes"]))


def admit(sandbox: Sandbox, caller: Caller, scope: str) -> None:
    """Apply the rate limit (per client and tenant), then the scope check."""
    with transaction(sandbox.pool) as conn:
        wait = control.hit_rate_limit(conn, caller.client_id, caller.tenant_id)
    if wait is not None:
        sandbox.count("rate_limited", caller.tenant_id)
        raise RestError(429, 0, "Too Many Requests", {"Retry-After": str(wait)})
    if scope not in caller.scopes:
        raise RestError(403, *MISSING_SCOPE)


def company_information(sandbox: Sandbox, headers: dict) -> dict:
    sandbox.apply_fault("companyinformation")
    caller = authenticate(sandbox, headers)
    admit(sandbox, caller, "companyinformation")
    sandbox.count("companyinformation_calls", caller.tenant_id)
    with transaction(sandbox.pool) as conn:
        tenant = tenants.get_tenant(conn, caller.tenant_id)
    return {
        "CompanyInformation": {
            "Address": tenant["address"],
            "City": tenant["city"],
            "CountryCode": tenant["country_code"],
            "DatabaseNumber": tenant["id"],
            "CompanyName": tenant["company_name"],
            "OrganizationNumber": tenant["organization_number"],
            "VisitAddress": tenant["address"],
            "VisitCity": tenant["city"],
            "VisitCountryCode": tenant["country_code"],
            "VisitZipCode": tenant["zip_code"],
            "ZipCode": tenant["zip_code"],
        }
    }
