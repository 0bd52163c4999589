"""Sandbox contract: the authorize flow (login, consent, refusal, bad requests)."""

import re
from urllib.parse import urlencode

import requests


def test_approval_redirects_to_the_client_with_a_code_and_the_state(fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant()
    result = fortnox_sandbox.connect(tenant, state="state-123")
    assert result.redirect_url.startswith(fortnox_sandbox.redirect_uri + "?")
    assert result.code and result.state == "state-123" and result.error is None


def test_refusal_redirects_with_access_denied_and_the_state(fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant()
    result = fortnox_sandbox.connect(tenant, state="s-refuse", approve=False)
    assert result.code is None
    assert result.error == "access_denied"
    assert result.error_description
    assert result.state == "s-refuse"


def _auth(fortnox_sandbox, **overrides):
    params = {
        "client_id": fortnox_sandbox.client_id,
        "redirect_uri": fortnox_sandbox.redirect_uri,
        "scope": "companyinformation",
        "state": "s",
        "access_type": "offline",
        "response_type": "code",
    } | overrides
    return requests.get(
        f"{fortnox_sandbox.base_url}/oauth-v1/auth?{urlencode(params)}",
        allow_redirects=False,
        timeout=10,
    )


def test_unknown_client_id_shows_an_error_page_and_never_redirects(fortnox_sandbox):
    response = _auth(fortnox_sandbox, client_id="someone-else")
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "client_id" in response.text and "FORTNOX" in response.text


def test_unregistered_redirect_uri_shows_an_error_page_and_never_redirects(fortnox_sandbox):
    response = _auth(fortnox_sandbox, redirect_uri="https://evil.example/callback")
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "redirect_uri" in response.text


def test_unknown_scope_is_an_error_sent_back_to_the_client(fortnox_sandbox):
    response = _auth(fortnox_sandbox, scope="companyinformation nosuchscope")
    assert response.status_code == 302
    assert "error=invalid_scope" in response.headers["Location"]
    assert "state=s" in response.headers["Location"]


def test_wrong_password_shows_the_login_page_again_with_a_message(fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant()
    browser = requests.Session()
    page = browser.get(fortnox_sandbox.authorize_url("s"), timeout=10)
    assert "Användarnamn" in page.text and "LOGGA IN" in page.text
    assert "t ex jocke@38950" in page.text and "Logga in med BankID" in page.text
    hidden = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    form = {
        "csrf_token": hidden["csrf_token"],
        "request": hidden["request"],
        "username": tenant.username,
        "password": "wrong",
    }
    response = browser.post(
        f"{fortnox_sandbox.base_url}/oauth-v1/auth/login",
        data=form,
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 401
    assert "Felaktigt användarnamn eller lösenord" in response.text
    assert "Lösenord" in response.text


def test_login_form_without_csrf_token_is_refused(fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant()
    browser = requests.Session()
    page = browser.get(fortnox_sandbox.authorize_url("s"), timeout=10)
    request_id = re.search(r'name="request" value="([^"]*)"', page.text).group(1)
    response = browser.post(
        f"{fortnox_sandbox.base_url}/oauth-v1/auth/login",
        data={"request": request_id, "username": tenant.username, "password": tenant.password},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_service_account_needs_a_system_administrator(fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant(system_admin=False)
    url = fortnox_sandbox.authorize_url("s", account_type="service")
    try:
        fortnox_sandbox.consent(url, tenant.username, tenant.password)
    except AssertionError as refused:
        assert "systemadministratör" in str(refused)
    else:
        raise AssertionError("a user who is not system administrator approved a service account")


def test_bankid_says_it_is_not_available_in_the_sandbox(fortnox_sandbox):
    browser = requests.Session()
    page = browser.get(fortnox_sandbox.authorize_url("s"), timeout=10)
    bankid = browser.get(page.url + "&notice=bankid", timeout=10)
    assert "BankID finns inte i sandlådan" in bankid.text


def test_pages_load_nothing_from_third_parties(fortnox_sandbox):
    page = requests.get(fortnox_sandbox.authorize_url("s"), timeout=10)
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert 'src="http' not in page.text and 'href="http' not in page.text.replace(
        'href="https://www.fortnox.se/"', ""
    )
    assert 'name="viewport"' in page.text
