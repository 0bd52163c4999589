"""The one HTTP client services use to call each other: timeouts, the caller's credential,
correlation id and the browser's address."""

import requests

from servicekit.logs import client_address, current_correlation_id

CORRELATION_HEADER = "X-Correlation-ID"
CLIENT_ADDRESS_HEADER = "X-Client-Address"
INTERNAL_KEY_HEADER = "X-Internal-Key"


class ServiceClient:
    def __init__(self, base_url: str, internal_key: str, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers[INTERNAL_KEY_HEADER] = internal_key

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {}) or {}
        cid = current_correlation_id()
        if cid:
            headers.setdefault(CORRELATION_HEADER, cid)
        if address := client_address.get():
            headers.setdefault(CLIENT_ADDRESS_HEADER, address)
        kwargs.setdefault("timeout", self.timeout)
        return self.session.request(method, self.base_url + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)
