"""What an answer of Fortnox means for us: one of four classes, and a reason code within it.

Every answer of every Fortnox call (token, refresh, migrate, revoke, client credentials, the
/3/ API) is sorted into exactly one class by the table in adapters/fortnox_answers.py:

- OK: it worked.
- TEMPORARY: back off and try again later; the connection stays as it is.
- REAUTHORIZE: the customer must act ("Ny Token" in Inställningar); the connection is marked
  `needs_reauthorization` and `token.reauthorization_required` carries the reason code.
- MISCONFIGURED: Fortnox refuses our own client (id, secret, registration) or our request:
  the operators are alerted (log, metric, alert rule); no customer's connection is flagged,
  since every customer would be and none of them can fix it.

The reason codes are a stable vocabulary: the tokens service stores them
(`reauthorization_code`, `last_failure_code`), publishes them in events (`reason_code`) and
answers them from "check"; the gateway and the auth service's mails turn them into Swedish.
"""

OK, TEMPORARY, REAUTHORIZE, MISCONFIGURED = "ok", "temporary", "reauthorize", "misconfigured"
CLASSES = (OK, TEMPORARY, REAUTHORIZE, MISCONFIGURED)

# --- TEMPORARY ----------------------------------------------------------------------------
RATE_LIMITED = "rate_limited"  # 429, with or without Retry-After
UNAVAILABLE = "unavailable"  # 5xx from Fortnox or a proxy in front of it, any body
TIMEOUT = "timeout"  # no answer within the time-out
UNREACHABLE = "unreachable"  # connection refused, DNS, TLS
MALFORMED = "malformed_answer"  # 200 without the fields the call promises

# --- REAUTHORIZE: the customer must act ---------------------------------------------------
GRANT_INVALID = "grant_invalid"  # invalid_grant: refresh token used, expired or revoked
CONSENT_WITHDRAWN = "consent_withdrawn"  # access_denied / consent_revoked
AUTHENTICATION_FAILED = "authentication_failed"  # API 401, 403 (2000310/2000311 or no body)
LICENSE_MISSING = "license_missing"  # API 2001103 / 2001101: no licence for the API or scope
MIGRATION_REFUSED = "migration_refused"  # /oauth-v1/migrate 400, 403, 404
REFUSED = "refused"  # a refusal of the grant with no body we recognise (400/403)
REFRESH_INTERRUPTED = "refresh_interrupted"  # our renewal died after Fortnox may have rotated
REFRESH_UNANSWERED = "refresh_unanswered"  # a renewal timed out, then the token was refused

# --- MISCONFIGURED: the operators' problem ------------------------------------------------
CLIENT_REJECTED = "client_rejected"  # invalid_client, unauthorized_client, 401 on oauth-v1
REQUEST_REJECTED = "request_rejected"  # invalid_request, invalid_scope, 404/405/415, …

REASONS = {
    TEMPORARY: (RATE_LIMITED, UNAVAILABLE, TIMEOUT, UNREACHABLE, MALFORMED),
    REAUTHORIZE: (
        GRANT_INVALID,
        CONSENT_WITHDRAWN,
        AUTHENTICATION_FAILED,
        LICENSE_MISSING,
        MIGRATION_REFUSED,
        REFUSED,
        REFRESH_INTERRUPTED,
        REFRESH_UNANSWERED,
    ),
    MISCONFIGURED: (CLIENT_REJECTED, REQUEST_REJECTED),
}


def class_of(reason_code: str | None) -> str | None:
    """The class a reason code belongs to (None for an unknown or missing code)."""
    for klass, codes in REASONS.items():
        if reason_code in codes:
            return klass
    return None
