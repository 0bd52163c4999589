"""Pytest plugin (auto-loaded through the `pytest11` entry point): the Fortnox sandbox for tests.

Fixtures
--------
``fortnox_sandbox`` (session)
    Starts the sandbox under real gunicorn (2 workers, gthread) on a free 127.0.0.1 port, with a
    throwaway database (``make_database``), the control API enabled and a random client secret.
    Yields a :class:`SandboxServer`:

    - ``base_url`` (== ``auth_url`` == ``api_url``: use it for FORTNOX_AUTH_URL and
      FORTNOX_API_URL), ``client_id``, ``client_secret``, ``redirect_uri`` (the first of
      ``redirect_uris``), ``database_url``;
    - ``env()``: the FORTNOX_* variables a service under test needs to talk to it;
    - ``control``: a :class:`SandboxControl` (one method per control call, see below);
    - ``create_tenant(...)`` -> :class:`Tenant` (tenant_id, company_name, organization_number,
      username, password, legacy_token; a system-administrator user and a legacy token by
      default);
    - ``authorize_url(state, scopes=..., account_type=None, redirect_uri=None)``;
    - ``consent(url, username, password, approve=True)`` -> :class:`Authorization`: drives the
      Fortnox login and "Godkänn behörigheter" (or the refusal) over HTTP with ``requests``, as
      a browser would, and returns the final redirect's ``code``/``state`` (or ``error``,
      ``error_description``) without following it. ``url`` is any authorize URL, for instance
      the one the tokens service built;
    - ``connect(tenant, ...)``: ``authorize_url`` + ``consent`` in one call;
    - ``token(...)``, ``refresh(...)``, ``client_credentials(...)``, ``migrate(...)``,
      ``revoke(...)``, ``company_information(...)``: raw ``requests.Response`` of the real
      endpoints, for tests that check the sandbox itself.

``fortnox_sandbox_redirect_uris`` (session)
    The redirect URIs registered at start; override it in a conftest.py to register your own.
    More can be added at run time with ``control.add_redirect_uri(uri)``.

Control calls (``SandboxControl``; each raises on an unexpected status)
    ``inject_fault(endpoint, status=None, count=1, retry_after=None, hang_seconds=None)`` with
    endpoint one of auth, token, migrate, revoke, companyinformation and status 500, 503 or 429
    (faults are global: call ``clear_faults()`` after your test); ``faults()``;
    ``revoke_consent(tenant_id)`` (the customer removes the integration: consents, refresh and
    access tokens end); ``expire_tokens(tenant_id)`` (access tokens expire now);
    ``set_licensed(tenant_id, bool)`` (False: migrate answers 403);
    ``set_migrate_fails(tenant_id, bool)`` (True: migrate answers 400);
    ``age(tenant_id, seconds)`` (moves the tenant's codes and tokens into the past, e.g.
    45 days for refresh-token expiry); ``tenant_state(tenant_id)``;
    ``counters(tenant_id=None)`` -> dict with ``token_calls``, ``invalid_grant``,
    ``migrate_calls``, ``faults_served`` (each {label: n, "total": n}) and ``refreshes``,
    ``companyinformation_calls``, ``revoke_calls``, ``rate_limited`` (ints);
    ``reset_counters()``; ``create_tenant(**fields)``, ``create_user(tenant_id, ...)``,
    ``create_legacy_token(tenant_id, client_id=None)``, ``create_tenants_bulk(count)``;
    ``add_redirect_uri(uri)``.

The sandbox is shared by the whole session: create your own tenant per test rather than using
fixed ids, and read counters per tenant.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import pytest
import requests

from fortnox_sandbox.entrypoints.api import MIGRATIONS

CLIENT_ID = "rf-test-client"
DEFAULT_REDIRECT_URIS = ["http://127.0.0.1:9/fortnox/callback"]
DEFAULT_SCOPES = ["companyinformation", "settings"]
TEST_PASSWORD = "sandbox-test-password"
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


@dataclass
class Tenant:
    tenant_id: int
    company_name: str
    organization_number: str
    username: str | None
    password: str | None
    legacy_token: str | None


@dataclass
class Authorization:
    """Where the sandbox finally sent the browser: ``code``+``state`` or ``error``+``state``."""

    redirect_url: str
    code: str | None
    state: str | None
    error: str | None
    error_description: str | None


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
    ) -> int:
        body = {
            "endpoint": endpoint,
            "status": status,
            "count": count,
            "retry_after": retry_after,
            "hang_seconds": hang_seconds,
        }
        return self._call("POST", "/faults", body)["id"]

    def faults(self) -> list[dict]:
        return self._call("GET", "/faults")["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def revoke_consent(self, tenant_id: int) -> None:
        self._call("POST", f"/tenants/{tenant_id}/revoke-consent")

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


class SandboxServer:
    def __init__(
        self, base_url: str, client_secret: str, redirect_uris: list[str], database_url: str
    ):
        self.base_url = self.auth_url = self.api_url = base_url
        self.client_id = CLIENT_ID
        self.client_secret = client_secret
        self.redirect_uris = list(redirect_uris)
        self.redirect_uri = redirect_uris[0]
        self.database_url = database_url
        self.scopes = list(DEFAULT_SCOPES)
        self.control = SandboxControl(base_url, CLIENT_ID, client_secret)

    def env(self) -> dict:
        return {
            "FORTNOX_AUTH_URL": self.base_url,
            "FORTNOX_API_URL": self.base_url,
            "FORTNOX_CLIENT_ID": self.client_id,
            "FORTNOX_CLIENT_SECRET": self.client_secret,
            "FORTNOX_SCOPES": " ".join(self.scopes),
        }

    # --- accounts -------------------------------------------------------------------------
    def create_tenant(
        self,
        *,
        company_name: str | None = None,
        organization_number: str | None = None,
        with_user: bool = True,
        system_admin: bool = True,
        legacy_token: bool = True,
        password: str = TEST_PASSWORD,
    ) -> Tenant:
        fields = {
            "legacy_token": legacy_token,
            "users": [{"password": password, "system_admin": system_admin}] if with_user else [],
        }
        if company_name:
            fields["company_name"] = company_name
        if organization_number:
            fields["organization_number"] = organization_number
        created = self.control.create_tenant(**fields)
        user = created["users"][0]["username"] if with_user else None
        return Tenant(
            created["tenant_id"],
            created["company_name"],
            created["organization_number"],
            user,
            password if with_user else None,
            created["legacy_token"],
        )

    # --- the browser part -----------------------------------------------------------------
    def authorize_url(
        self,
        state: str,
        *,
        scopes: list[str] | None = None,
        account_type: str | None = None,
        redirect_uri: str | None = None,
    ) -> str:
        params = {
            "client_id": self.client_id,
            "redirect_uri": redirect_uri or self.redirect_uri,
            "scope": " ".join(scopes or self.scopes),
            "state": state,
            "access_type": "offline",
            "response_type": "code",
        }
        if account_type:
            params["account_type"] = account_type
        return f"{self.auth_url}/oauth-v1/auth?{urlencode(params)}"

    def consent(
        self, url: str, username: str, password: str, *, approve: bool = True
    ) -> Authorization:
        """Log in and approve (or refuse) as a browser would; stops at the final redirect."""
        browser = requests.Session()
        page = _follow_within(browser, url, self.base_url)
        if isinstance(page, Authorization):
            return page
        page = _submit(
            browser,
            page,
            "/oauth-v1/auth/login",
            {"username": username, "password": password},
            self.base_url,
        )
        if isinstance(page, Authorization):
            return page
        if "Godkänn behörigheter" not in page.text:
            raise AssertionError(f"login was refused ({page.status_code}): {_alert(page.text)}")
        decision = {"decision": "approve" if approve else "deny"}
        result = _submit(browser, page, "/oauth-v1/auth/consent", decision, self.base_url)
        if not isinstance(result, Authorization):
            raise AssertionError(f"consent did not redirect ({result.status_code})")
        return result

    def connect(
        self,
        tenant: Tenant,
        *,
        state: str | None = None,
        approve: bool = True,
        account_type: str | None = None,
        scopes: list[str] | None = None,
        redirect_uri: str | None = None,
    ) -> Authorization:
        url = self.authorize_url(
            state or secrets.token_urlsafe(8),
            scopes=scopes,
            account_type=account_type,
            redirect_uri=redirect_uri,
        )
        return self.consent(url, tenant.username, tenant.password, approve=approve)

    # --- raw endpoint calls ---------------------------------------------------------------
    def _post(self, path: str, data: dict, headers: dict | None = None, auth=None):
        return requests.post(
            f"{self.auth_url}{path}",
            data=data,
            headers=headers or {},
            auth=auth or (self.client_id, self.client_secret),
            timeout=30,
        )

    def token(self, code: str, redirect_uri: str | None = None, auth=None):
        return self._post(
            "/oauth-v1/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri or self.redirect_uri,
            },
            auth=auth,
        )

    def refresh(self, refresh_token: str, auth=None):
        return self._post(
            "/oauth-v1/token",
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            auth=auth,
        )

    def client_credentials(self, tenant_id: int | str, auth=None):
        return self._post(
            "/oauth-v1/token",
            {"grant_type": "client_credentials"},
            headers={"TenantId": str(tenant_id)},
            auth=auth,
        )

    def migrate(self, legacy_token: str, auth=None):
        return self._post("/oauth-v1/migrate", {"access_token": legacy_token}, auth=auth)

    def revoke(self, refresh_token: str, auth=None):
        return self._post(
            "/oauth-v1/revoke",
            {"token_type_hint": "refresh_token", "token": refresh_token},
            auth=auth,
        )

    def company_information(
        self, access_token: str | None = None, *, legacy_token: str | None = None
    ):
        if legacy_token:
            headers = {"Access-Token": legacy_token, "Client-Secret": self.client_secret}
        else:
            headers = {"Authorization": f"Bearer {access_token}"}
        return requests.get(f"{self.api_url}/3/companyinformation", headers=headers, timeout=30)


def _as_authorization(location: str) -> Authorization:
    query = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    return Authorization(
        location,
        query.get("code"),
        query.get("state"),
        query.get("error"),
        query.get("error_description"),
    )


def _follow_within(browser: requests.Session, url: str, base_url: str):
    """GET and follow redirects while they stay on the sandbox; a redirect away is the result."""
    for _ in range(5):
        response = browser.get(url, allow_redirects=False, timeout=30)
        if response.status_code not in (301, 302, 303, 307, 308):
            if response.status_code != 200:
                raise AssertionError(f"{url}: {response.status_code} {_alert(response.text)}")
            return response
        url = urljoin(url, response.headers["Location"])
        if not url.startswith(base_url):
            return _as_authorization(url)
    raise AssertionError("too many redirects inside the sandbox")


def _submit(
    browser: requests.Session, page: requests.Response, action: str, fields: dict, base_url: str
):
    form = dict(_HIDDEN.findall(page.text)) | fields
    response = browser.post(base_url + action, data=form, allow_redirects=False, timeout=30)
    if response.status_code in (302, 303):
        target = urljoin(base_url, response.headers["Location"])
        if not target.startswith(base_url):
            return _as_authorization(target)
        return _follow_within(browser, target, base_url)
    return response


def _alert(html: str) -> str:
    match = re.search(r'role="alert">([^<]*)<', html)
    return match.group(1) if match else html[:200]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the sandbox exited: {log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{base_url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or workers still booting
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the sandbox did not answer within 60 s: {log_path.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def fortnox_sandbox_redirect_uris() -> list[str]:
    return list(DEFAULT_REDIRECT_URIS)


@pytest.fixture(scope="session")
def fortnox_sandbox(make_database, fortnox_sandbox_redirect_uris):
    database_url = make_database(MIGRATIONS, prefix="t_sandbox")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    client_secret = secrets.token_urlsafe(24)
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"} | {
        "FORTNOX_SANDBOX_DATABASE_URL": database_url,
        "FORTNOX_CLIENT_ID": CLIENT_ID,
        "SANDBOX_CLIENT_SECRET": client_secret,
        "SANDBOX_REDIRECT_URIS": " ".join(fortnox_sandbox_redirect_uris),
        "SANDBOX_CONTROL_ENABLED": "true",
        "FORTNOX_SCOPES": " ".join(DEFAULT_SCOPES),
        "LOG_LEVEL": "WARNING",
    }
    log = tempfile.NamedTemporaryFile("w+", prefix="fortnox-sandbox-", suffix=".log", delete=False)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "2",
        "-k",
        "gthread",
        "--threads",
        "8",
        "--timeout",
        "120",
        "-b",
        f"127.0.0.1:{port}",
        "fortnox_sandbox.entrypoints.api:create_app()",
    ]
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        _wait_until_healthy(process, base_url, Path(log.name))
        yield SandboxServer(base_url, client_secret, fortnox_sandbox_redirect_uris, database_url)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        os.unlink(log.name)
