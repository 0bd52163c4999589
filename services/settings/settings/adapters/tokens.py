"""The tokens service's status API, the source a rebuild of company info asks."""

from collections.abc import Mapping

from servicekit.http import ServiceClient, ServiceRefused, ServiceUnavailable

from settings.domain.errors import TokensUnavailable


class TokensStatus:
    def __init__(self, base_url: str, credential: Mapping[str, str], timeout: float = 5.0):
        self.client = ServiceClient("tokens", base_url, credential, timeout)

    def status(self, org_id: str) -> dict:
        """GET /internal/organisations/<org_id>/fortnox; raises TokensUnavailable when tokens
        does not answer or refuses settings (a refusal is a misconfiguration, not an answer)."""
        path = f"/internal/organisations/{org_id}/fortnox"
        try:
            return self.client.call("GET", path)
        except ServiceUnavailable as exc:
            raise TokensUnavailable(str(exc)) from exc
        except ServiceRefused as exc:
            raise TokensUnavailable(f"answered {exc.status}") from exc
