"""SandboxServer: a running sandbox as tests see it, and the browser part of the OAuth flow."""

import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import requests

from fortnox_sandbox.harness.control import SandboxControl

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

    def revoke_legacy(
        self, legacy_token: str, *, with_client: bool = False, multipart: bool = True
    ):
        """Fortnox's documented call for an old-type token: multipart `token`, nothing else
        (`with_client` adds the client's Basic credentials; `multipart=False` sends the form
        url-encoded instead, which Fortnox's page does not show and the sandbox refuses)."""
        body = {"files": {"token": (None, legacy_token)}}
        if not multipart:
            body = {"data": {"token": legacy_token}}
        return requests.post(
            f"{self.auth_url}/oauth-v1/revoke",
            auth=(self.client_id, self.client_secret) if with_client else None,
            timeout=30,
            **body,
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
