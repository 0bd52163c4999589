"""The tokens service's internal API, as the Resultat Finans pages use it.

Each call answers the body or raises servicekit.http's ServiceUnavailable (the service is down
or failing: the page says so and shows the rest) or ServiceRefused (it said no: 4xx with the
platform's error). `assertion` is auth's word on who starts the action (servicekit.assertions),
for the calls that change something.
"""

from collections.abc import Mapping

from servicekit.http import ServiceClient

from gateway.adapters import vouched_by


class TokensClient:
    def __init__(self, base_url: str, credential: Mapping[str, str]):
        self.http = ServiceClient("tokens", base_url, credential)

    def status(self, org_id: str) -> dict:
        return self.http.call("GET", f"/internal/organisations/{org_id}/fortnox")

    def start_connect(self, org_id: str, assertion: str) -> dict:
        path = f"/internal/organisations/{org_id}/fortnox/connect"
        return self.http.call("POST", path, {}, vouched_by(assertion))

    def complete(self, query: dict, assertion: str) -> dict:
        body = {name: query.get(name) for name in ("state", "code", "error", "error_description")}
        return self.http.call("POST", "/internal/fortnox/callback", body, vouched_by(assertion))

    def overview(self, org_id: str) -> dict:
        """The status and Händelser (`history`: the last 20 events, redacted for the customer)
        in one look-up."""
        return self.http.call("GET", f"/internal/organisations/{org_id}/fortnox/overview")

    def check(self, org_id: str, assertion: str) -> dict:
        path = f"/internal/organisations/{org_id}/fortnox/check"
        return self.http.call("POST", path, {}, vouched_by(assertion))

    def disconnect(self, org_id: str, assertion: str) -> dict:
        path = f"/internal/organisations/{org_id}/fortnox/disconnect"
        return self.http.call("POST", path, {}, vouched_by(assertion))
