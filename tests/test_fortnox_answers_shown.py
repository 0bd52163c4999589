"""What the administrator reads after "Kontrollera koppling till Fortnox", per class of Fortnox's
answer, and after "Koppla från Fortnox": the whole platform under gunicorn, faults injected in
the Fortnox sandbox over its control API, the gateway's pages read over real HTTP."""

import html
import re

import psycopg
import pytest
import requests
from fortnox_sandbox.harness.control import SandboxControl
from servicekit import config as env

DEMO_PASSWORD = "demo-resultat-finans"
DEMO_ORG_ID = "00000000-0000-4000-8000-000000900232"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_NOTICE = re.compile(r'<p class="notice [^"]*" role="status">([^<]*)</p>')
SETTINGS = "/resultat-finans/installningar?flik=applikation"


class Admin:
    """Kaisa in a browser of her own: cookies, and forms posted with the page's CSRF token."""

    def __init__(self, platform):
        self.platform = platform
        self.http = requests.Session()
        page = self.http.get(platform.url("/logga-in"), timeout=30).text
        answer = self.http.post(
            platform.url("/logga-in"),
            data={"identifier": "900232", "password": DEMO_PASSWORD, "csrf_token": _token(page)},
            timeout=30,
        )
        assert answer.ok, answer.text

    def page(self, path: str) -> str:
        answer = self.http.get(self.platform.url(path), timeout=30)
        assert answer.status_code == 200, answer.text
        return html.unescape(answer.text)

    def press(self, action: str) -> str:
        """Post the settings page's form to `action`; the notices of the page it leads to."""
        token = _token(self.page(SETTINGS))
        answer = self.http.post(
            self.platform.url(f"/resultat-finans/fortnox/{action}"),
            data={"csrf_token": token},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        return " ".join(_NOTICE.findall(html.unescape(answer.text)))


def _token(page: str) -> str:
    return _CSRF.search(page).group(1)


@pytest.fixture
def control(platform):
    sandbox = SandboxControl(
        platform.env["FORTNOX_AUTH_URL"],
        env.get("FORTNOX_CLIENT_ID", platform.env),
        platform.env["FORTNOX_CLIENT_SECRET"],
    )
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture
def kaisa(platform):
    """Jlmdata AB on its legacy token, working: an earlier test's upgrade or disconnect
    revoked that token in the sandbox, so it is made live there again."""
    platform.reset_demo_fortnox()
    with psycopg.connect(platform.env["FORTNOX_SANDBOX_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("UPDATE legacy_tokens SET revoked_at = NULL WHERE tenant_id = 900232")
    return Admin(platform)


def _state(platform) -> str:
    path = f"/internal/organisations/{DEMO_ORG_ID}/fortnox"
    return platform.internal("tokens", "GET", path).json()["state"]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"status": 503, "body": "text"}, "Fortnox hade ett tillfälligt fel"),
        ({"status": 502, "body": "html"}, "Fortnox hade ett tillfälligt fel"),
        ({"status": 429}, "Fortnox tog inte emot fler anrop just nu"),
        ({"status": 200, "body": "empty"}, "med något vi inte kunde läsa"),
    ],
    ids=["503-text", "502-html", "429-no-retry-after", "200-empty"],
)
def test_a_temporary_answer_says_fortnox_could_not_answer_and_keeps_the_connection(
    platform, kaisa, control, fault, message
):
    control.inject_fault("companyinformation", **fault)
    notice = kaisa.press("kontrollera")
    assert message in notice and "Kopplingen är kvar som den var" in notice
    assert "Ny Token" not in notice
    assert _state(platform) == "connected"


def test_fortnox_refusing_the_token_says_so_and_asks_for_ny_token(platform, kaisa, control):
    control.inject_fault("companyinformation", 403, body="error_information", error="2000311")
    notice = kaisa.press("kontrollera")
    assert notice == "Fortnox nekade åtkomst med vår token. Klicka på Ny Token och logga in i " \
        "Fortnox igen."  # fmt: skip
    assert "svarade inte" not in notice
    assert _state(platform) == "needs_reauthorization"
    assert "Behöver åtgärdas" in kaisa.page("/resultat-finans/")


def test_a_missing_fortnox_licence_is_named(platform, kaisa, control):
    control.inject_fault("companyinformation", 403, body="error_information", error="2001103")
    assert "saknar licens" in kaisa.press("kontrollera")
    assert _state(platform) == "needs_reauthorization"


def test_fortnox_refusing_our_own_request_blames_us_and_flags_nothing(platform, kaisa, control):
    control.inject_fault("companyinformation", 400, body="error_information", error="1000030")
    notice = kaisa.press("kontrollera")
    assert "felet ligger hos oss" in notice and "ni behöver inte göra något" in notice
    assert _state(platform) == "connected"
    assert "Behöver åtgärdas" not in kaisa.page("/resultat-finans/")


def test_a_working_connection_is_confirmed(platform, kaisa):
    assert "Kopplingen till Fortnox fungerar. Fortnox svarade för Jlmdata AB." in kaisa.press(
        "kontrollera"
    )


def test_after_disconnecting_the_pages_show_no_connection_and_offer_to_connect(platform, kaisa):
    assert "Kopplingen till Fortnox är borttagen" in kaisa.press("koppla-fran")
    assert _state(platform) == "revoked"
    settings = kaisa.page(SETTINGS)
    assert re.search(r'data-row="token-typ">Ingen<', settings)
    assert "Resultat Finans är inte kopplat till Fortnox" in settings
    assert "tar inte längre emot vår token" not in settings
    assert ">Ny Token</button>" in settings
    home = kaisa.page("/resultat-finans/")
    assert "Inte kopplad" in home and "Behöver åtgärdas" not in home
    assert "Resultat Finans är inte kopplat till Fortnox" in kaisa.press("kontrollera")
