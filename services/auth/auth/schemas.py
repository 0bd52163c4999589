"""Marshmallow schemas of the auth service's internal HTTP API, for its OpenAPI document.

The handlers check the input themselves (Swedish messages per field, and a link's token before
the form), so these describe rather than load: `required` marks what is refused with 422 naming
the field when missing. The views' test (tests/test_openapi.py) holds them to what the routes
accept and answer. Unknown fields are ignored; a field that is not a string counts as empty.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from auth.domain import passwords
from auth.domain.fields import COMPANY_MAX, EMAIL_MAX, IDENTIFIER_MAX, NAME_MAX
from auth.handlers.links import MAX_TOKEN
from auth.handlers.organisation import ROLES
from auth.handlers.sessions import MAX_SESSION_TOKEN


class _In(Schema):
    class Meta:
        unknown = EXCLUDE


def _text(max_length: int, example: str | None = None, *, required: bool = False, **metadata):
    if example is not None:
        metadata["example"] = example
    length = validate.Length(max=max_length)
    return fields.String(required=required, validate=length, metadata=metadata)


def _password(example: str, **metadata):
    length = validate.Length(min=passwords.MIN_LENGTH, max=passwords.MAX_LENGTH)
    return fields.String(required=True, validate=length, metadata={"example": example, **metadata})


_CLIENT_ADDRESS = {
    "description": "The person's IP address, as the gateway saw it: the limits count per address."
}
_TOKEN = {
    "description": "The token of the mailed link. A missing, unknown, used or expired one is "
    "answered 410 `token_invalid` (before the rest of the body is looked at)."
}


def _client_address():
    return _text(45, "198.51.100.7", **_CLIENT_ADDRESS)


class LoginIn(_In):
    """Log in with the user name (existing customers: the customer number) or the e-mail."""

    identifier = _text(IDENTIFIER_MAX, "900232", required=True)
    password = _text(passwords.MAX_LENGTH, "demo-resultat-finans", required=True)
    client_address = _client_address()


class LoginOut(Schema):
    session_token = fields.String(metadata={"description": "Secret: the session cookie's value."})
    user_id = fields.UUID()
    org_id = fields.UUID()


class SessionTokenIn(_In):
    session_token = _text(
        MAX_SESSION_TOKEN,
        description="A missing or unknown one is answered as a session that has ended.",
    )


class SessionOut(Schema):
    """Who the session belongs to."""

    user_id = fields.UUID()
    name = fields.String()
    email = fields.String()
    username = fields.String(allow_none=True)
    org_id = fields.UUID()
    org_name = fields.String()
    org_number = fields.String(
        allow_none=True, metadata={"description": "The organisation's own (NNNNNN-NNNN)."}
    )
    customer_number = fields.String(allow_none=True)
    role = fields.String(validate=validate.OneOf(ROLES))


class ChangePasswordIn(_In):
    current_password = _text(
        passwords.MAX_LENGTH,
        "demo-resultat-finans",
        required=True,
        description="Checked under the log-in limits; a wrong one is 422 "
        "`wrong_current_password` naming this field.",
    )
    new_password = _password("ett nytt långt lösenord")
    client_address = _client_address()


class PasswordChanged(Schema):
    session_token = fields.String(
        metadata={"description": "The session's new id: the old one no longer works."}
    )
    other_sessions_ended = fields.Integer()


class ResetRequestIn(_In):
    """Ask for a reset link; the answer is the same whether the account exists or not."""

    identifier = _text(IDENTIFIER_MAX, "kaisa@jlmdata.se", required=True)
    client_address = _client_address()


class Accepted(Schema):
    status = fields.String(validate=validate.OneOf(["accepted"]))


class TokenIn(_In):
    token = _text(MAX_TOKEN, **_TOKEN)


class NewPasswordIn(_In):
    token = _text(MAX_TOKEN, **_TOKEN)
    password = _password("ett nytt långt lösenord")


class LinkOut(Schema):
    """What the page behind a link shows before the person acts."""

    name = fields.String()
    email = fields.String()
    org_name = fields.String(allow_none=True)


class RegistrationIn(_In):
    """A new customer: the company and its first administrator, who verifies the e-mail next.
    An e-mail address that already has an account is answered the same (a mail tells them)."""

    company_name = _text(COMPANY_MAX, "Nytt Företag AB", required=True)
    org_number = _text(
        40, "556016-0680", required=True, description="Written as 559192-5788 or 5591925788."
    )
    name = _text(NAME_MAX, "Nora Ny", required=True)
    email = _text(EMAIL_MAX, "nora@nyttforetag.se", required=True)
    password = _password("noras långa lösenfras")
    client_address = _client_address()


class VerifiedOut(Schema):
    name = fields.String()
    email = fields.String()


class Member(Schema):
    id = fields.UUID()
    name = fields.String()
    email = fields.String()
    username = fields.String(allow_none=True)
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean(metadata={"description": "Verified and has a password."})


class OrganisationOut(Schema):
    id = fields.UUID()
    name = fields.String()
    org_number = fields.String()
    customer_number = fields.String(allow_none=True)
    members = fields.List(fields.Nested(Member))


class App(Schema):
    key = fields.String()
    name = fields.String()
    url = fields.String()


class AppsOut(Schema):
    apps = fields.List(fields.Nested(App))


class InvitationIn(_In):
    """Invite a colleague as a user of the organisation: they get a mail to choose a password."""

    name = _text(NAME_MAX, "Ingrid Inbjuden", required=True)
    email = _text(EMAIL_MAX, "ingrid@jlmdata.se", required=True)


class Invited(Schema):
    user_id = fields.UUID()


class RoleIn(_In):
    role = fields.String(
        required=True, validate=validate.OneOf(ROLES), metadata={"example": "user"}
    )
