"""Events the tokens service publishes. None of them ever carries a token.

- token.connected v1: an organisation connected Fortnox with OAuth (first time or again after
  re-authorization or revocation). `kind` is `oauth` (refresh-token flow) or `service`
  (service account, client credentials).
- token.upgraded v1: a legacy token was replaced by OAuth; `method` is `interactive` ("Ny Token")
  or `migrated` (Fortnox's /oauth-v1/migrate).
- token.reauthorization_required v1: the connection cannot renew itself any more (invalid_grant,
  revoked consent, interrupted refresh, failed migration); the settings page offers "Ny Token".
- token.recovered v1: renewals work again after temporary failures.
- token.migration_failed v1: /oauth-v1/migrate refused the legacy token (400, 403, 404).
- token.revoked v1: the connection was disconnected and its tokens erased.
- company.updated v1: company facts read from Fortnox's /3/companyinformation. `version` grows by
  one per change of an organisation's facts: a consumer keeps the highest version it has seen and
  ignores older ones (`observed_at` is when the facts were read).
"""

from marshmallow import fields, validate

from servicekit.contracts.base import EventData

_KINDS = validate.OneOf(["legacy", "oauth", "service"])


class _CompanyFields(EventData):
    company_name = fields.String(allow_none=True, load_default=None)
    organisation_number = fields.String(allow_none=True, load_default=None)
    database_number = fields.String(allow_none=True, load_default=None)


class TokenConnectedV1(_CompanyFields):
    kind = fields.String(required=True, validate=_KINDS)
    scopes = fields.String(load_default="")
    connected_by = fields.String(allow_none=True, load_default=None)


class TokenUpgradedV1(_CompanyFields):
    method = fields.String(required=True, validate=validate.OneOf(["interactive", "migrated"]))
    kind = fields.String(required=True, validate=_KINDS)
    previous_kind = fields.String(load_default="legacy")
    scopes = fields.String(load_default="")
    upgraded_by = fields.String(allow_none=True, load_default=None)


class TokenReauthorizationRequiredV1(EventData):
    kind = fields.String(required=True, validate=_KINDS)
    reason = fields.String(required=True)
    reason_code = fields.String(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "Why, as a code: grant_invalid, consent_withdrawn,"
            " authentication_failed, license_missing, migration_refused, refused,"
            " refresh_interrupted, refresh_unanswered (absent from older events)"
        },
    )


class TokenRecoveredV1(EventData):
    kind = fields.String(required=True, validate=_KINDS)
    failures = fields.Integer(load_default=0)
    failing_since = fields.AwareDateTime(allow_none=True, load_default=None)


class TokenMigrationFailedV1(EventData):
    status = fields.Integer(allow_none=True, load_default=None)
    reason = fields.String(required=True)
    reason_code = fields.String(allow_none=True, load_default=None)


class TokenRevokedV1(EventData):
    kind = fields.String(required=True, validate=_KINDS)
    revoked_by = fields.String(allow_none=True, load_default=None)
    revoked_at_fortnox = fields.Boolean(required=True)


class CompanyUpdatedV1(_CompanyFields):
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    observed_at = fields.AwareDateTime(required=True)


CONTRACTS = {
    ("token.connected", 1): TokenConnectedV1,
    ("token.upgraded", 1): TokenUpgradedV1,
    ("token.reauthorization_required", 1): TokenReauthorizationRequiredV1,
    ("token.recovered", 1): TokenRecoveredV1,
    ("token.migration_failed", 1): TokenMigrationFailedV1,
    ("token.revoked", 1): TokenRevokedV1,
    ("company.updated", 1): CompanyUpdatedV1,
}
