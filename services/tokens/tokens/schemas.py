"""Marshmallow schemas of the tokens service's internal HTTP API; the OpenAPI document at
/openapi.json is generated from them, so their docstrings and descriptions are what callers read.
The answers are what the gateway and the settings service read: keep their JSON as it is."""

from marshmallow import EXCLUDE, Schema, fields, validate

from tokens.domain import authorization as auth
from tokens.domain import history
from tokens.domain.connection import (
    CONNECTED,
    DEGRADED,
    LEGACY,
    LEGACY_TOKEN,
    MIGRATION_REFUSED,
    NEEDS_REAUTHORIZATION,
    OAUTH,
    OK,
    REAUTHORIZATION,
    REFRESHING,
    REVOKED,
    SERVICE,
)


class _In(Schema):
    class Meta:
        unknown = EXCLUDE


class StartConnectIn(_In):
    """How to connect; the authorize URL is bound to the organisation and to the person and
    session auth's assertion names."""

    account_type = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(auth.ACCOUNT_TYPES),
        metadata={
            "description": '`"service"` for a service account, `""` for a refresh-token '
            "connection; left out, the organisation's current kind or FORTNOX_ACCOUNT_TYPE "
            "decides."
        },
    )


class CallbackIn(_In):
    """Fortnox's answer on the redirect URI as the gateway received it; who received it is what
    auth's assertion names."""

    state = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "The `state` of the authorize URL.", "example": "forged-state"},
    )
    code = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "The authorization code when the person approved."},
    )
    error = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Fortnox's error, e.g. `access_denied` when they refused."},
    )
    error_description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=1000)
    )


class StartConnectOut(Schema):
    authorize_url = fields.String(
        metadata={"description": "Fortnox's authorize URL with a new single-use `state`."}
    )
    expires_at = fields.AwareDateTime(metadata={"description": "When the `state` expires."})
    account_type = fields.String(metadata={"enum": list(auth.ACCOUNT_TYPES)})


class CompanyOut(Schema):
    """The Fortnox company, as /3/companyinformation tells it."""

    company_name = fields.String(attribute="name")
    organisation_number = fields.String()
    database_number = fields.String(metadata={"description": "Fortnox's tenant id."})


_OUTCOMES = list(auth.MESSAGES)


class OutcomeOut(Schema):
    """How the callback ended: an answer to show, never an error status."""

    outcome = fields.String(metadata={"enum": _OUTCOMES})
    message = fields.String(metadata={"description": "For people, per outcome."})
    org_id = fields.String(
        allow_none=True, metadata={"description": "Null when the state is unknown or missing."}
    )
    company = fields.Nested(
        CompanyOut,
        allow_none=True,
        metadata={"description": "The company connected (for `company_mismatch`: the wrong one)."},
    )
    reason = fields.Function(
        lambda outcome: outcome.detail.get("reason"),
        allow_none=True,
        metadata={"type": "string", "description": "Why, for `exchange_failed`."},
    )
    reason_code = fields.Function(
        lambda outcome: outcome.detail.get("reason_code"),
        allow_none=True,
        metadata={
            "type": "string",
            "description": "For `exchange_failed`: Fortnox's answer as a reason code"
            " (temporary, reauthorize or misconfigured class, tokens/domain/answers.py).",
        },
    )


_KINDS = {"enum": [LEGACY, OAUTH, SERVICE]}


class HandOutOut(Schema):
    """A valid access token for a call to Fortnox. Never the refresh token."""

    access_token = fields.String()
    kind = fields.String(
        metadata={**_KINDS, "description": "`legacy`: call with Fortnox's legacy headers."}
    )
    expires_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "Null for a legacy token (it does not expire)."}
    )


