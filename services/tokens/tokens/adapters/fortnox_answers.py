"""Every answer Fortnox can give, sorted once: the table the Fortnox client raises from.

An answer is reduced to (call, status, OAuth `error`, ErrorInformation `code`); the first row
of ANSWERS that matches gives its class and reason code (domain/answers.py). Transport failures
are rows too, with the pseudo-status "timeout" or "unreachable", and so is a 200 without the
fields the call promises ("malformed").

What the rows rest on (Fortnox's developer documentation, read December 2026):
- Responses, https://www.fortnox.se/developer/guides-and-good-to-know/responses: failures are
  4xx/5xx; 403 is "Failed authentication"; every API error is
  `{"ErrorInformation": {"error": 1, "message": ..., "code": ...}}`.
- Errors, https://www.fortnox.se/developer/guides-and-good-to-know/errors: 1000003 "System
  exception"; 1000030/1000031 invalid response/content type (our request); 2000310 "Ogiltig
  inloggning" and 2000311 "Kan inte logga in, access-token eller client-secret saknas(2)" (the
  token is missing or incorrect); 2001103 "Api-licens saknas"; 2001101 no active licence for the
  scope.
- Rate limits, https://www.fortnox.se/developer/guides-and-good-to-know/rate-limits-for-fortnox-api:
  429 at 25 requests per 5 s per client and tenant; no Retry-After is promised, so one that
  comes is honoured and its absence backs off on our own schedule.
- FAQ, https://www.fortnox.se/developer/faq: "Invalid refresh token: ... the integration must
  be reactivated by a user"; "Auth code or ClientID supplied is invalid" and "Client does not
  allow service account" are settings of our integration in the developer portal.
- Authorization pages (get-access-token, get-refresh-token,
  get-access-token-using-client-credentials, revoke-access-token, migrate-legacy-token-to-jwt)
  under https://www.fortnox.se/developer/authorization/: OAuth answers, Basic client
  authentication; migrate answers 400 (could not create), 401 (client), 403 (not allowed,
  e.g. licence), 404 (token not found).
- RFC 6749 §5.2 for the OAuth error bodies Fortnox's token endpoint answers: 401 (or 400)
  `invalid_client` is client authentication; `invalid_grant` the grant; `unauthorized_client`,
  `unsupported_grant_type`, `invalid_scope`, `invalid_request` what our client asked for.
Bodies come as JSON, plain text or HTML (a proxy in front of Fortnox), or empty: the body only
decides where it is one of the documented shapes above; otherwise the status decides.
"""

from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from tokens.domain import answers as a

OAUTH_CALLS = frozenset({"token", "refresh", "client_credentials", "migrate", "revoke"})
API = frozenset({"api"})
ANY = None


@dataclass(frozen=True)
class Verdict:
    klass: str
    reason_code: str


@dataclass(frozen=True)
class Row:
    calls: frozenset | None
    statuses: tuple | None  # HTTP statuses, or "timeout", "unreachable", "malformed"
    errors: tuple | None  # OAuth `error` or ErrorInformation code; None: any body
    verdict: Verdict
    why: str


def _row(calls, statuses, errors, klass, reason, why) -> Row:
    return Row(calls, statuses, errors, Verdict(klass, reason), why)


_5XX = tuple(range(500, 600))
_OTHER_4XX = tuple(s for s in range(400, 500) if s not in (400, 401, 403, 408, 429))
_GRANT_CALLS = frozenset({"token", "refresh", "client_credentials", "revoke"})

