"""The customer guide (customer-guide-sv.txt), all six steps, in headless Chromium against the
whole platform under gunicorn; then the refusal at Fortnox, a plain user's read-only view, a bad
Bankgiro number, phone width, and that the services agree after the upgrade.

Screenshots of every step land in test-artifacts/<test name>/.
"""

import re

import pytest
from playwright.sync_api import expect
from servicekit.events.harness import wait_for

from . import steps

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-resultat-finans"
DEMO_ORG_ID = "00000000-0000-4000-8000-000000900232"
FORTNOX_USER, FORTNOX_PASSWORD = "kaisa@900232", "demo-fortnox-sandbox"
NOTICE = (
    "Fortnox har ändrat autentiseringsmetod för integrationer från permanenta till tillfälliga "
    "tokens. Din token hos oss måste ändras till den nya autentiseringsmetoden. För att skapa "
    "ny Token klicka här"
)
SETTINGS = re.compile(r"/resultat-finans/installningar")


def log_in(page, platform, identifier="900232", password=DEMO_PASSWORD) -> None:
    """Log in (the demo administrator unless told otherwise) and land on the portal."""
    steps.log_in(page, platform.base_url, identifier, password)
    page.wait_for_url(platform.url("/"))


def row(page, name: str):
    return page.locator(f'dd[data-row="{name}"]')


def expect_token_rows(page, token_type: str, valid: str) -> None:
    expect(row(page, "token-typ")).to_have_text(token_type)
    expect(row(page, "giltig")).to_have_text(valid)
    expect(row(page, "foretag")).to_have_text("Jlmdata AB")
    expect(row(page, "organisationsnummer")).to_have_text("559192-5788")
    expect(row(page, "databasid")).to_have_text("900232")


def fortnox_login_and_answer(page, platform, approve: bool) -> None:
    page.wait_for_url(re.compile(re.escape(platform.env["FORTNOX_AUTH_URL"])))
    page.get_by_label("Användarnamn").fill(FORTNOX_USER)
    page.get_by_label("Lösenord").fill(FORTNOX_PASSWORD)
    page.shot("4-fortnox-logga-in")
    page.get_by_role("button", name="LOGGA IN").click()
    expect(page.get_by_role("heading", name="Godkänn behörigheter")).to_be_visible()
    page.shot("5-godkann-behorigheter")
    if approve:
        page.get_by_role("button", name="Godkänn behörigheter").click()
    else:
        page.get_by_role("button", name="Avbryt och neka åtkomst").click()
    page.wait_for_url(SETTINGS)


@pytest.fixture
def legacy_demo(platform):
    """Jlmdata AB on its old, permanent Fortnox token, as an existing customer is."""
    platform.reset_demo_fortnox()
    return platform


