"""The one HTTP client services use to call each other: pooled keep-alive connections, timeouts,
the caller's credential, the correlation id, the browser's address (for the services' security
events), and every answer mapped to one of two outcomes.

A call answers the JSON body, or raises ServiceUnavailable (no answer, a 5xx, an unreadable
body: the caller says "try again shortly", 503) or ServiceRefused (the service answered 4xx with
the platform's error shape). It is urllib3 directly: `requests` spent about 2 ms of every call
on environment and proxy look-ups that a call to a known internal address never needs.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import urllib3

from servicekit.logs import client_address, current_correlation_id
from servicekit.outage import DependencyUnavailable

CORRELATION_HEADER = "X-Correlation-ID"
CLIENT_ADDRESS_HEADER = "X-Client-Address"
INTERNAL_KEY_HEADER = "X-Internal-Key"
# Connections kept open per client and process: as many as calls to one service can be in
# flight at once (the gateway's 16 threads, each with two look-ups of the tokens service). A
# call beyond it opens a connection of its own instead of waiting, closed after its answer.
POOL_SIZE = 32
REPEATABLE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})


class ServiceUnavailable(DependencyUnavailable):
    """The service did not answer usefully; `service` names it. Like every unavailable
    dependency it answers 503 + Retry-After wherever nobody catches it."""

    def __init__(self, service: str, reason: str = ""):
        super().__init__(service, reason)
        self.service = service


@dataclass
class ServiceRefused(Exception):
    """The service said no (4xx) with the platform's error shape."""

    status: int
    code: str
    message: str
    fields: dict = field(default_factory=dict)
    retry_after: int | None = None


def internal_key(key: str) -> dict[str, str]:
    """The credential header of the calling service's own key (servicekit.callers)."""
    return {INTERNAL_KEY_HEADER: key}


class ServiceClient:
    """Calls to one service. `credential` is the headers that say who calls (see internal_key)."""

    def __init__(
        self, service: str, base_url: str, credential: Mapping[str, str], timeout: float = 5.0
    ):
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.prefix = urllib3.util.parse_url(self.base_url).path or ""
        self.headers = {"Accept": "application/json", **credential}
        # urllib3 retries nothing itself: call() decides what may be sent twice.
        self.pool = urllib3.connection_from_url(
            self.base_url,
            maxsize=POOL_SIZE,
            block=False,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
            retries=False,
        )

    def call(
        self,
        method: str,
        path: str,
        json_body=None,
        headers: Mapping | None = None,
        timeout: float | None = None,
        repeatable: bool | None = None,
    ):
        """The answer's JSON body ({} when empty); raises ServiceUnavailable or ServiceRefused.
        `timeout` replaces the client's for this call. `repeatable` (GET, PUT and DELETE are):
        the call may be sent again once when its kept-alive connection broke before any answer
        (the service closed it as idle just as it was reused)."""
        sent = {**self.headers, **(headers or {})}
        cid = current_correlation_id()
        if cid:
            sent.setdefault(CORRELATION_HEADER, cid)
        if address := client_address.get():
            sent.setdefault(CLIENT_ADDRESS_HEADER, address)
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        if repeatable is None:
            repeatable = method in REPEATABLE_METHODS
        wait = self._wait(timeout)
        try:
            try:
                answer = self.pool.urlopen(method, self.prefix + path, body, sent, timeout=wait)
            except urllib3.exceptions.ProtocolError:
                if not repeatable:
                    raise
                answer = self.pool.urlopen(method, self.prefix + path, body, sent, timeout=wait)
        except urllib3.exceptions.HTTPError as exc:
            raise ServiceUnavailable(self.service, type(exc).__name__) from exc
        if answer.status >= 500:
            raise ServiceUnavailable(self.service, f"answered {answer.status}")
        try:
            parsed = json.loads(answer.data) if answer.data else {}
        except ValueError:
            raise ServiceUnavailable(self.service, "answered no JSON") from None
        if answer.status >= 400:
            raise _refused(answer.status, parsed, answer.headers.get("Retry-After"))
        return parsed

    def _wait(self, timeout: float | None) -> urllib3.Timeout:
        return urllib3.Timeout(connect=self.timeout, read=timeout or self.timeout)

    def close(self) -> None:
        self.pool.close()


def _refused(status: int, body, retry_after: str | None) -> ServiceRefused:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    return ServiceRefused(
        status,
        error.get("code", "error"),
        error.get("message", ""),
        error.get("fields", {}),
        int(retry_after) if retry_after and retry_after.isdigit() else None,
    )
