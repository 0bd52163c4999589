"""The settings service's internal API, as the Resultat Finans pages use it; answers and errors
as in gateway.adapters.tokens_client."""

from collections.abc import Mapping

from servicekit.http import ServiceClient

from gateway.adapters import vouched_by


class SettingsClient:
    def __init__(self, base_url: str, credential: Mapping[str, str]):
        self.http = ServiceClient("settings", base_url, credential)

    def overview(self, org_id: str) -> dict:
        return self.http.call("GET", f"/internal/organisations/{org_id}")

    def save_payment_method(self, org_id: str, form: dict, assertion: str) -> dict:
        path = f"/internal/organisations/{org_id}/payment-method"
        return self.http.call("PUT", path, form, vouched_by(assertion))
