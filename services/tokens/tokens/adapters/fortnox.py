"""Fortnox over HTTP: the OAuth server (token, migrate, revoke) and /3/companyinformation.

Every answer is sorted by the one table in adapters/fortnox_answers.py into a class (ok,
temporary, reauthorize, misconfigured) with a reason code, and raised here as the matching
domain exception: TemporaryFailure, PermanentFailure (MigrationRefused for migrate,
Unauthorized for a refused API token), ClientRejected (misconfigured). Nothing raised here
carries a token.
"""

import base64
import logging
import time
from urllib.parse import quote, urlencode

import jwt
import requests

from tokens.adapters import fortnox_answers as table
from tokens.adapters.metrics import RECORDER, Recorder
from tokens.domain import answers
from tokens.domain.model import (
    ClientRejected,
    Company,
    FortnoxFailure,
    Grant,
    MigrationRefused,
    PermanentFailure,
    TemporaryFailure,
    Unauthorized,
)

log = logging.getLogger("tokens.fortnox")


class FortnoxClient:
    def __init__(
        self,
        auth_url: str,
        api_url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout: float = 10.0,
        metrics: Recorder = RECORDER,
    ):
        self.metrics = metrics
        self.auth_url = auth_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.timeout = timeout
        self.session = requests.Session()
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._basic = f"Basic {basic}"

    # --- the OAuth server ---------------------------------------------------------------

    def authorize_url(
        self, redirect_uri: str, scopes: str, state: str, account_type: str = ""
    ) -> str:
        query = {
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": scopes,
            "state": state,
            "access_type": "offline",
            "response_type": "code",
        }
        if account_type:
            query["account_type"] = account_type
        # Fortnox's example writes `scope=article%20companyinformation`: spaces as %20, not +
        return f"{self.auth_url}/oauth-v1/auth?{urlencode(query, quote_via=quote)}"

    def exchange_code(self, code: str, redirect_uri: str) -> Grant:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        return _grant(self._token_call("token", "/oauth-v1/token", form))

    def refresh(self, refresh_token: str) -> Grant:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return _grant(self._token_call("refresh", "/oauth-v1/token", form))

    def client_credentials(self, tenant_id: str) -> Grant:
        form = {"grant_type": "client_credentials"}
        headers = {"TenantId": str(tenant_id)}
        return _grant(self._token_call("client_credentials", "/oauth-v1/token", form, headers))

    def migrate(self, legacy_token: str) -> Grant:
        form = {"access_token": legacy_token}
        return _grant(self._token_call("migrate", "/oauth-v1/migrate", form))

    def revoke(self, token: str, hint: str = "refresh_token") -> None:
        if hint == "access_token":
            # An old-type (legacy) token, exactly as Fortnox's revoke page shows it: multipart
            # form data with `token` only, no hint and no client credentials.
            self._token_call("revoke", "/oauth-v1/revoke", {"token": token}, legacy=True)
            return
        self._token_call("revoke", "/oauth-v1/revoke", {"token_type_hint": hint, "token": token})

    @staticmethod
    def tenant_of(access_token: str) -> str | None:
        """The `tenantId` claim of a Fortnox access token (a JWT), or None. Read without
        verifying the signature, as Fortnox advises: its public key is not published, and the
        claim only names the tenant to ask for a service-account token, which Fortnox itself
        then checks against our client credentials."""
        try:
            claims = jwt.decode(access_token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None
        value = claims.get("tenantId")
        return str(value) if value is not None else None

    # --- the API ------------------------------------------------------------------------

    def company_information(self, access_token: str, *, legacy: bool = False) -> Company:
        if legacy:
            headers = {"Access-Token": access_token, "Client-Secret": self._client_secret}
        else:
            headers = {"Authorization": f"Bearer {access_token}"}
        headers["Accept"] = "application/json"
        url = f"{self.api_url}/3/companyinformation"
        response = self._send("GET", url, "companyinformation", "api", headers=headers)
        info = _json(response) if response.status_code == 200 else None
        company = info.get("CompanyInformation") if isinstance(info, dict) else None
        if response.status_code == 200 and not isinstance(company, dict):
            raise self._counted(
                _failure("api", "malformed", "companyinformation without CompanyInformation")
            )
        if response.status_code != 200:
            raise self._counted(_failure_of("api", response))
        return Company(
            name=str(company.get("CompanyName") or ""),
            organisation_number=str(company.get("OrganizationNumber") or ""),
            database_number=str(company.get("DatabaseNumber") or ""),
        )

    # --- plumbing -----------------------------------------------------------------------

    def _token_call(
        self, call: str, path: str, form: dict, headers: dict | None = None, *, legacy=False
    ) -> dict:
        all_headers = {"Accept": "application/json"}
        if legacy:
            body = {"files": {k: (None, v) for k, v in form.items()}}
        else:
            all_headers["Authorization"] = self._basic
            body = {"data": form}
        all_headers.update(headers or {})
        endpoint = path.rsplit("/", 1)[-1]  # token, migrate, revoke
        url = self.auth_url + path
        response = self._send("POST", url, endpoint, call, headers=all_headers, **body)
        if response.status_code != 200:
            raise self._counted(_failure_of(call, response))
        answer = _json(response)
        if not isinstance(answer, dict) or (call != "revoke" and "access_token" not in answer):
            raise self._counted(_failure(call, "malformed", f"{endpoint} answered without a token"))
        return answer

    def _send(self, method: str, url: str, endpoint: str, call: str, **kwargs) -> requests.Response:
        started = time.monotonic()
        status = "unreachable"
        try:
            # a redirect is an answer too (a wrong URL, a log-in page): never followed
            response = self.session.request(
                method, url, timeout=self.timeout, allow_redirects=False, **kwargs
            )
            status = str(response.status_code)
            return response
        except requests.Timeout:
            status = "timeout"
            reason = f"Fortnox did not answer within {self.timeout:g} s"
            raise self._counted(_failure(call, "timeout", reason)) from None
        except requests.ConnectionError:
            reason = f"Fortnox could not be reached ({time.monotonic() - started:.1f} s)"
            raise self._counted(_failure(call, "unreachable", reason)) from None
        finally:
            self.metrics.fortnox_call(endpoint, status, time.monotonic() - started)

    def _counted(self, failure: FortnoxFailure) -> FortnoxFailure:
        """Count every classified failure; a refusal of our own client is logged as an error
        for the operators (no customer can fix it, so no connection is flagged for it)."""
        klass = answers.class_of(failure.reason_code) or answers.TEMPORARY
        call = getattr(failure, "call", "")
        self.metrics.fortnox_failure(call, klass, failure.reason_code)
        if klass == answers.MISCONFIGURED:
            log.error(
                "Fortnox refuses our client or request: check FORTNOX_CLIENT_ID/SECRET and URLs",
                extra={"call": call, "reason_code": failure.reason_code, "reason": failure.reason},
            )
        return failure


_MIGRATION_REASONS = {
    400: "Fortnox could not create OAuth tokens from the legacy token (400)",
    403: "Fortnox does not allow migrating this legacy token, e.g. licence (403)",
    404: "Fortnox does not know the legacy token any more (404)",
}


def _json(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return None


def _failure_of(call: str, response: requests.Response) -> FortnoxFailure:
    """The domain exception for a non-200 answer, by the table."""
    error, description = table.error_of(_json(response))
    label = error or ("no body" if not response.content else "no Fortnox error body")
    reason = f"Fortnox answered {response.status_code} to {call} ({label})"
    if call == "migrate" and response.status_code in _MIGRATION_REASONS:
        reason = _MIGRATION_REASONS[response.status_code]
    if description:
        reason += f": {description[:200]}"
    retry_after = table.retry_after_seconds(response.headers.get("Retry-After"), time.time())
    return _failure(call, response.status_code, reason, error=error, retry_after=retry_after)


def _failure(
    call: str,
    status: int | str,
    reason: str,
    *,
    error: str = "",
    retry_after: float | None = None,
) -> FortnoxFailure:
    verdict = table.verdict_for(call, status, error)
    http_status = status if isinstance(status, int) else None
    known = {"status": http_status, "reason_code": verdict.reason_code}
    if verdict.klass == answers.TEMPORARY:
        failure = TemporaryFailure(
            reason, retry_after=retry_after, unanswered=status == "timeout", **known
        )
    elif verdict.klass == answers.MISCONFIGURED:
        failure = ClientRejected(reason, error=error, **known)
    elif call == "migrate":
        failure = MigrationRefused(reason, error=error, **known)
    elif verdict.reason_code == answers.AUTHENTICATION_FAILED:
        failure = Unauthorized(reason, error=error, **known)
    else:
        failure = PermanentFailure(reason, error=error, **known)
    failure.call = call
    return failure


def _grant(answer: dict) -> Grant:
    """A token answer (its access_token is known to be there); odd numbers fall back."""
    try:
        expires_in = int(answer.get("expires_in") or 3600)
    except (TypeError, ValueError):
        expires_in = 3600
    refresh = answer.get("refresh_token")
    return Grant(
        access_token=str(answer["access_token"]),
        expires_in=expires_in,
        scope=str(answer.get("scope") or ""),
        refresh_token=str(refresh) if refresh else None,
    )
