"""Marshmallow schemas of the settings service's internal HTTP API."""

from marshmallow import EXCLUDE, Schema, fields, validate

from settings.domain.payment import LABELS, METHODS, PaymentMethod


class _In(Schema):
    class Meta:
        unknown = EXCLUDE


_text = validate.Length(max=40)


class PaymentMethodIn(_In):
    """The payment method to save: `number` for bankgiro and plusgiro, `clearing_number` and
    `account_number` for a bank account. Spaces and dashes are allowed in numbers."""

    method = fields.String(
        required=True, validate=validate.OneOf(METHODS), metadata={"example": "bankgiro"}
    )
    number = fields.String(
        load_default=None, allow_none=True, validate=_text, metadata={"example": "160-9908"}
    )
    clearing_number = fields.String(load_default=None, allow_none=True, validate=_text)
    account_number = fields.String(load_default=None, allow_none=True, validate=_text)


def _method(row: dict) -> PaymentMethod:
    return PaymentMethod(row["method"], row["number"], row["clearing_number"], row["bank_name"])


_boolean, _string = {"type": "boolean"}, {"type": "string"}  # apispec adds null for allow_none


class PaymentMethodOut(Schema):
    """A saved payment method; `{"configured": false}` alone when none was ever saved."""

    configured = fields.Function(lambda row: True, metadata=_boolean)
    method = fields.String()
    label = fields.Function(lambda row: LABELS[row["method"]], metadata=_string)
    number = fields.Function(
        lambda row: row["number"] if row["method"] != "bank_account" else None,
        allow_none=True,
        metadata=_string,
    )
    clearing_number = fields.String(allow_none=True)
    account_number = fields.Function(
        lambda row: row["number"] if row["method"] == "bank_account" else None,
        allow_none=True,
        metadata=_string,
    )
    bank_name = fields.String(allow_none=True)
    display = fields.Function(lambda row: _method(row).display, metadata=_string)
    revision = fields.Integer()
    changed_by = fields.String()
    changed_at = fields.AwareDateTime()


class PaymentMethodSaved(PaymentMethodOut):
    changed = fields.Boolean(
        metadata={"description": "False when it was already saved so (nothing was published)."}
    )


class PaymentMethodHistory(Schema):
    entries = fields.List(
        fields.Nested(PaymentMethodOut), metadata={"description": "Newest first."}
    )


class CompanyOut(Schema):
    """The company as the tokens service last told it; `{"known": false}` alone before that."""

    known = fields.Function(lambda info: True, metadata=_boolean)
    company_name = fields.String(allow_none=True)
    organisation_number = fields.String(allow_none=True)
    database_number = fields.String(allow_none=True)
    version = fields.Integer()
    as_of = fields.AwareDateTime()
    source = fields.String()


class Overview(Schema):
    """What the settings page needs in one answer."""

    org_id = fields.UUID()
    payment_method = fields.Nested(PaymentMethodOut)
    company = fields.Nested(CompanyOut)
