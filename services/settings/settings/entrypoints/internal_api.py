"""The settings service's internal HTTP API, called by the gateway with its own credential.

Described in OpenAPI at /openapi.json from the schemas and docstrings below. ALLOWED says which
caller may call which route; saving the payment method also needs auth's assertion that an
administrator of the organisation does it."""

from flask import Blueprint, current_app, jsonify, request
from servicekit import assertions, callers, openapi
from servicekit.web import map_errors, valid_org_id

from settings import schemas
from settings.domain.errors import TokensUnavailable
from settings.domain.payment import InvalidPaymentMethod
from settings.handlers import Services, company, payment

# Built once: a schema costs more to build than the overview's queries take, and dumping and
# loading do not change it, so the threads of a worker share them.
_PAYMENT_METHOD_OUT = schemas.PaymentMethodOut()
_PAYMENT_METHOD_IN = schemas.PaymentMethodIn()
_PAYMENT_METHOD_SAVED = schemas.PaymentMethodSaved()
_HISTORY_OUT = schemas.PaymentMethodOut(many=True)
_COMPANY_OUT = schemas.CompanyOut()


def _svc() -> Services:
    return current_app.extensions["settings"]


def _payment_method(row: dict | None) -> dict:
    return _PAYMENT_METHOD_OUT.dump(row) if row else {"configured": False}


def _company(info) -> dict:
    return _COMPANY_OUT.dump(info) if info else {"known": False}


DESCRIPTION = """The settings service keeps each organisation's payment method, with who saved it
and when, and the company as the tokens service last told it. The gateway calls it with its own
credential, operators may rebuild the company. Saving the payment method needs auth's assertion
that an administrator of the organisation does it."""


# The settings service's errors as HTTP answers.
ERRORS = {InvalidPaymentMethod: 422, TokensUnavailable: 503}

_GATEWAY = frozenset({"gateway"})
# Which caller may call which route (view name -> callers); a route not listed is refused.
ALLOWED = {
    "overview": _GATEWAY,
    "get_payment_method": _GATEWAY,
    "put_payment_method": _GATEWAY,
    "payment_method_history": _GATEWAY,
    "get_company": _GATEWAY,
    "rebuild_company": frozenset({"operator"}),
}


def build_blueprint(credentials: dict[str, str]) -> Blueprint:
    bp = Blueprint("internal", __name__, url_prefix="/internal/organisations/<org_id>")
    callers.guard(bp, credentials, ALLOWED)
    map_errors(bp, ERRORS)

    @bp.get("")
    @openapi.org_operation(responses={200: schemas.Overview})
    def overview(org_id: str):
        """The payment method and the company in one answer (what the settings page needs)."""
        org_id = valid_org_id(org_id)
        payment_method, company_info = company.overview(_svc(), org_id)
        return jsonify(
            org_id=org_id,
            payment_method=_payment_method(payment_method),
            company=_company(company_info),
        )

    @bp.get("/payment-method")
    @openapi.org_operation(responses={200: schemas.PaymentMethodOut})
    def get_payment_method(org_id: str):
        """The saved payment method, or `{"configured": false}`."""
        return jsonify(_payment_method(payment.current(_svc(), valid_org_id(org_id))))

    @bp.put("/payment-method")
    @openapi.org_operation(
        body=schemas.PaymentMethodIn, responses={200: schemas.PaymentMethodSaved}
    )
    def put_payment_method(org_id: str):
        """Save the payment method, checked as the banks check it.

        A number that fails the bank's rules is refused with 422 and a Swedish message per
        field (`number`, `clearing_number`, `account_number`, `method`); nothing is saved.
        Saving what is already saved changes nothing and answers `changed: false`. Only an
        administrator of the organisation saves, as auth's assertion (`X-Action-Assertion`,
        action `settings.save_payment_method`) vouches; the history names them."""
        org_id = valid_org_id(org_id)
        who = assertions.required(
            current_app.config["ACTION_VERIFY_KEYS"],
            "settings.save_payment_method",
            org_id,
            admin=True,
        )
        body = _PAYMENT_METHOD_IN.load(request.get_json(silent=True) or {})
        row, changed = payment.change(_svc(), org_id, body, f"user:{who['user_id']}")
        return jsonify(_PAYMENT_METHOD_SAVED.dump(row | {"changed": changed}))

    @bp.get("/payment-method/history")
    @openapi.org_operation(responses={200: schemas.PaymentMethodHistory})
    def payment_method_history(org_id: str):
        """Every saved payment method with who saved it and when, newest first."""
        entries = payment.history(_svc(), valid_org_id(org_id))
        return jsonify(entries=_HISTORY_OUT.dump(entries))

    @bp.get("/company")
    @openapi.org_operation(responses={200: schemas.CompanyOut})
    def get_company(org_id: str):
        """The company as the tokens service last told it, or `{"known": false}`."""
        return jsonify(_company(company.current(_svc(), valid_org_id(org_id))))

    @bp.post("/company/rebuild")
    @openapi.org_operation(responses={200: schemas.CompanyOut}, errors=(503,))
    def rebuild_company(org_id: str):
        """Ask the tokens service for the company again and keep its answer.

        503 `tokens_unavailable` when the tokens service cannot be asked."""
        return jsonify(_company(company.rebuild(_svc(), valid_org_id(org_id))))

    return bp
