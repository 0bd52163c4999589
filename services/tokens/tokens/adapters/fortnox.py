"""Fortnox over HTTP: the OAuth server (token, migrate, revoke) and /3/companyinformation.

Every answer is classified here, once: TemporaryFailure (5xx, 429, time-out, network),
PermanentFailure (invalid_grant and other refusals of the grant), ClientRejected (our own client
credentials refused), MigrationRefused (400/403/404 from migrate), Unauthorized (401 from the API).
Nothing raised here carries a token.
"""

import base64
import time
from urllib.parse import urlencode

import requests

from tokens.adapters.metrics import RECORDER, Recorder
from tokens.domain.model import (
    ClientRejected,
    Company,
    Grant,
    MigrationRefused,
    PermanentFailure,
    TemporaryFailure,
    Unauthorized,
)

# OAuth errors that mean the customer's grant or consent is gone, not that we misbehaved.
_GRANT_GONE = {"invalid_grant", "unauthorized_client", "access_denied", "consent_revoked"}


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
        return f"{self.auth_url}/oauth-v1/auth?{urlencode(query)}"

    def exchange_code(self, code: str, redirect_uri: str) -> Grant:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        return _grant(self._token_call("/oauth-v1/token", form))

    def refresh(self, refresh_token: str) -> Grant:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return _grant(self._token_call("/oauth-v1/token", form))

    def client_credentials(self, tenant_id: str) -> Grant:
        form = {"grant_type": "client_credentials"}
        answer = self._token_call("/oauth-v1/token", form, headers={"TenantId": str(tenant_id)})
        return _grant(answer)

    def migrate(self, legacy_token: str) -> Grant:
        try:
            return _grant(self._token_call("/oauth-v1/migrate", {"access_token": legacy_token}))
        except (PermanentFailure, MigrationRefused) as exc:
            if exc.status in (400, 403, 404):
                raise MigrationRefused(
                    _MIGRATION_REASONS.get(exc.status, exc.reason), status=exc.status, code=exc.code
                ) from None
            raise

    def revoke(self, token: str, hint: str = "refresh_token") -> None:
        if hint == "access_token":
            # An old-type (legacy) token, sent as Fortnox documents it: multipart `token` only.
            self._token_call("/oauth-v1/revoke", {"token": token}, multipart=True)
            return
        self._token_call("/oauth-v1/revoke", {"token_type_hint": hint, "token": token})

    # --- the API ------------------------------------------------------------------------

    def company_information(self, access_token: str, *, legacy: bool = False) -> Company:
        if legacy:
            headers = {"Access-Token": access_token, "Client-Secret": self._client_secret}
        else:
            headers = {"Authorization": f"Bearer {access_token}"}
        headers["Accept"] = "application/json"
        response = self._send(
            "GET", f"{self.api_url}/3/companyinformation", "companyinformation", headers=headers
        )
        if response.status_code == 401:
            raise Unauthorized("Fortnox did not accept the access token", status=401)
        _raise_for_temporary(response)
        if response.status_code != 200:
            raise PermanentFailure(
                f"Fortnox answered {response.status_code} to companyinformation",
                status=response.status_code,
                code=_error_code(response),
            )
        info = response.json().get("CompanyInformation") or {}
        return Company(
            name=str(info.get("CompanyName") or ""),
            organisation_number=str(info.get("OrganizationNumber") or ""),
            database_number=str(info.get("DatabaseNumber") or ""),
        )

    # --- plumbing -----------------------------------------------------------------------

    def _token_call(
        self, path: str, form: dict, headers: dict | None = None, *, multipart: bool = False
    ) -> dict:
        all_headers = {"Authorization": self._basic, "Accept": "application/json"}
        all_headers.update(headers or {})
        body = {"files": {k: (None, v) for k, v in form.items()}} if multipart else {"data": form}
        endpoint = path.rsplit("/", 1)[-1]  # token, migrate, revoke
        response = self._send("POST", self.auth_url + path, endpoint, headers=all_headers, **body)
        _raise_for_temporary(response)
        if response.status_code == 200:
            return response.json()
        code = _error_code(response)
        reason = _error_text(response, code)
        if code == "invalid_client" or (response.status_code == 401 and code not in _GRANT_GONE):
            raise ClientRejected(
                f"Fortnox refused our client credentials ({reason})",
                status=response.status_code,
                code=code,
            )
        raise PermanentFailure(reason, status=response.status_code, code=code)

    def _send(self, method: str, url: str, endpoint: str, **kwargs) -> requests.Response:
        started = time.monotonic()
        status = "unreachable"
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            status = str(response.status_code)
            return response
        except requests.Timeout:
            status = "timeout"
            raise TemporaryFailure(
                f"Fortnox did not answer within {self.timeout:g} s", unanswered=True
            ) from None
        except requests.ConnectionError:
            waited = time.monotonic() - started
            raise TemporaryFailure(f"Fortnox could not be reached ({waited:.1f} s)") from None
        finally:
            self.metrics.fortnox_call(endpoint, status, time.monotonic() - started)


_MIGRATION_REASONS = {
    400: "Fortnox could not create OAuth tokens from the legacy token (400)",
    403: "Fortnox does not allow migrating this legacy token, e.g. licence (403)",
    404: "Fortnox does not know the legacy token any more (404)",
}


def _raise_for_temporary(response: requests.Response) -> None:
    status = response.status_code
    if status == 429:
        raise TemporaryFailure(
            "Fortnox's rate limit was reached (429)",
            status=429,
            retry_after=_retry_after(response.headers.get("Retry-After")),
        )
    if status >= 500:
        raise TemporaryFailure(f"Fortnox answered {status}", status=status)


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _error_code(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, str):
            return error
        if isinstance(error, dict):
            return str(error.get("code") or error.get("Code") or "")
        info = body.get("ErrorInformation")
        if isinstance(info, dict):
            return str(info.get("code") or info.get("Code") or "")
    return ""


def _error_text(response: requests.Response, code: str) -> str:
    detail = ""
    try:
        body = response.json()
        if isinstance(body, dict):
            detail = str(body.get("error_description") or body.get("message") or "")
    except ValueError:
        pass
    label = code or f"HTTP {response.status_code}"
    return f"Fortnox refused: {label}" + (f" ({detail[:200]})" if detail else "")


def _grant(answer: dict) -> Grant:
    try:
        return Grant(
            access_token=answer["access_token"],
            expires_in=int(answer.get("expires_in") or 3600),
            scope=str(answer.get("scope") or ""),
            refresh_token=answer.get("refresh_token"),
        )
    except (KeyError, TypeError, ValueError):
        raise TemporaryFailure("Fortnox answered a token call without a usable token") from None