class StatusOut(Schema):
    """The organisation's Fortnox connection as the settings page shows it; only `org_id`,
    `state` and `connected` when it never had one."""

    org_id = fields.String()
    connected = fields.Boolean()
    state = fields.String(
        metadata={"enum": ["not_connected", CONNECTED, NEEDS_REAUTHORIZATION, REVOKED]}
    )
    kind = fields.String(metadata=_KINDS)
    token_type = fields.String(
        metadata={"enum": ["Access Token", "OAuth"], "description": "As Fortnox names it."}
    )
    legacy = fields.Boolean(metadata={"description": 'Show the "Ny Token" notice.'})
    access_token_valid = fields.Boolean(
        metadata={"description": "A valid access token can be handed out now (Ja/Nej)."}
    )
    access_token_expires_at = fields.AwareDateTime(allow_none=True)
    company_name = fields.String(allow_none=True)
    organisation_number = fields.String(allow_none=True)
    database_number = fields.String(allow_none=True)
    health = fields.String(
        metadata={
            "enum": [OK, REFRESHING, DEGRADED, NEEDS_REAUTHORIZATION, "interrupted"],
            "description": "`interrupted`: a renewal started and never finished.",
        }
    )
    last_refresh_at = fields.AwareDateTime(allow_none=True)
    refresh_token_issued_at = fields.AwareDateTime(allow_none=True)
    last_failure_at = fields.AwareDateTime(allow_none=True)
    last_failure_reason = fields.String(allow_none=True)
    reauthorization_reason = fields.String(allow_none=True)
    reauthorization_code = fields.String(
        allow_none=True,
        metadata={"description": 'Why "Ny Token" is needed: a reason code of domain/answers.py.'},
    )
    last_failure_code = fields.String(
        allow_none=True, metadata={"description": "The last failure's reason code."}
    )
    migration_state = fields.String(
        allow_none=True, metadata={"description": "Of the move from the legacy token to OAuth."}
    )
    scopes = fields.String(metadata={"description": "Space-separated, as Fortnox granted them."})
    attention = fields.String(
        allow_none=True,
        metadata={
            "enum": [REAUTHORIZATION, MIGRATION_REFUSED, LEGACY_TOKEN, None],
            "description": 'Why the customer must act ("Ny Token"); null: nothing to do. The'
            " same fact token.attention_needed / token.attention_cleared publish.",
        },
    )


class CheckOut(Schema):
    """Whether Fortnox answered /3/companyinformation with a valid token, and why not."""

    ok = fields.Boolean()
    reason = fields.String(metadata={"description": "For people."})
    reason_code = fields.String(
        metadata={"description": "ok, not_connected, or a reason code of domain/answers.py."}
    )
    klass = fields.String(
        data_key="class",
        metadata={
            "description": "ok, not_connected, temporary, reauthorize or misconfigured.",
            "enum": ["ok", "not_connected", "temporary", "reauthorize", "misconfigured"],
        },
    )
    company = fields.Nested(CompanyOut, allow_none=True)


class DisconnectOut(Schema):
    state = fields.String(metadata={"enum": [REVOKED]})
    revoked_at_fortnox = fields.Boolean()
    reason = fields.String(metadata={"description": "Why it was (not) revoked at Fortnox."})


class AuditOut(Schema):
    at = fields.AwareDateTime()
    actor = fields.String(metadata={"description": "`user:<id>`, `service` or a worker's name."})
    action = fields.String()
    outcome = fields.String()
    detail = fields.Dict(metadata={"description": "What else happened; never a token."})


class AuditTrailOut(Schema):
    entries = fields.List(fields.Nested(AuditOut), metadata={"description": "Newest first."})


class HistoryEntryOut(Schema):
    at = fields.AwareDateTime()
    event = fields.String(metadata={"enum": list(history.EVENTS)})
    cause = fields.String(
        allow_none=True,
        metadata={
            "enum": [*history.CAUSES, None],
            "description": "Why it failed, in a word the page turns into the customer's"
            " language; null unless `event` is `failed`.",
        },
    )


class OverviewOut(Schema):
    """Inställningar's look-up: the connection's status and its history as its customer may see
    it (Händelser): no user ids, no Fortnox answers, no tokens."""

    status = fields.Nested(StatusOut)
    history = fields.List(fields.Nested(HistoryEntryOut), metadata={"description": "Newest first."})
