"""The tokens and settings services' internal APIs, as the Resultat Finans pages use them.

Each call either answers, raises ServiceUnavailable (the service is down or failing: the page
says so and shows the rest), or raises ServiceRefused (the service said no: 4xx with the
platform's error); both from servicekit.http.
"""

import uuid
from collections.abc import Mapping

from servicekit.assertions import HEADER as ASSERTION_HEADER
from servicekit.http import ServiceClient


class _Backend:
    name = ""

    def __init__(self, base_url: str, credential: Mapping[str, str], timeout: float = 5.0):
        self.http = ServiceClient(self.name, base_url, credential, timeout)

    def _call(self, method: str, path: str, json=None, assertion: str | None = None) -> dict:
        """`assertion`: auth's word on who starts the action, for the actions that need it."""
        headers = {ASSERTION_HEADER: assertion} if assertion else None
        return self.http.call(method, path, json, headers)


def _org(org_id: str) -> str:
    return str(uuid.UUID(org_id))


class TokensClient(_Backend):
    name = "tokens"

    def status(self, org_id: str) -> dict:
        return self._call("GET", f"/internal/organisations/{_org(org_id)}/fortnox")

    def start_connect(self, org_id: str, assertion: str) -> dict:
        path = f"/internal/organisations/{_org(org_id)}/fortnox/connect"
        return self._call("POST", path, {}, assertion)

    def complete(self, query: dict, assertion: str) -> dict:
        body = {name: query.get(name) for name in ("state", "code", "error", "error_description")}
        return self._call("POST", "/internal/fortnox/callback", body, assertion)

    def history(self, org_id: str) -> list[dict]:
        """Händelser: the connection's last 20 events, redacted for its customer."""
        path = f"/internal/organisations/{_org(org_id)}/fortnox/history"
        return self._call("GET", path)["entries"]

    def check(self, org_id: str, assertion: str) -> dict:
        path = f"/internal/organisations/{_org(org_id)}/fortnox/check"
        return self._call("POST", path, {}, assertion)

    def disconnect(self, org_id: str, assertion: str) -> dict:
        path = f"/internal/organisations/{_org(org_id)}/fortnox/disconnect"
        return self._call("POST", path, {}, assertion)


class SettingsClient(_Backend):
    name = "settings"

    def overview(self, org_id: str) -> dict:
        return self._call("GET", f"/internal/organisations/{_org(org_id)}")

    def save_payment_method(self, org_id: str, form: dict, assertion: str) -> dict:
        path = f"/internal/organisations/{_org(org_id)}/payment-method"
        return self._call("PUT", path, form, assertion)
