"""The one place that wires the sandbox: pool, signing key, the registered client."""

import hmac
import time
from dataclasses import dataclass, field

from psycopg_pool import ConnectionPool
from servicekit.db import transaction

from fortnox_sandbox.adapters import control, keys
from fortnox_sandbox.domain.rules import (
    PROXY_HTML,
    PROXY_TEXT,
    AuthorizeError,
    OAuthError,
    RawAnswer,
    RestError,
)


@dataclass
class Client:
    """The one registered integration (Fortnox's developer portal would hold many)."""

    client_id: str
    secret: str
    redirect_uris: list[str]
    default_scopes: list[str] = field(default_factory=list)

    def secret_matches(self, presented: str) -> bool:
        return hmac.compare_digest(presented.encode(), self.secret.encode())


@dataclass
class Sandbox:
    pool: ConnectionPool
    signer: keys.JwtSigner
    client: Client
    session_key: bytes

    def count(self, name: str, tenant_id: int | None, label: str = "") -> None:
        """Counters are written on their own so a failed call is still counted."""
        with transaction(self.pool) as conn:
            control.count(conn, name, tenant_id, label)

    def apply_fault(self, endpoint: str) -> None:
        """Serve the next injected fault of this endpoint, if any: answer an error or hang."""
        with transaction(self.pool) as conn:
            fault = control.take_fault(conn, endpoint)
            if fault:
                control.count(conn, "faults_served", None, endpoint)
        if not fault:
            return
        if fault["hang_seconds"]:
            time.sleep(fault["hang_seconds"])
        if not fault["status"]:
            return
        raise fault_answer(endpoint, fault)


def fault_answer(endpoint: str, fault: dict) -> Exception:
    """The answer an injected fault gives, in the shape it asks for (see domain.control.FAULT_BODIES)."""
    status, shape, error = fault["status"], fault["body"], fault["error"]
    headers = {}
    if fault["retry_after"] is not None:  # a 429 without Retry-After is a case of its own
        headers["Retry-After"] = str(fault["retry_after"])
    message = "Too Many Requests" if status == 429 else "Injected fault (sandbox)"
    if shape == "empty":
        return RawAnswer(status, "", None, headers)
    if shape == "text":
        return RawAnswer(status, PROXY_TEXT, "text/plain", headers)
    if shape == "html":
        return RawAnswer(status, PROXY_HTML.format(status=status), "text/html", headers)
    if endpoint == "auth" and not shape:
        return AuthorizeError("Tjänsten är inte tillgänglig just nu. Försök igen.", status)
    if shape == "error_information" or (endpoint == "companyinformation" and not shape):
        code = int(error) if error.isdigit() else (1000003 if status >= 500 else 0)
        return RestError(status, code, message, headers)
    default = "temporarily_unavailable" if status in (429, 503) else "server_error"
    return OAuthError(status, error or default, message, headers)


def bootstrap(pool: ConnectionPool, config: dict) -> Sandbox:
    if not config.get("CLIENT_SECRET"):
        raise RuntimeError("SANDBOX_CLIENT_SECRET is not set; `make run` creates one locally")
    with transaction(pool) as conn:
        kid, jwt_key = keys.load_or_create(conn, keys.JWT_KEY)
        _, session_key = keys.load_or_create(conn, keys.SESSION_KEY)
    client = Client(
        client_id=config["CLIENT_ID"],
        secret=config["CLIENT_SECRET"],
        redirect_uris=list(config["REDIRECT_URIS"]),
        default_scopes=list(config.get("DEFAULT_SCOPES") or []),
    )
    return Sandbox(pool, keys.JwtSigner(kid, jwt_key), client, session_key)
