"""The test-control API under /_control/ (registered only when SANDBOX_CONTROL_ENABLED=true).

Protected by the client's own credentials (HTTP Basic, like the token endpoint). Lets tests
and benchmarks create accounts, inject faults, act as the customer, and read counters.
Consents (revoke, move to a service account) are in control_consents.py. Each view loads its
body with a schema (schemas.py), calls handlers/control.py and answers JSON.
"""

from flask import Blueprint, current_app, jsonify, request
from servicekit.web import ApiError, map_errors

from fortnox_sandbox import schemas
from fortnox_sandbox.domain.control import Conflict, InvalidAccount, UnknownTenant
from fortnox_sandbox.handlers import control
from fortnox_sandbox.handlers.tokens import authenticate_client

bp = Blueprint("control", __name__, url_prefix="/_control")
# The control API's refusals as HTTP answers (control_consents.py uses the same table).
ERRORS = {UnknownTenant: 404, Conflict: 409, InvalidAccount: 422}
map_errors(bp, ERRORS)


def sandbox():
    return current_app.extensions["fortnox_sandbox"]


@bp.before_request
def _only_the_client():
    authenticate_client(sandbox(), request.headers.get("Authorization"))


def load(schema: type[schemas.Body]) -> dict:
    """The JSON body as the schema reads it; no body reads as `{}`."""
    body = request.get_json(silent=True)
    if (body is None and request.content_length) or (
        body is not None and not isinstance(body, dict)
    ):
        raise ApiError(400, "invalid_json", "The body must be a JSON object.")
    return schema().load(body or {})


@bp.post("/faults")
def add_fault():
    return jsonify(id=control.add_fault(sandbox(), load(schemas.FaultIn))), 201


@bp.get("/faults")
def list_faults():
    return jsonify(faults=control.pending_faults(sandbox()))


@bp.delete("/faults")
def clear_faults():
    control.clear_faults(sandbox())
    return "", 204


@bp.post("/tenants")
def create_tenant():
    return jsonify(control.create_tenant(sandbox(), load(schemas.TenantIn))), 201


@bp.post("/tenants/bulk")
def create_tenants_bulk():
    spec = load(schemas.TenantsBulkIn)
    pairs = control.create_tenants_bulk(sandbox(), spec["count"], spec["legacy_tokens"])
    return jsonify(tenants=[{"tenant_id": t, "legacy_token": token} for t, token in pairs]), 201


@bp.post("/tenants/<int:tenant_id>/users")
def create_user(tenant_id: int):
    return jsonify(control.create_user(sandbox(), tenant_id, load(schemas.UserIn))), 201


@bp.post("/tenants/<int:tenant_id>/legacy-tokens")
def create_legacy_token(tenant_id: int):
    token = control.create_legacy_token(sandbox(), tenant_id, load(schemas.LegacyTokenIn))
    return jsonify(legacy_token=token), 201


@bp.post("/tenants/<int:tenant_id>/expire-tokens")
def expire_tokens(tenant_id: int):
    return jsonify(expired=control.expire_tokens(sandbox(), tenant_id))


@bp.post("/tenants/<int:tenant_id>/flags")
def set_flags(tenant_id: int):
    tenant = control.set_flags(sandbox(), tenant_id, load(schemas.FlagsIn))
    return jsonify(licensed=tenant["licensed"], migrate_fails=tenant["migrate_fails"])


@bp.post("/tenants/<int:tenant_id>/age")
def age(tenant_id: int):
    seconds = load(schemas.AgeIn)["seconds"]
    control.age(sandbox(), tenant_id, seconds)
    return jsonify(aged_seconds=seconds)


@bp.get("/tenants/<int:tenant_id>")
def tenant_state(tenant_id: int):
    return jsonify(control.tenant_state(sandbox(), tenant_id))


@bp.get("/counters")
def read_counters():
    raw_tenant = schemas.CountersQuery().load(request.args).get("tenant_id")
    return jsonify(control.counters(sandbox(), int(raw_tenant) if raw_tenant else None))


@bp.delete("/counters")
def reset_counters():
    control.reset_counters(sandbox())
    return "", 204


@bp.post("/redirect-uris")
def add_redirect_uri():
    uri = load(schemas.RedirectUriIn)["uri"]
    control.add_redirect_uri(sandbox(), uri)
    return jsonify(uri=uri), 201