def test_the_customer_guide_step_by_step(page, legacy_demo):
    platform = legacy_demo
    callbacks = []
    page.on(
        "response",
        lambda r: callbacks.append(r) if "/fortnox/callback" in r.url else None,
    )
    # 1. Logga in på sedvanligt sätt
    page.goto(platform.url("/"))
    page.wait_for_url(re.compile(r"/logga-in"))
    for text in ("Användarnamn eller e-mail för nya kunder", "Lösenord"):
        expect(page.get_by_label(text)).to_be_visible()
    for link in ("Glömt lösenord", "Ny kund"):
        expect(page.get_by_role("link", name=link)).to_be_visible()
    page.shot("1-logga-in")
    log_in(page, platform)

    # 2. Klicka på Resultat Finans-appen
    expect(page.locator(".tile-name")).to_have_text(["Aspia ICA", "PM Sync", "Resultat Finans"])
    page.shot("2-hem-jim-appar")
    page.get_by_role("link", name="Resultat Finans").click()

    # 3. Denna skärm kommer upp. Här klicka på "Ny Token"
    page.wait_for_url(SETTINGS)
    menu = page.get_by_role("navigation", name="Huvudmeny")
    for item in ("Hem", "Inställningar", "Jlm Appar", "www.resultatfinans.se"):
        expect(menu.get_by_role("link", name=item)).to_be_visible()
    expect(page.locator(".account-name")).to_have_text("Kaisa Jönsson")
    expect(page.get_by_role("heading", name="Inställningar")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Inställningar")
    expect(tabs.get_by_role("link", name="Konto")).to_be_visible()
    expect(tabs.get_by_role("link", name="Applikation")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Fortnox/Åtkomst Token information")).to_be_visible()
    expect(page.get_by_role("button", name="Kontrollera koppling till Fortnox")).to_be_visible()
    expect_token_rows(page, "Access Token", "Ja")
    expect(page.get_by_role("combobox", name="Betalningsätt")).to_have_value("bankgiro")
    expect(page.get_by_label("Nummer", exact=True)).to_have_value("5591-9252")
    expect(page.get_by_role("button", name="Spara")).to_be_visible()
    expect(page.locator(".token-notice")).to_contain_text(NOTICE)
    expect(page.locator(".footer")).to_contain_text("Resultat Finans v2.0 (2021-08-31)")
    page.shot("3-installningar-ny-token")
    page.get_by_role("button", name="Ny Token").click()

    # 4. and 5. Logga in på Fortnox och klicka på "Godkänn behörigheter"
    fortnox_login_and_answer(page, platform, approve=True)

    # 6. Tillbaka i Resultat Finans: den nya token; klicka på Spara och gå till Hem
    expect(page.locator(".notice-ok")).to_contain_text("Uppgraderingen lyckades")
    expect_token_rows(page, "OAuth", "Ja")
    expect(page.locator(".token-notice")).to_have_count(0)
    expect(page.get_by_role("button", name="Ny Token")).to_have_count(0)
    assert "code=" not in page.url and "state=" not in page.url
    page.shot("6-tillbaka-i-resultat-finans")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".notice-ok")).to_have_text("Betalningsättet är sparat.")
    expect(page.get_by_label("Nummer", exact=True)).to_have_value("5591-9252")
    page.shot("6-sparat")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Hem").click()
    expect(page.locator(".connection-state")).to_have_text("Kopplad och fungerar")
    expect(page.locator(".payment-summary")).to_contain_text("Bankgiro 5591-9252")
    page.shot("6-hem-resultat-finans")

    # The return from Fortnox left no code behind: no Referer, no page, nothing logged.
    assert [r.status for r in callbacks] == [303]
    assert callbacks[0].headers["referrer-policy"] == "no-referrer"
    code = re.search(r"[?&]code=([^&]+)", callbacks[0].url).group(1)
    assert code not in platform.logs()


def test_refusing_at_fortnox_brings_the_user_back_with_the_old_token_intact(page, legacy_demo):
    platform = legacy_demo
    log_in(page, platform)
    page.goto(platform.url("/resultat-finans/installningar"))
    page.get_by_role("button", name="Ny Token").click()
    fortnox_login_and_answer(page, platform, approve=False)
    expect(page.locator(".notice-error")).to_contain_text("Du godkände inte behörigheterna")
    expect(page.locator(".notice-error")).to_contain_text("tidigare kopplingen är kvar")
    expect_token_rows(page, "Access Token", "Ja")
    expect(page.locator(".token-notice")).to_contain_text(NOTICE)
    page.shot("6-nekad-hos-fortnox")


def give_olle_a_password(page, platform, password: str) -> None:
    """Olle (a plain user) sets a password of this test's own through "Glömt lösenord"."""
    earlier = len(platform.mail.to("olle@jlmdata.se"))
    page.goto(platform.url("/glomt-losenord"))
    page.get_by_label("Användarnamn eller e-post").fill("olle@jlmdata.se")
    page.get_by_role("button", name="Skicka länk").click()
    mail = platform.mail.wait_for("olle@jlmdata.se", earlier + 1)
    page.goto(platform.mail.links(mail)[0])
    page.get_by_label("Nytt lösenord").fill(password)
    page.get_by_role("button", name="Spara lösenord").click()
    page.wait_for_url(re.compile(r"/logga-in"))


def test_a_plain_user_sees_the_settings_read_only(page, legacy_demo):
    platform = legacy_demo
    give_olle_a_password(page, platform, "olles lösenfras för läsvyn")
    log_in(page, platform, "olle@jlmdata.se", "olles lösenfras för läsvyn")
    page.goto(platform.url("/resultat-finans/installningar"))
    expect(page.locator(".account-name")).to_have_text("Olle Berg")
    expect_token_rows(page, "Access Token", "Ja")
    expect(page.locator(".token-notice")).to_contain_text(NOTICE)
    expect(page.get_by_role("button", name="Ny Token")).to_have_count(0)
    expect(page.get_by_role("button", name="Spara")).to_have_count(0)
    expect(page.get_by_role("button", name="Koppla från Fortnox")).to_have_count(0)
    expect(page.locator(".payment-summary")).to_contain_text("Bankgiro 5591-9252")
    expect(page.locator(".read-only-note").first).to_contain_text("Bara en administratör")
    page.shot("las-behorighet")
    # The server refuses as well, whatever the page shows.
    csrf = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    for path in (
        "/resultat-finans/fortnox/ny-token",
        "/resultat-finans/installningar/betalningssatt",
    ):
        answer = page.request.post(
            platform.url(path),
            form={"csrf_token": csrf, "method": "bankgiro", "number": "160-9908"},
            max_redirects=0,
        )
        assert answer.status == 403


