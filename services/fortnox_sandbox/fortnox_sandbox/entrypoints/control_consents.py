"""Test control of service-account consents, under /_control/ like the rest of the control API:
the customer withdrawing the integration, and Fortnox moving a refresh-token customer to
client credentials without the customer's action."""

from flask import Blueprint, jsonify, request
from servicekit.web import map_errors

from fortnox_sandbox.entrypoints.control import ERRORS, sandbox
from fortnox_sandbox.handlers import control
from fortnox_sandbox.handlers.tokens import authenticate_client

bp = Blueprint("control_consents", __name__, url_prefix="/_control")
map_errors(bp, ERRORS)


@bp.before_request
def _only_the_client():
    authenticate_client(sandbox(), request.headers.get("Authorization"))


@bp.post("/tenants/<int:tenant_id>/revoke-consent")
def revoke_consent(tenant_id: int):
    control.revoke_consent(sandbox(), tenant_id)
    return jsonify(revoked=True)


@bp.post("/tenants/<int:tenant_id>/service-account")
def move_to_service_account(tenant_id: int):
    consent, created = control.move_to_service_account(sandbox(), tenant_id)
    return jsonify(tenant_id=tenant_id, scopes=consent["scopes"], created=created), (
        201 if created else 200
    )
