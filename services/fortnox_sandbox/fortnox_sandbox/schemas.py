"""Marshmallow schemas of the test-control API's bodies (entrypoints/control*.py).

Unknown keys are ignored, as they always were; a refusal names each field with its reason.
"""

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validates_schema,
)
from marshmallow.validate import Length, OneOf

from fortnox_sandbox.domain.control import FAULT_BODIES, FAULT_ENDPOINTS

USER_KEYS = ("username", "password", "full_name", "system_admin")
COMPANY_KEYS = ("company_name", "organization_number", "address", "zip_code", "city")


class Amount(fields.Field):
    """A JSON number (never a boolean) of at least `minimum`, as `kind`."""

    def __init__(self, *, kind: type = int, minimum: int = 0, **kwargs):
        kwargs.setdefault("allow_none", True)
        if not kwargs.get("required"):
            kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)
        self.kind, self.minimum = kind, minimum

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < self.minimum:
            raise ValidationError(f"must be a number >= {self.minimum}")
        return self.kind(value)


REQUIRED = {"required": "required", "null": "required"}


def refuse_unless(holds, message: str):
    """A validator: the value passes when `holds(value)`, else `message` names what it must be."""

    def validate(value) -> None:
        if not holds(value):
            raise ValidationError(message)

    return validate


class Body(Schema):
    class Meta:
        unknown = EXCLUDE


_ENDPOINT = f"one of {', '.join(FAULT_ENDPOINTS)}"
_BODY = f"one of {', '.join(repr(b) for b in FAULT_BODIES)}"
_ERROR = "an OAuth error or an ErrorInformation code, at most 100 characters"


class FaultIn(Body):
    endpoint = fields.String(
        required=True,
        validate=OneOf(FAULT_ENDPOINTS, error=_ENDPOINT),
        error_messages={"required": _ENDPOINT, "invalid": _ENDPOINT, "null": _ENDPOINT},
    )
    status = Amount()
    hang_seconds = Amount(kind=float)
    count = Amount(minimum=1, load_default=1)
    retry_after = Amount()
    body = fields.String(
        validate=OneOf(FAULT_BODIES, error=_BODY), error_messages={"invalid": _BODY}
    )
    error = fields.String(
        validate=Length(max=100, error=_ERROR), error_messages={"invalid": _ERROR}
    )

    @pre_load
    def _absent_as_empty(self, data, **kwargs):
        """A missing or empty `body` is the endpoint's own shape; a missing `error` is none."""
        return {**data, "body": data.get("body") or "", "error": data.get("error") or ""}

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _status_fits(self, data, original, **kwargs):
        if "status" not in data and original.get("status") is not None:
            return  # refused as a number already
        status = data.get("status")
        if status is not None and not (
            400 <= status <= 599 or (status == 200 and data.get("body"))
        ):
            raise ValidationError("400-599, or 200 with a body (a malformed answer)", "status")
        if status is None and not data.get("hang_seconds"):
            raise ValidationError("give a status, hang_seconds, or both", "status")


def _users(users) -> None:
    if not isinstance(users, list) or any(
        not isinstance(u, dict) or not u.get("password") for u in users
    ):
        raise ValidationError("a list of objects, each with a password")


class TenantIn(Body):
    tenant_id = Amount(minimum=1)
    users = fields.Raw(load_default=list, validate=_users)
    scopes = fields.Raw()
    legacy_token = fields.Raw(load_default=True)
    company_name = fields.Raw()
    organization_number = fields.Raw()
    address = fields.Raw()
    zip_code = fields.Raw()
    city = fields.Raw()

    @pre_load
    def _no_users_as_empty(self, data, **kwargs):
        return {**data, "users": data.get("users") or []}

    @post_load
    def _accounts(self, data, **kwargs):
        """Users with only the keys a user has; the company's facts that are given."""
        users = [{k: v for k, v in u.items() if k in USER_KEYS} for u in data["users"]]
        company = {k: data[k] for k in COMPANY_KEYS if data.get(k)}
        return {**data, "users": users, "company": company}


class TenantsBulkIn(Body):
    count = Amount(minimum=1, required=True, allow_none=False, error_messages=REQUIRED)
    legacy_tokens = fields.Raw(load_default=True)


class UserIn(Body):
    password = fields.Raw(
        required=True, validate=refuse_unless(bool, "required"), error_messages=REQUIRED
    )
    username = fields.Raw()
    full_name = fields.Raw()
    system_admin = fields.Raw(load_default=True)


class LegacyTokenIn(Body):
    client_id = fields.Raw()
    scopes = fields.Raw()


class FlagsIn(Body):
    licensed = fields.Raw()
    migrate_fails = fields.Raw()


class AgeIn(Body):
    seconds = Amount(kind=float, required=True, allow_none=False, error_messages=REQUIRED)


_URL = "an http(s) URL"


class RedirectUriIn(Body):
    uri = fields.String(
        required=True,
        validate=refuse_unless(lambda uri: uri.startswith(("http://", "https://")), _URL),
        error_messages=dict.fromkeys(("invalid", "null", "required"), _URL),
    )


class CountersQuery(Body):
    tenant_id = fields.String(
        validate=refuse_unless(str.isdigit, "must be a number"),
        error_messages={"invalid": "must be a number"},
    )
