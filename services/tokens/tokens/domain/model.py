"""Values the connection works with: company, token grant, events, failures."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Company:
    name: str
    organisation_number: str
    database_number: str


@dataclass(frozen=True)
class Grant:
    """A token answer from Fortnox; service-account grants carry no refresh token."""

    access_token: str
    expires_in: int
    scope: str = ""
    refresh_token: str | None = None


@dataclass(frozen=True)
class Event:
    type: str
    data: dict


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    action: str
    outcome: str
    detail: dict = field(default_factory=dict)


class FortnoxFailure(Exception):
    """A call to Fortnox failed; `reason` is readable by a person and holds no token.
    `error` is Fortnox's own code (OAuth `error` or ErrorInformation code), `reason_code` ours
    (domain/answers.py); `code` is what a caller of our API is told."""

    code = "fortnox_failed"
    reason_code_default = ""
    call = ""  # token, refresh, client_credentials, migrate, revoke, api

    def __init__(
        self, reason: str, *, status: int | None = None, error: str = "", reason_code: str = ""
    ):
        super().__init__(reason)
        self.reason = self.message = reason
        self.status = status
        self.error = error
        self.reason_code = reason_code or self.reason_code_default


class TemporaryFailure(FortnoxFailure):
    """5xx, 429, time-out, lock wait: try again later; the connection stays usable."""

    reason_code_default = "unavailable"

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        unanswered: bool = False,
        reason_code: str = "",
    ):
        super().__init__(reason, status=status, reason_code=reason_code)
        self.retry_after = retry_after
        # no answer came: Fortnox may have carried the call out (and rotated a refresh token)
        self.unanswered = unanswered


class PermanentFailure(FortnoxFailure):
    """invalid_grant, revoked consent: only a new authorization helps."""

    reason_code_default = "refused"


class ClientRejected(FortnoxFailure):
    """Fortnox refuses our own client credentials or request (class `misconfigured`): an
    operator's problem, not the customer's."""

    reason_code_default = "client_rejected"


class MigrationRefused(FortnoxFailure):
    """/oauth-v1/migrate answered 400, 403 or 404: the customer must use "Ny Token"."""

    reason_code_default = "migration_refused"


class Unauthorized(FortnoxFailure):
    """The API refused the access token (401, or 403 "Failed authentication"): a renewal may
    help once; if the renewed token is refused too, the customer must re-authorize."""

    reason_code_default = "authentication_failed"
