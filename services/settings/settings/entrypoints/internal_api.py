"""The settings service's internal HTTP API (documented in entrypoints/api.py)."""

import uuid

from flask import Blueprint, current_app, jsonify, request
from servicekit.web import ApiError, error_response, require_internal_key

from settings import schemas
from settings.adapters.tokens import TokensUnavailable
from settings.bootstrap import SettingsContext
from settings.domain.payment import InvalidPaymentMethod
from settings.handlers import company, payment


def _ctx() -> SettingsContext:
    return current_app.extensions["settings"]


def _org(org_id: str) -> str:
    try:
        return str(uuid.UUID(org_id))
    except ValueError:
        raise ApiError(
            422, "invalid_input", "The input is not valid.", {"org_id": ["Not a valid UUID."]}
        ) from None


def _payment_method(row: dict | None) -> dict:
    return schemas.PaymentMethodOut().dump(row) if row else {"configured": False}


def _company(info) -> dict:
    return schemas.CompanyOut().dump(info) if info else {"known": False}


def build_blueprint(internal_key: str) -> Blueprint:
    bp = Blueprint("internal", __name__, url_prefix="/internal/organisations/<org_id>")
    require_internal_key(bp, internal_key)

    @bp.errorhandler(InvalidPaymentMethod)
    def _invalid(exc: InvalidPaymentMethod):
        return error_response(422, "invalid_input", "The payment method is not valid.", exc.fields)

    @bp.get("")
    def overview(org_id: str):
        org_id = _org(org_id)
        return jsonify(
            org_id=org_id,
            payment_method=_payment_method(payment.current(_ctx(), org_id)),
            company=_company(company.current(_ctx(), org_id)),
        )

    @bp.get("/payment-method")
    def get_payment_method(org_id: str):
        return jsonify(_payment_method(payment.current(_ctx(), _org(org_id))))

    @bp.put("/payment-method")
    def put_payment_method(org_id: str):
        org_id = _org(org_id)
        body = schemas.PaymentMethodIn().load(request.get_json(silent=True) or {})
        changed_by = body.pop("changed_by")
        row, changed = payment.change(_ctx(), org_id, body, changed_by)
        return jsonify(_payment_method(row) | {"changed": changed})

    @bp.get("/payment-method/history")
    def payment_method_history(org_id: str):
        entries = payment.history(_ctx(), _org(org_id))
        return jsonify(entries=schemas.PaymentMethodOut(many=True).dump(entries))

    @bp.get("/company")
    def get_company(org_id: str):
        return jsonify(_company(company.current(_ctx(), _org(org_id))))

    @bp.post("/company/rebuild")
    def rebuild_company(org_id: str):
        try:
            info = company.rebuild(_ctx(), _org(org_id))
        except TokensUnavailable as exc:
            raise ApiError(503, "tokens_unavailable", str(exc)) from None
        return jsonify(_company(info))

    return bp
