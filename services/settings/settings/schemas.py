"""Marshmallow schemas of the settings service's internal HTTP API."""

from marshmallow import EXCLUDE, Schema, fields, validate

from settings.domain.payment import LABELS, METHODS, PaymentMethod


class _In(Schema):
    class Meta:
        unknown = EXCLUDE


_text = validate.Length(max=40)


class PaymentMethodIn(_In):
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    number = fields.String(load_default=None, allow_none=True, validate=_text)
    clearing_number = fields.String(load_default=None, allow_none=True, validate=_text)
    account_number = fields.String(load_default=None, allow_none=True, validate=_text)
    changed_by = fields.String(required=True, validate=validate.Length(min=1, max=200))


def _method(row: dict) -> PaymentMethod:
    return PaymentMethod(row["method"], row["number"], row["clearing_number"], row["bank_name"])


class PaymentMethodOut(Schema):
    configured = fields.Function(lambda row: True)
    method = fields.String()
    label = fields.Function(lambda row: LABELS[row["method"]])
    number = fields.Function(
        lambda row: row["number"] if row["method"] != "bank_account" else None, allow_none=True
    )
    clearing_number = fields.String(allow_none=True)
    account_number = fields.Function(
        lambda row: row["number"] if row["method"] == "bank_account" else None, allow_none=True
    )
    bank_name = fields.String(allow_none=True)
    display = fields.Function(lambda row: _method(row).display)
    revision = fields.Integer()
    changed_by = fields.String()
    changed_at = fields.AwareDateTime()


class CompanyOut(Schema):
    known = fields.Function(lambda info: True)
    company_name = fields.String(allow_none=True)
    organisation_number = fields.String(allow_none=True)
    database_number = fields.String(allow_none=True)
    version = fields.Integer()
    as_of = fields.AwareDateTime()
    source = fields.String()
