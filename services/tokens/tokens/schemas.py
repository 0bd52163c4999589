"""Marshmallow schemas of the tokens service's internal HTTP API."""

from marshmallow import EXCLUDE, Schema, fields, validate


class _In(Schema):
    class Meta:
        unknown = EXCLUDE


_short = validate.Length(min=1, max=200)


class StartConnectIn(_In):
    user_id = fields.String(required=True, validate=_short)
    session_ref = fields.String(required=True, validate=_short)
    account_type = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(["", "service"])
    )


class CallbackIn(_In):
    state = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    error = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    error_description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=1000)
    )
    user_id = fields.String(required=True, validate=_short)
    session_ref = fields.String(required=True, validate=_short)


class ActorIn(_In):
    user_id = fields.String(load_default=None, allow_none=True, validate=_short)


class StartConnectOut(Schema):
    authorize_url = fields.String()
    expires_at = fields.AwareDateTime()
    account_type = fields.String()


class CompanyOut(Schema):
    company_name = fields.String(attribute="name")
    organisation_number = fields.String()
    database_number = fields.String()


class OutcomeOut(Schema):
    outcome = fields.String()
    message = fields.String()
    org_id = fields.String(allow_none=True)
    company = fields.Nested(CompanyOut, allow_none=True)
    reason = fields.Function(lambda outcome: outcome.detail.get("reason"))


class HandOutOut(Schema):
    access_token = fields.String()
    kind = fields.String()
    expires_at = fields.AwareDateTime(allow_none=True)


class StatusOut(Schema):
    org_id = fields.String()
    connected = fields.Boolean()
    state = fields.String()
    kind = fields.String()
    token_type = fields.String()
    legacy = fields.Boolean()
    access_token_valid = fields.Boolean()
    access_token_expires_at = fields.AwareDateTime(allow_none=True)
    company_name = fields.String(allow_none=True)
    organisation_number = fields.String(allow_none=True)
    database_number = fields.String(allow_none=True)
    health = fields.String()
    last_refresh_at = fields.AwareDateTime(allow_none=True)
    refresh_token_issued_at = fields.AwareDateTime(allow_none=True)
    last_failure_at = fields.AwareDateTime(allow_none=True)
    last_failure_reason = fields.String(allow_none=True)
    reauthorization_reason = fields.String(allow_none=True)
    migration_state = fields.String(allow_none=True)
    scopes = fields.String()


class CheckOut(Schema):
    ok = fields.Boolean()
    reason = fields.String()
    company = fields.Nested(CompanyOut, allow_none=True)


class DisconnectOut(Schema):
    state = fields.String()
    revoked_at_fortnox = fields.Boolean()
    reason = fields.String()


class AuditOut(Schema):
    at = fields.AwareDateTime()
    actor = fields.String()
    action = fields.String()
    outcome = fields.String()
    detail = fields.Dict()