def test_an_invalid_bankgiro_number_is_explained_and_nothing_is_saved(page, platform):
    log_in(page, platform)
    page.goto(platform.url("/resultat-finans/installningar"))
    page.get_by_label("Nummer", exact=True).fill("5591-9253")
    page.get_by_role("button", name="Spara").click()
    error = page.locator("#number-error")
    expect(error).to_contain_text("kontrollsiffran är fel")
    expect(page.get_by_label("Nummer", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".notice-error")).to_contain_text("sparades inte")
    page.shot("ogiltigt-bankgironummer")
    page.goto(platform.url("/resultat-finans/installningar"))
    expect(page.get_by_label("Nummer", exact=True)).to_have_value("5591-9252")


def test_a_bank_account_is_saved_and_still_there_after_a_reload(page, platform):
    log_in(page, platform)
    page.goto(platform.url("/resultat-finans/installningar"))
    page.get_by_role("combobox", name="Betalningsätt").select_option("bank_account")
    expect(page.get_by_label("Nummer", exact=True)).to_be_hidden()
    page.get_by_label("Clearingnummer").fill("8424-4")
    page.get_by_label("Kontonummer").fill("983 189 224-6")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".notice-ok")).to_have_text("Betalningsättet är sparat.")
    page.reload()
    expect(page.get_by_role("combobox", name="Betalningsätt")).to_have_value("bank_account")
    expect(page.get_by_label("Kontonummer")).to_have_value("9831892246")
    page.shot("bankkonto-sparat")
    page.get_by_role("combobox", name="Betalningsätt").select_option("bankgiro")
    page.get_by_label("Nummer", exact=True).fill("5591-9252")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".notice-ok")).to_have_text("Betalningsättet är sparat.")


def test_the_pages_work_at_phone_width(page, legacy_demo):
    platform = legacy_demo
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, platform)
    page.goto(platform.url("/resultat-finans/installningar"))
    expect(page.get_by_role("button", name="Ny Token")).to_be_visible()
    expect(page.get_by_role("button", name="Spara")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.shot("telefon-installningar")
    page.goto(platform.url("/resultat-finans/"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.shot("telefon-hem")


def test_after_the_upgrade_tokens_settings_and_page_agree(page, legacy_demo):
    platform = legacy_demo
    log_in(page, platform)
    page.goto(platform.url("/resultat-finans/installningar"))
    started = page.evaluate("new Date().toISOString()")
    page.get_by_role("button", name="Ny Token").click()
    fortnox_login_and_answer(page, platform, approve=True)
    expect(page.locator(".notice-ok")).to_contain_text("Uppgraderingen lyckades")

    status = platform.internal("tokens", "GET", f"/internal/organisations/{DEMO_ORG_ID}/fortnox")
    status = status.json()
    assert (status["token_type"], status["access_token_valid"], status["legacy"]) == (
        "OAuth",
        True,
        False,
    )

    def settings_has_the_upgrade():
        company = platform.internal(
            "settings", "GET", f"/internal/organisations/{DEMO_ORG_ID}/company"
        ).json()
        fresh = company.get("known") and company["as_of"] >= started[:19]
        return company if fresh and company["source"] != "rebuild" else None

    try:
        company = wait_for(settings_has_the_upgrade, timeout=15, what="the settings copy")
    except AssertionError:
        seen = platform.internal(
            "settings", "GET", f"/internal/organisations/{DEMO_ORG_ID}/company"
        )
        raise AssertionError(f"settings holds {seen.json()} (upgrade began {started})") from None
    facts = ("company_name", "organisation_number", "database_number")
    assert [company[f] for f in facts] == [status[f] for f in facts]
    page.reload()
    shown = [row(page, r).inner_text() for r in ("foretag", "organisationsnummer", "databasid")]
    assert shown == [status[f] for f in facts]
