"""Test control of service-account consents, under /_control/ like the rest of the control API:
the customer withdrawing the integration, and Fortnox moving a refresh-token customer to
client credentials without the customer's action."""

from flask import Blueprint, jsonify, request
from servicekit.db import transaction
from servicekit.web import ApiError as BadInput

from fortnox_sandbox.adapters import control
from fortnox_sandbox.entrypoints.control import _sandbox, _tenant_or_404
from fortnox_sandbox.handlers.tokens import authenticate_client

bp = Blueprint("control_consents", __name__, url_prefix="/_control")


@bp.before_request
def _only_the_client():
    authenticate_client(_sandbox(), request.headers.get("Authorization"))


@bp.post("/tenants/<int:tenant_id>/revoke-consent")
def revoke_consent(tenant_id: int):
    sandbox = _sandbox()
    with transaction(sandbox.pool) as conn:
        _tenant_or_404(conn, tenant_id)
        control.revoke_tenant_consent(conn, sandbox.client.client_id, tenant_id)
    return jsonify(revoked=True)


@bp.post("/tenants/<int:tenant_id>/service-account")
def move_to_service_account(tenant_id: int):
    """Fortnox "automatically creates and stores a customer consent that matches the scopes you
    currently have for the existing token"; the refresh token keeps working until used up."""
    sandbox = _sandbox()
    with transaction(sandbox.pool) as conn:
        _tenant_or_404(conn, tenant_id)
        consent, created = control.consent_from_refresh_grant(
            conn, sandbox.client.client_id, tenant_id
        )
    if consent is None:
        raise BadInput(
            409, "conflict", f"Tenant {tenant_id} has no live refresh token of the client to move."
        )
    return jsonify(tenant_id=tenant_id, scopes=consent["scopes"], created=created), (
        201 if created else 200
    )
