"""The test-control API under /_control/ (registered only when SANDBOX_CONTROL_ENABLED=true).

Protected by the client's own credentials (HTTP Basic, like the token endpoint). Lets tests
and benchmarks create accounts, inject faults, act as the customer, and read counters.
Consents (revoke, move to a service account) are in control_consents.py.
"""

from flask import Blueprint, current_app, jsonify, request
from servicekit.db import transaction
from servicekit.web import ApiError as BadInput

from fortnox_sandbox.adapters import control, grants, tenants
from fortnox_sandbox.handlers import accounts
from fortnox_sandbox.handlers.tokens import authenticate_client

bp = Blueprint("control", __name__, url_prefix="/_control")
LABELLED = ("token_calls", "invalid_grant", "migrate_calls", "faults_served")
PLAIN = ("refreshes", "companyinformation_calls", "revoke_calls", "rate_limited")


def _sandbox():
    return current_app.extensions["fortnox_sandbox"]


@bp.before_request
def _only_the_client():
    authenticate_client(_sandbox(), request.headers.get("Authorization"))


def _body() -> dict:
    body = request.get_json(silent=True)
    if body is None and request.content_length:
        raise BadInput(400, "invalid_json", "The body must be a JSON object.")
    if body is not None and not isinstance(body, dict):
        raise BadInput(400, "invalid_json", "The body must be a JSON object.")
    return body or {}


def _number(body: dict, name: str, default=None, *, kind=int, minimum=0):
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise BadInput(
            422,
            "invalid_input",
            "The input is not valid.",
            {name: [f"must be a number >= {minimum}"]},
        )
    return kind(value)


def _tenant_or_404(conn, tenant_id: int) -> dict:
    tenant = tenants.get_tenant(conn, tenant_id)
    if not tenant:
        raise BadInput(404, "not_found", f"No tenant {tenant_id}.")
    return tenant


@bp.post("/faults")
def add_fault():
    body = _body()
    endpoint = body.get("endpoint")
    status = _number(body, "status")
    hang = _number(body, "hang_seconds", kind=float)
    shape, error = body.get("body") or "", body.get("error") or ""
    errors = {}
    if endpoint not in control.FAULT_ENDPOINTS:
        errors["endpoint"] = [f"one of {', '.join(control.FAULT_ENDPOINTS)}"]
    if status is not None and not (400 <= status <= 599 or (status == 200 and shape)):
        errors["status"] = ["400-599, or 200 with a body (a malformed answer)"]
    if status is None and not hang:
        errors["status"] = ["give a status, hang_seconds, or both"]
    if shape not in control.FAULT_BODIES:
        errors["body"] = [f"one of {', '.join(repr(b) for b in control.FAULT_BODIES)}"]
    if not isinstance(error, str) or len(error) > 100:
        errors["error"] = ["an OAuth error or an ErrorInformation code, at most 100 characters"]
    if errors:
        raise BadInput(422, "invalid_input", "The input is not valid.", errors)
    with transaction(_sandbox().pool) as conn:
        fault_id = control.insert_fault(
            conn,
            endpoint=endpoint,
            count=_number(body, "count", 1, minimum=1),
            status=status,
            retry_after=_number(body, "retry_after"),
            hang_seconds=hang,
            body=shape,
            error=error,
        )
    return jsonify(id=fault_id), 201


@bp.get("/faults")
def list_faults():
    with transaction(_sandbox().pool) as conn:
        return jsonify(faults=control.pending_faults(conn))


@bp.delete("/faults")
def clear_faults():
    with transaction(_sandbox().pool) as conn:
        control.clear_faults(conn)
    return "", 204


@bp.post("/tenants")
def create_tenant():
    body = _body()
    sandbox = _sandbox()
    fields = ("company_name", "organization_number", "address", "zip_code", "city")
    users = body.get("users") or []
    if not isinstance(users, list) or any(
        not isinstance(u, dict) or not u.get("password") for u in users
    ):
        raise BadInput(
            422,
            "invalid_input",
            "The input is not valid.",
            {"users": ["a list of objects, each with a password"]},
        )
    allowed_user_keys = {"username", "password", "full_name", "system_admin"}
    tenant_id = _number(body, "tenant_id", minimum=1)
    with transaction(sandbox.pool) as conn:
        if tenant_id and tenants.get_tenant(conn, tenant_id):
            raise BadInput(409, "conflict", "That tenant exists already.")
        try:
            created = accounts.create_tenant(
                conn,
                client_id=sandbox.client.client_id,
                scopes=body.get("scopes") or sandbox.client.default_scopes,
                tenant_id=tenant_id,
                users=[{k: v for k, v in u.items() if k in allowed_user_keys} for u in users],
                legacy_token=bool(body.get("legacy_token", True)),
                **{k: body[k] for k in fields if body.get(k)},
            )
        except ValueError as exc:
            raise BadInput(422, "invalid_input", str(exc)) from exc
    return jsonify(created), 201


@bp.post("/tenants/bulk")
def create_tenants_bulk():
    body = _body()
    sandbox = _sandbox()
    count = _number(body, "count", minimum=1)
    if not count:
        raise BadInput(422, "invalid_input", "The input is not valid.", {"count": ["required"]})
    with transaction(sandbox.pool) as conn:
        pairs = accounts.create_tenants_bulk(
            conn,
            count=count,
            client_id=sandbox.client.client_id,
            scopes=sandbox.client.default_scopes,
            legacy_tokens=bool(body.get("legacy_tokens", True)),
        )
    return jsonify(tenants=[{"tenant_id": t, "legacy_token": token} for t, token in pairs]), 201


