"""SandboxControl: a thin client of the sandbox's /_control/ API."""

import requests


class SandboxControl:
    """Thin client of /_control/ (see the module docstring for the calls)."""

    def __init__(self, base_url: str, client_id: str, client_secret: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.auth = (client_id, client_secret)

    def _call(self, method: str, path: str, json: dict | None = None, expect=(200, 201, 204)):
        response = self.http.request(
            method, f"{self.base_url}/_control{path}", json=json, timeout=30
        )
        if response.status_code not in expect:
            raise AssertionError(f"control {method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def inject_fault(
        self,
        endpoint: str,
        status: int | None = None,
        *,
        count: int = 1,
        retry_after: int | None = None,
        hang_seconds: float | None = None,
        body: str = "",
        error: str = "",
    ) -> int:
        """`body`: '' (the endpoint's own shape), oauth, error_information, empty, text, html;
        `error`: the OAuth error or ErrorInformation code it carries."""
        body = {
            "endpoint": endpoint,
            "status": status,
            "count": count,
            "retry_after": retry_after,
            "hang_seconds": hang_seconds,
            "body": body,
            "error": error,
        }
        return self._call("POST", "/faults", body)["id"]

    def faults(self) -> list[dict]:
        return self._call("GET", "/faults")["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def revoke_consent(self, tenant_id: int) -> None:
        self._call("POST", f"/tenants/{tenant_id}/revoke-consent")

    def move_to_service_account(self, tenant_id: int) -> dict:
        """Fortnox moves the tenant's refresh-token integration to a service account."""
        return self._call("POST", f"/tenants/{tenant_id}/service-account")

    def expire_tokens(self, tenant_id: int) -> int:
        return self._call("POST", f"/tenants/{tenant_id}/expire-tokens")["expired"]

    def set_licensed(self, tenant_id: int, licensed: bool) -> None:
        self._call("POST", f"/tenants/{tenant_id}/flags", {"licensed": licensed})

    def set_migrate_fails(self, tenant_id: int, fails: bool) -> None:
        self._call("POST", f"/tenants/{tenant_id}/flags", {"migrate_fails": fails})

    def age(self, tenant_id: int, seconds: float) -> None:
        self._call("POST", f"/tenants/{tenant_id}/age", {"seconds": seconds})

    def tenant_state(self, tenant_id: int) -> dict:
        return self._call("GET", f"/tenants/{tenant_id}")

    def counters(self, tenant_id: int | None = None) -> dict:
        query = f"?tenant_id={tenant_id}" if tenant_id is not None else ""
        return self._call("GET", f"/counters{query}")

    def reset_counters(self) -> None:
        self._call("DELETE", "/counters")

    def create_tenant(self, **fields) -> dict:
        return self._call("POST", "/tenants", fields)

    def create_tenants_bulk(self, count: int, legacy_tokens: bool = True) -> list[dict]:
        body = {"count": count, "legacy_tokens": legacy_tokens}
        return self._call("POST", "/tenants/bulk", body)["tenants"]

    def create_user(
        self,
        tenant_id: int,
        *,
        password: str,
        username: str | None = None,
        full_name: str = "Test Användare",
        system_admin: bool = True,
    ) -> dict:
        body = {
            "password": password,
            "username": username,
            "full_name": full_name,
            "system_admin": system_admin,
        }
        return self._call("POST", f"/tenants/{tenant_id}/users", body)

    def create_legacy_token(self, tenant_id: int, client_id: str | None = None) -> str:
        body = {"client_id": client_id} if client_id else {}
        return self._call("POST", f"/tenants/{tenant_id}/legacy-tokens", body)["legacy_token"]

    def add_redirect_uri(self, uri: str) -> None:
        self._call("POST", "/redirect-uris", {"uri": uri})
