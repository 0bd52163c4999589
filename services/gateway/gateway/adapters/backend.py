"""The tokens and settings services' internal APIs, as the Resultat Finans pages use them.

Each call either answers, raises Unavailable (the service is down or failing: the page says so
and shows the rest), or raises Refused (the service said no: 4xx with the platform's error).
"""

import hashlib
import uuid
from dataclasses import dataclass, field

import requests
from servicekit.http import ServiceClient


class Unavailable(Exception):
    """The service did not answer usefully; `service` names it for the page."""

    def __init__(self, service: str):
        super().__init__(service)
        self.service = service


@dataclass
class Refused(Exception):
    status: int
    code: str
    message: str
    fields: dict = field(default_factory=dict)


class _Backend:
    name = ""

    def __init__(self, base_url: str, internal_key: str, timeout: float = 5.0):
        self.http = ServiceClient(base_url, internal_key, timeout)

    def _call(self, method: str, path: str, json=None) -> dict:
        try:
            response = self.http.request(method, path, json=json)
        except requests.RequestException as exc:
            raise Unavailable(self.name) from exc
        if response.status_code >= 500:
            raise Unavailable(self.name)
        try:
            body = response.json() if response.content else {}
        except ValueError:
            raise Unavailable(self.name) from None
        if response.status_code >= 400:
            error = body.get("error", {})
            raise Refused(
                response.status_code,
                error.get("code", "error"),
                error.get("message", ""),
                error.get("fields", {}),
            )
        return body


def _org(org_id: str) -> str:
    return str(uuid.UUID(org_id))


def session_ref(session_token: str) -> str:
    """What binds a Fortnox authorization to this browser session, without the session id."""
    return hashlib.sha256(session_token.encode()).hexdigest()[:40]


class TokensClient(_Backend):
    name = "tokens"

    def status(self, org_id: str) -> dict:
        return self._call("GET", f"/internal/organisations/{_org(org_id)}/fortnox")

    def start_connect(
        self, org_id: str, user_id: str, session_token: str, org_number: str | None = None
    ) -> dict:
        body = {
            "user_id": user_id,
            "session_ref": session_ref(session_token),
            "organisation_number": org_number,
        }
        return self._call("POST", f"/internal/organisations/{_org(org_id)}/fortnox/connect", body)

    def complete(self, query: dict, user_id: str, session_token: str) -> dict:
        body = {
            "state": query.get("state"),
            "code": query.get("code"),
            "error": query.get("error"),
            "error_description": query.get("error_description"),
            "user_id": user_id,
            "session_ref": session_ref(session_token),
        }
        return self._call("POST", "/internal/fortnox/callback", body)

    def check(self, org_id: str, user_id: str) -> dict:
        path = f"/internal/organisations/{_org(org_id)}/fortnox/check"
        return self._call("POST", path, {"user_id": user_id})

    def disconnect(self, org_id: str, user_id: str) -> dict:
        path = f"/internal/organisations/{_org(org_id)}/fortnox/disconnect"
        return self._call("POST", path, {"user_id": user_id})


class SettingsClient(_Backend):
    name = "settings"

    def overview(self, org_id: str) -> dict:
        return self._call("GET", f"/internal/organisations/{_org(org_id)}")

    def save_payment_method(self, org_id: str, form: dict, changed_by: str) -> dict:
        body = {**form, "changed_by": changed_by}
        return self._call("PUT", f"/internal/organisations/{_org(org_id)}/payment-method", body)
