"""What ends or lessens a session holds from the very next request, in every gateway process.

Two gateway masters with two workers each in front of one auth service. Before each change the
session is used on every master (so a process that kept anything would now hold it); right after
the change, every answer of every master already says the new thing: the gateway keeps no
session between requests.
"""

import re
import subprocess
import sys

import pytest
import requests
from servicekit.testing import internal_headers

from .conftest import DEMO_ORG_ID, DEMO_PASSWORD, ROOT, SERVICES, Platform, Scale

ROUNDS = 6  # fresh connections per master: they land on its workers in turn
ADMIN_COLUMN = '<span class="visually-hidden">Åtgärd</span>'


@pytest.fixture(scope="module")
def gateways(make_database, tmp_path_factory):
    specs = [spec for spec in SERVICES if spec.name in ("auth", "gateway")]
    scale = Scale(instances={"gateway": 2}, web_workers={"gateway": 2})
    running = Platform(make_database, tmp_path_factory.mktemp("revocation"), specs, scale=scale)
    try:
        yield running.start()
    finally:
        running.stop()


def log_in(platform, identifier: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(platform.url("/logga-in"), timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"identifier": identifier, "password": DEMO_PASSWORD, "csrf_token": token}
    answer = browser.post(platform.url("/logga-in"), data=form, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text
    return browser


def session_of(browser: requests.Session) -> str:
    return browser.cookies["rf_session"]


def every_process(platform, session: str, path: str = "/") -> list[requests.Response]:
    """The page as each gateway master's workers answer it, each on a new connection."""
    return [
        requests.get(url + path, cookies={"rf_session": session}, allow_redirects=False, timeout=30)
        for url in platform.web_urls["gateway"]
        for _ in range(ROUNDS)
    ]


def assert_signed_in_everywhere(platform, session: str) -> None:
    assert {answer.status_code for answer in every_process(platform, session)} == {200}


def assert_refused_everywhere(platform, session: str) -> None:
    answers = every_process(platform, session)
    assert {answer.status_code for answer in answers} == {302}
    assert all("/logga-in" in answer.headers["Location"] for answer in answers)


def admin_view_everywhere(platform, session: str) -> set[bool]:
    answers = every_process(platform, session, "/organisation")
    assert {answer.status_code for answer in answers} == {200}
    return {ADMIN_COLUMN in answer.text for answer in answers}


def as_member(platform, session: str, method: str, path: str, **kwargs) -> requests.Response:
    """An organisation action through auth's internal API, as the gateway makes it."""
    headers = internal_headers(path) | {"X-Session-Token": session}
    url = platform.env["AUTH_URL"] + path
    return requests.request(method, url, headers=headers, timeout=30, **kwargs)


def test_log_out_holds_in_every_gateway_process_at_once(gateways):
    browser = log_in(gateways, "900232")
    session = session_of(browser)
    assert_signed_in_everywhere(gateways, session)
    page = browser.get(gateways.url("/"), timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    out = browser.post(gateways.url("/logga-ut"), data={"csrf_token": token}, timeout=30)
    assert out.status_code == 200
    assert_refused_everywhere(gateways, session)


def test_a_password_change_ends_the_other_sessions_in_every_gateway_process(gateways):
    gateways.add_demo_member("petra@jlmdata.se")
    changing = session_of(log_in(gateways, "petra@jlmdata.se"))
    other = session_of(log_in(gateways, "petra@jlmdata.se"))
    assert_signed_in_everywhere(gateways, other)
    body = {"current_password": DEMO_PASSWORD, "new_password": "ett-helt-nytt-losenord-42"}
    changed = as_member(gateways, changing, "POST", "/internal/account/password", json=body)
    assert changed.status_code == 200, changed.text
    assert_refused_everywhere(gateways, other)
    assert_signed_in_everywhere(gateways, changed.json()["session_token"])


def test_a_disabled_account_is_refused_in_every_gateway_process(gateways):
    session = session_of(log_in(gateways, "olle@jlmdata.se"))
    assert_signed_in_everywhere(gateways, session)
    subprocess.run(
        [sys.executable, "-m", "auth.entrypoints.cli", "disable-user", "olle@jlmdata.se"],
        cwd=ROOT,
        env=gateways.env,
        check=True,
        capture_output=True,
    )
    assert_refused_everywhere(gateways, session)


def test_a_removed_member_is_refused_in_every_gateway_process(gateways):
    user_id = gateways.add_demo_member("rune@jlmdata.se")
    session = session_of(log_in(gateways, "rune@jlmdata.se"))
    admin = session_of(log_in(gateways, "900232"))
    assert_signed_in_everywhere(gateways, session)
    removed = as_member(
        gateways, admin, "DELETE", f"/internal/organisations/{DEMO_ORG_ID}/members/{user_id}"
    )
    assert removed.status_code == 204, removed.text
    assert_refused_everywhere(gateways, session)


def test_a_lost_administrator_role_shows_the_lesser_view_in_every_gateway_process(gateways):
    user_id = gateways.add_demo_member("rolf@jlmdata.se", role="administrator")
    session = session_of(log_in(gateways, "rolf@jlmdata.se"))
    admin = session_of(log_in(gateways, "900232"))
    assert admin_view_everywhere(gateways, session) == {True}
    path = f"/internal/organisations/{DEMO_ORG_ID}/members/{user_id}/role"
    changed = as_member(gateways, admin, "PUT", path, json={"role": "user"})
    assert changed.status_code == 204, changed.text
    assert admin_view_everywhere(gateways, session) == {False}