@bp.post("/tenants/<int:tenant_id>/users")
def create_user(tenant_id: int):
    body = _body()
    if not body.get("password"):
        raise BadInput(422, "invalid_input", "The input is not valid.", {"password": ["required"]})
    with transaction(_sandbox().pool) as conn:
        _tenant_or_404(conn, tenant_id)
        try:
            user = accounts.create_user(
                conn,
                tenant_id,
                username=body.get("username"),
                password=body["password"],
                full_name=body.get("full_name") or "Test Användare",
                system_admin=bool(body.get("system_admin", True)),
            )
        except ValueError as exc:
            raise BadInput(422, "invalid_input", str(exc)) from exc
    return jsonify(user), 201


@bp.post("/tenants/<int:tenant_id>/legacy-tokens")
def create_legacy_token(tenant_id: int):
    body = _body()
    sandbox = _sandbox()
    with transaction(sandbox.pool) as conn:
        _tenant_or_404(conn, tenant_id)
        token = tenants.insert_legacy_token(
            conn,
            tenant_id=tenant_id,
            client_id=body.get("client_id") or sandbox.client.client_id,
            scopes=body.get("scopes") or sandbox.client.default_scopes,
        )
    return jsonify(legacy_token=token), 201


@bp.post("/tenants/<int:tenant_id>/expire-tokens")
def expire_tokens(tenant_id: int):
    with transaction(_sandbox().pool) as conn:
        _tenant_or_404(conn, tenant_id)
        expired = control.expire_access_tokens(conn, tenant_id)
    return jsonify(expired=expired)


@bp.post("/tenants/<int:tenant_id>/flags")
def set_flags(tenant_id: int):
    body = _body()
    with transaction(_sandbox().pool) as conn:
        _tenant_or_404(conn, tenant_id)
        tenants.set_flags(conn, tenant_id, body)
        tenant = tenants.get_tenant(conn, tenant_id)
    return jsonify(licensed=tenant["licensed"], migrate_fails=tenant["migrate_fails"])


@bp.post("/tenants/<int:tenant_id>/age")
def age(tenant_id: int):
    seconds = _number(_body(), "seconds", kind=float)
    if seconds is None:
        raise BadInput(422, "invalid_input", "The input is not valid.", {"seconds": ["required"]})
    with transaction(_sandbox().pool) as conn:
        _tenant_or_404(conn, tenant_id)
        control.age_tenant(conn, tenant_id, seconds)
    return jsonify(aged_seconds=seconds)


@bp.get("/tenants/<int:tenant_id>")
def tenant_state(tenant_id: int):
    sandbox = _sandbox()
    with transaction(sandbox.pool) as conn:
        tenant = _tenant_or_404(conn, tenant_id)
        legacy = tenants.legacy_tokens_of(conn, tenant_id)
        consent = grants.active_consent(conn, sandbox.client.client_id, tenant_id)
        live = conn.execute(
            "SELECT (SELECT count(*) FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id"
            "  WHERE r.tenant_id = %(t)s AND r.used_at IS NULL AND g.revoked_at IS NULL"
            "  AND r.expires_at > now()) AS refresh_tokens,"
            " (SELECT count(*) FROM access_tokens WHERE tenant_id = %(t)s"
            "  AND revoked_at IS NULL AND expires_at > now()) AS access_tokens",
            {"t": tenant_id},
        ).fetchone()
    return jsonify(
        tenant_id=tenant_id,
        company_name=tenant["company_name"],
        organization_number=tenant["organization_number"],
        licensed=tenant["licensed"],
        migrate_fails=tenant["migrate_fails"],
        legacy_tokens={
            "live": sum(r["revoked_at"] is None for r in legacy),
            "dead": sum(r["revoked_at"] is not None for r in legacy),
        },
        consent_active=consent is not None,
        live_refresh_tokens=live["refresh_tokens"],
        live_access_tokens=live["access_tokens"],
    )


@bp.get("/counters")
def read_counters():
    raw_tenant = request.args.get("tenant_id")
    if raw_tenant is not None and not raw_tenant.isdigit():
        raise BadInput(
            422, "invalid_input", "The input is not valid.", {"tenant_id": ["must be a number"]}
        )
    with transaction(_sandbox().pool) as conn:
        rows = control.read_counters(conn, int(raw_tenant) if raw_tenant else None)
    result = {name: {"total": 0} for name in LABELLED} | {name: 0 for name in PLAIN}
    for row in rows:
        if row["name"] in LABELLED:
            result[row["name"]][row["label"]] = (
                result[row["name"]].get(row["label"], 0) + row["value"]
            )
            result[row["name"]]["total"] += row["value"]
        else:
            result[row["name"]] = result.get(row["name"], 0) + row["value"]
    return jsonify(result)


@bp.delete("/counters")
def reset_counters():
    with transaction(_sandbox().pool) as conn:
        control.reset_counters(conn)
    return "", 204


@bp.post("/redirect-uris")
def add_redirect_uri():
    uri = _body().get("uri", "")
    if not isinstance(uri, str) or not uri.startswith(("http://", "https://")):
        raise BadInput(422, "invalid_input", "The input is not valid.", {"uri": ["an http(s) URL"]})
    with transaction(_sandbox().pool) as conn:
        control.add_redirect_uri(conn, uri)
    return jsonify(uri=uri), 201
