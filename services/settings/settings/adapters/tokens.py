"""The tokens service's status API, the source a rebuild of company info asks."""

import uuid

from servicekit.http import ServiceClient


class TokensUnavailable(Exception):
    pass


class TokensStatus:
    def __init__(self, base_url: str, internal_key: str, timeout: float = 5.0):
        self.client = ServiceClient(base_url, internal_key, timeout)

    def status(self, org_id: str) -> dict:
        """GET /internal/organisations/<org_id>/fortnox; raises TokensUnavailable."""
        path = f"/internal/organisations/{uuid.UUID(org_id)}/fortnox"
        try:
            response = self.client.get(path)
        except OSError as exc:  # requests' errors derive from OSError
            raise TokensUnavailable(f"tokens service unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise TokensUnavailable(f"tokens service answered {response.status_code}")
        return response.json()
