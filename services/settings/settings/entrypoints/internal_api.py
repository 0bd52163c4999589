"""The settings service's internal HTTP API, called by the gateway with the internal key.

Described in OpenAPI at /openapi.json from the schemas and docstrings below. Only the gateway
decides who may call what (administrators save the payment method)."""

import uuid

from flask import Blueprint, current_app, jsonify, request
from servicekit import openapi
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


DESCRIPTION = """The settings service keeps each organisation's payment method, with who saved it
and when, and the company as the tokens service last told it. Only the gateway calls it, with the
internal key; the gateway decides who may do what (administrators save the payment method)."""

# Every route is under the organisation; a malformed id is refused with 422 naming `org_id`.
ORG = {"org_id": {"format": "uuid", "description": "The organisation (the auth service's id)."}}


def _documented(**described):
    return openapi.operation(path=ORG, errors=(422, *described.pop("errors", ())), **described)


def build_blueprint(internal_key: str) -> Blueprint:
    bp = Blueprint("internal", __name__, url_prefix="/internal/organisations/<org_id>")
    require_internal_key(bp, internal_key)

    @bp.errorhandler(InvalidPaymentMethod)
    def _invalid(exc: InvalidPaymentMethod):
        return error_response(422, "invalid_input", "The payment method is not valid.", exc.fields)

    @bp.get("")
    @_documented(responses={200: schemas.Overview})
    def overview(org_id: str):
        """The payment method and the company in one answer (what the settings page needs)."""
        org_id = _org(org_id)
        return jsonify(
            org_id=org_id,
            payment_method=_payment_method(payment.current(_ctx(), org_id)),
            company=_company(company.current(_ctx(), org_id)),
        )

    @bp.get("/payment-method")
    @_documented(responses={200: schemas.PaymentMethodOut})
    def get_payment_method(org_id: str):
        """The saved payment method, or `{"configured": false}`."""
        return jsonify(_payment_method(payment.current(_ctx(), _org(org_id))))

    @bp.put("/payment-method")
    @_documented(body=schemas.PaymentMethodIn, responses={200: schemas.PaymentMethodSaved})
    def put_payment_method(org_id: str):
        """Save the payment method, checked as the banks check it.

        A number that fails the bank's rules is refused with 422 and a Swedish message per
        field (`number`, `clearing_number`, `account_number`, `method`); nothing is saved.
        Saving what is already saved changes nothing and answers `changed: false`."""
        org_id = _org(org_id)
        body = schemas.PaymentMethodIn().load(request.get_json(silent=True) or {})
        changed_by = body.pop("changed_by")
        row, changed = payment.change(_ctx(), org_id, body, changed_by)
        return jsonify(schemas.PaymentMethodSaved().dump(row | {"changed": changed}))

    @bp.get("/payment-method/history")
    @_documented(responses={200: schemas.PaymentMethodHistory})
    def payment_method_history(org_id: str):
        """Every saved payment method with who saved it and when, newest first."""
        entries = payment.history(_ctx(), _org(org_id))
        return jsonify(entries=schemas.PaymentMethodOut(many=True).dump(entries))

    @bp.get("/company")
    @_documented(responses={200: schemas.CompanyOut})
    def get_company(org_id: str):
        """The company as the tokens service last told it, or `{"known": false}`."""
        return jsonify(_company(company.current(_ctx(), _org(org_id))))

    @bp.post("/company/rebuild")
    @_documented(responses={200: schemas.CompanyOut}, errors=(503,))
    def rebuild_company(org_id: str):
        """Ask the tokens service for the company again and keep its answer.

        503 `tokens_unavailable` when the tokens service cannot be asked."""
        try:
            info = company.rebuild(_ctx(), _org(org_id))
        except TokensUnavailable as exc:
            raise ApiError(503, "tokens_unavailable", str(exc)) from None
        return jsonify(_company(info))

    return bp
