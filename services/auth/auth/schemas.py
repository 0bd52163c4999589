"""Marshmallow schemas of the auth service's internal HTTP API: each view loads its body with
the schema that documents it in the OpenAPI document.

Loading checks the wire: unknown fields are ignored, a field that is not a string counts as
empty, a missing required field is 422 naming it, a client address must be an IP address and
an action or role one of its values. What a form's text must be (Swedish messages per field,
and a link's token before the form) are the domain's rules, which the handlers apply: the
lengths here document them. The views' test (tests/test_openapi.py) holds the schemas to what
the routes accept and answer.
"""

import ipaddress

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from servicekit.assertions import ACTIONS

from auth.domain import passwords
from auth.domain.fields import COMPANY_MAX, EMAIL_MAX, IDENTIFIER_MAX, NAME_MAX
from auth.domain.members import ROLES
from auth.handlers.links import MAX_TOKEN
from auth.handlers.sessions import MAX_SESSION_TOKEN


class _In(Schema):
    class Meta:
        unknown = EXCLUDE


class Text(fields.String):
    """A form's text as the gateway sends it: anything but a string counts as empty, so the
    domain's rule answers it in Swedish like an empty field."""

    def _deserialize(self, value, attr, data, **kwargs):
        return value if isinstance(value, str) else ""


def _text(max_length: int, example: str | None = None, *, required: bool = False, **metadata):
    if example is not None:
        metadata["example"] = example
    metadata["maxLength"] = max_length
    if required:
        return Text(required=True, metadata=metadata)
    return Text(load_default="", metadata=metadata)


def _password(example: str, **metadata):
    limits = {"minLength": passwords.MIN_LENGTH, "maxLength": passwords.MAX_LENGTH}
    return Text(required=True, metadata={"example": example, **limits, **metadata})


def _ip_address(value: str) -> None:
    """The client address keys the throttles: an IP address or none at all."""
    if value:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValidationError("Not an IP address.") from None


_CLIENT_ADDRESS = {
    "description": "The person's IP address, as the gateway saw it: the limits count per address."
}
_TOKEN = {
    "description": "The token of the mailed link. A missing, unknown, used or expired one is "
    "answered 410 `token_invalid` (before the rest of the body is looked at)."
}


def _client_address():
    metadata = {"example": "198.51.100.7", "maxLength": 45, **_CLIENT_ADDRESS}
    return Text(load_default="", validate=_ip_address, metadata=metadata)


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
    apps = fields.List(
        fields.Nested(lambda: App()), metadata={"description": "The apps of the organisation."}
    )


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
    has_account = fields.Boolean(
        metadata={
            "description": "An invitation only: the address has an account, which accepts by "
            "logging in (the password is the account's) rather than by choosing a password."
        }
    )


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
    invitations = fields.List(
        fields.Nested(lambda: PendingInvitation()),
        metadata={"description": "Pending: not accepted, declined, withdrawn or expired."},
    )


class PendingInvitation(Schema):
    """The same fields whether or not the address has an account."""

    id = fields.UUID()
    name = fields.String()
    email = fields.String()
    invited_at = fields.DateTime()
    expires_at = fields.DateTime()


class App(Schema):
    key = fields.String()
    name = fields.String()
    url = fields.String()
    attention = fields.Boolean(
        metadata={
            "description": "The app needs an administrator now (Resultat Finans: its Fortnox"
            ' connection needs "Ny Token"); the tile says "Åtgärd krävs".'
        }
    )


class AppsOut(Schema):
    apps = fields.List(fields.Nested(App))


class InvitationIn(_In):
    """Invite a colleague as a user of the organisation: they get a mail to choose a password."""

    name = _text(NAME_MAX, "Ingrid Inbjuden", required=True)
    email = _text(EMAIL_MAX, "ingrid@jlmdata.se", required=True)


class Invited(Schema):
    """The same answer whether or not the address already has an account (only the mail to it
    differs), so an invitation does not reveal who is a customer."""

    status = fields.String(metadata={"enum": ["invited"]})


class AcceptInvitationIn(_In):
    """Accept: a new address chooses its password, one with an account gives the account's."""

    token = _text(MAX_TOKEN, **_TOKEN)
    password = _text(
        passwords.MAX_LENGTH,
        "ett nytt långt lösenord",
        required=True,
        description="A wrong password of an existing account is 422 naming this field, counted "
        "under the log-in limits.",
    )
    client_address = _client_address()


class InvitationPath(Schema):
    invitation_id = fields.UUID(required=True)


class AssertionIn(_In):
    action = fields.String(
        required=True,
        validate=validate.OneOf(list(ACTIONS)),
        metadata={"example": "fortnox.check"},
    )


class AssertionOut(Schema):
    """Auth's signed word on who starts the action: the gateway passes it on unread."""

    assertion = fields.String(metadata={"description": "A JWT (EdDSA) for the action's service."})
    expires_in = fields.Integer(metadata={"description": "Seconds it is valid."})


class RoleIn(_In):
    role = fields.String(
        required=True, validate=validate.OneOf(ROLES), metadata={"example": "user"}
    )


class MemberPath(Schema):
    """A member's id in a route: a malformed one is 422 naming `user_id`, as servicekit's
    valid_org_id answers for the organisation."""

    user_id = fields.UUID(required=True)
