"""Events the auth service publishes. Never a password, session id or link token in any of them.

| type | when | data |
|---|---|---|
| `org.created` v1 | a customer company is registered (or seeded) | org_id, name, organisation_number, customer_number, apps |
| `user.registered` v1 | an account is created (sign-up, an invitation accepted by a new address, seed) | user_id, org_id, name, role, via |
| `user.verified` v1 | the user proved their e-mail address (link, reset or invitation) | user_id, org_id |
| `user.password_changed` v1 | a password is set (reset, invitation) or the user changed it under Konto (changed) | user_id, org_id, reason |
| `user.disabled` v1 | an operator disabled the account; its sessions ended | user_id, org_id |
| `membership.changed` v1 | a member is added, removed or changes role; an account that accepts an invitation to another organisation is removed from its own and added there | user_id, org_id, change, role |
"""

from marshmallow import fields, validate

from servicekit.contracts.base import EventData

ROLES = ("administrator", "user")


class OrgCreatedV1(EventData):
    org_id = fields.UUID(required=True)
    name = fields.String(required=True)
    organisation_number = fields.String(required=True)
    customer_number = fields.String(required=True)
    apps = fields.List(fields.String(), load_default=list)


class UserRegisteredV1(EventData):
    user_id = fields.UUID(required=True)
    org_id = fields.UUID(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    via = fields.String(required=True, validate=validate.OneOf(("signup", "invitation", "seed")))


class UserVerifiedV1(EventData):
    user_id = fields.UUID(required=True)
    org_id = fields.UUID(required=True)


class UserPasswordChangedV1(EventData):
    user_id = fields.UUID(required=True)
    org_id = fields.UUID(required=True)
    # "changed": by the signed-in user, who gave the current password; added within v1.
    reason = fields.String(
        required=True, validate=validate.OneOf(("reset", "invitation", "changed"))
    )


class UserDisabledV1(EventData):
    user_id = fields.UUID(required=True)
    org_id = fields.UUID(required=True, allow_none=True)


class MembershipChangedV1(EventData):
    user_id = fields.UUID(required=True)
    org_id = fields.UUID(required=True)
    change = fields.String(
        required=True, validate=validate.OneOf(("added", "role_changed", "removed"))
    )
    role = fields.String(required=True, allow_none=True, validate=validate.OneOf(ROLES))


CONTRACTS = {
    ("org.created", 1): OrgCreatedV1,
    ("user.registered", 1): UserRegisteredV1,
    ("user.verified", 1): UserVerifiedV1,
    ("user.password_changed", 1): UserPasswordChangedV1,
    ("user.disabled", 1): UserDisabledV1,
    ("membership.changed", 1): MembershipChangedV1,
}