ANSWERS: tuple[Row, ...] = (
    _row(ANY, (200,), ANY, a.OK, "ok", "the call worked"),
    _row(ANY, ("timeout",), ANY, a.TEMPORARY, a.TIMEOUT, "no answer in time"),
    _row(ANY, ("unreachable",), ANY, a.TEMPORARY, a.UNREACHABLE, "no connection"),
    _row(ANY, ("malformed",), ANY, a.TEMPORARY, a.MALFORMED, "200 without the promised fields"),
    _row(ANY, (429,), ANY, a.TEMPORARY, a.RATE_LIMITED, "rate limit, Retry-After or not"),
    _row(ANY, (408,), ANY, a.TEMPORARY, a.TIMEOUT, "a proxy gave up waiting"),
    _row(ANY, _5XX, ANY, a.TEMPORARY, a.UNAVAILABLE, "5xx with any body: JSON, text, HTML"),
    # --- the OAuth server (token, refresh, client credentials, migrate, revoke) -----------
    _row(
        OAUTH_CALLS,
        ANY,
        ("invalid_client", "unauthorized_client"),
        a.MISCONFIGURED,
        a.CLIENT_REJECTED,
        "our client id/secret or its portal settings",
    ),
    _row(
        frozenset({"migrate"}),
        (400, 403, 404),
        ANY,
        a.REAUTHORIZE,
        a.MIGRATION_REFUSED,
        "migrate: 400 not created, 403 not allowed (licence), 404 unknown token, any body",
    ),
    _row(
        OAUTH_CALLS,
        ANY,
        (
            "invalid_request",
            "unsupported_grant_type",
            "invalid_scope",
            "unsupported_token_type",
            "unsupported_response_type",
        ),
        a.MISCONFIGURED,
        a.REQUEST_REJECTED,
        "our request, not the customer's grant",
    ),
    _row(
        _GRANT_CALLS,
        ANY,
        ("invalid_grant",),
        a.REAUTHORIZE,
        a.GRANT_INVALID,
        "refresh token used, expired or revoked; code used or expired; consent gone",
    ),
    _row(
        _GRANT_CALLS,
        ANY,
        ("access_denied", "consent_revoked"),
        a.REAUTHORIZE,
        a.CONSENT_WITHDRAWN,
        "the customer withdrew the consent",
    ),
    _row(
        OAUTH_CALLS,
        (401,),
        ANY,
        a.MISCONFIGURED,
        a.CLIENT_REJECTED,
        "401 from the OAuth server is client authentication (RFC 6749 §5.2), any body",
    ),
    _row(
        _GRANT_CALLS,
        (400, 403),
        ANY,
        a.REAUTHORIZE,
        a.REFUSED,
        "our client passed (else 401): an unrecognised refusal is of the customer's grant",
    ),
    _row(OAUTH_CALLS, ANY, ANY, a.MISCONFIGURED, a.REQUEST_REJECTED, "404/405/415/3xx: our URL"),
    # --- the API (/3/...) ------------------------------------------------------------------
    _row(API, (401,), ANY, a.REAUTHORIZE, a.AUTHENTICATION_FAILED, "token refused"),
    _row(
        API,
        (400, 403),
        ("2001103", "2001101"),
        a.REAUTHORIZE,
        a.LICENSE_MISSING,
        "no API licence / no licence for the scope: the customer's Fortnox subscription",
    ),
    _row(
        API,
        (403,),
        ANY,
        a.REAUTHORIZE,
        a.AUTHENTICATION_FAILED,
        '403 "Failed authentication" (2000310, 2000311 or no body)',
    ),
    _row(API, ANY, ANY, a.MISCONFIGURED, a.REQUEST_REJECTED, "400/404/…: our request or URL"),
)


def row_for(call: str, status: int | str, error: str = "") -> Row:
    """The first row of ANSWERS that matches the answer (the last rows catch everything)."""
    for row in ANSWERS:
        if row.calls is not None and call not in row.calls:
            continue
        if row.statuses is not None and status not in row.statuses:
            continue
        if row.errors is not None and error not in row.errors:
            continue
        return row
    raise AssertionError(f"no row for {call} {status} {error}")


def verdict_for(call: str, status: int | str, error: str = "") -> Verdict:
    """The class and reason code of one answer."""
    return row_for(call, status, error).verdict


def error_of(body: object) -> tuple[str, str]:
    """(Fortnox's error code, its description) from a parsed body of any documented shape:
    OAuth `{"error", "error_description"}` or API `{"ErrorInformation": {"code", "message"}}`
    (either letter case); ("", "") for anything else."""
    if not isinstance(body, dict):
        return "", ""
    error = body.get("error")
    if isinstance(error, str):
        return error, str(body.get("error_description") or body.get("message") or "")
    info = body.get("ErrorInformation") or body.get("errorInformation") or error
    if isinstance(info, dict):
        code = info.get("code") or info.get("Code") or ""
        message = info.get("message") or info.get("Message") or ""
        return str(code), str(message)
    return "", ""


def retry_after_seconds(value: str | None, now_epoch: float) -> float | None:
    """Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now_epoch)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
