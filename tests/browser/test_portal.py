"""Steps 1 and 2 of the customer guide in headless Chromium, against the platform under gunicorn.

Screenshots of every step land in test-artifacts/<test name>/.
"""

import re
from urllib.parse import urlparse

import pytest

from .steps import log_in

DEMO_PASSWORD = "demo-resultat-finans"
pytestmark = pytest.mark.browser


def _path_of(link: str) -> str:
    parsed = urlparse(link)
    return f"{parsed.path}?{parsed.query}"


def test_demo_user_logs_in_sees_three_tiles_and_opens_resultat_finans(page, platform):
    page.goto(platform.url("/"))
    page.wait_for_url(re.compile(r"/logga-in"))
    page.shot("inloggning")
    log_in(page, platform.base_url, "900232", DEMO_PASSWORD)
    page.wait_for_url(platform.url("/"))
    assert page.get_by_role("heading", name="Hem").is_visible()
    assert page.locator(".account-name").inner_text() == "Kaisa Jönsson"
    tiles = page.locator(".tile-name").all_inner_texts()
    assert tiles == ["Aspia ICA", "PM Sync", "Resultat Finans"]
    for item in ("Hem", "Organisation", "Administratörer"):
        assert page.get_by_role("navigation").get_by_role("link", name=item).is_visible()
    page.shot("hem")
    page.get_by_role("link", name="Organisation").click()
    assert page.get_by_role("heading", name="Medlemmar").is_visible()
    page.shot("organisation")
    page.get_by_role("link", name="Administratörer").click()
    assert page.get_by_role("cell", name="Kaisa Jönsson").is_visible()
    page.shot("administratorer")
    page.set_viewport_size({"width": 390, "height": 844})
    page.shot("administratorer-mobil")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="Hem").click()
    page.get_by_role("link", name="Uppdatera").click()
    assert page.locator(".tile-name").count() == 3
    page.get_by_role("link", name="Resultat Finans").click()
    page.wait_for_url(re.compile(r"/resultat-finans/"))
    assert page.get_by_role("link", name="Jlm Appar").is_visible()
    page.shot("resultat-finans")


def test_wrong_password_shows_one_message_and_stays_on_login(page, platform):
    log_in(page, platform.base_url, "900232", "not the password at all")
    message = page.locator(".notice-error")
    assert message.inner_text() == "Fel användarnamn eller lösenord."
    page.shot("fel-losenord")
    log_in(page, platform.base_url, "nobody@example.se", "not the password at all")
    assert page.locator(".notice-error").inner_text() == "Fel användarnamn eller lösenord."
    assert "/logga-in" in page.url


def test_forgotten_password_through_to_logging_in_with_the_new_one(page, platform):
    # Other tests on the same platform may have mailed Olle a link already: wait for this one's.
    earlier = len(platform.mail.to("olle@jlmdata.se"))
    page.goto(platform.url("/logga-in"))
    page.get_by_role("link", name="Glömt lösenord").click()
    page.get_by_label("Användarnamn eller e-post").fill("olle@jlmdata.se")
    page.shot("glomt-losenord")
    page.get_by_role("button", name="Skicka länk").click()
    assert page.get_by_role("heading", name="Kolla din e-post").is_visible()
    page.shot("kolla-eposten")
    mail = platform.mail.wait_for("olle@jlmdata.se", earlier + 1)
    link = platform.mail.links(mail)[0]
    assert link.startswith(platform.url("/aterstall-losenord?t="))
    page.goto(link)
    page.get_by_label("Nytt lösenord").fill("kort")
    page.get_by_role("button", name="Spara lösenord").click()
    assert "minst 12 tecken" in page.locator(".field-error").inner_text()
    page.shot("for-kort-losenord")
    page.get_by_label("Nytt lösenord").fill("olles nya långa lösenfras")
    page.get_by_role("button", name="Spara lösenord").click()
    page.wait_for_url(re.compile(r"/logga-in"))
    assert "Lösenordet är bytt" in page.locator(".notice-ok").inner_text()
    page.shot("losenord-bytt")
    log_in(page, platform.base_url, "olle@jlmdata.se", "olles nya långa lösenfras")
    page.wait_for_url(platform.url("/"))
    assert page.locator(".account-name").inner_text() == "Olle Berg"
    page.shot("inloggad-med-nytt-losenord")
    page.goto(link)
    assert page.get_by_role("heading", name="Länken fungerar inte").is_visible()


def test_new_customer_registers_verifies_email_and_reaches_home(page, platform):
    page.set_viewport_size({"width": 390, "height": 844})  # phone width
    page.goto(platform.url("/logga-in"))
    page.get_by_role("link", name="Ny kund").click()
    page.get_by_label("Företagets namn").fill("Bokföring i Byn AB")
    page.get_by_label("Organisationsnummer").fill("556016-0681")
    page.get_by_label("Ditt namn").fill("Berit Byström")
    page.get_by_label("E-post").fill("berit@bokforingibyn.se")
    page.get_by_label("Lösenord").fill("berits hemliga lösenfras")
    page.get_by_role("button", name="Registrera").click()
    assert "Ogiltigt organisationsnummer" in page.locator(".field-error").inner_text()
    page.shot("ny-kund-fel-orgnr")
    page.get_by_label("Organisationsnummer").fill("556016-0680")
    page.get_by_label("Lösenord").fill("berits hemliga lösenfras")
    page.get_by_role("button", name="Registrera").click()
    assert page.get_by_role("heading", name="Bekräfta din e-postadress").is_visible()
    page.shot("ny-kund-registrerad")
    link = platform.mail.links(platform.mail.wait_for("berit@bokforingibyn.se"))[0]
    page.goto(link)
    page.shot("bekrafta-epost")
    page.get_by_role("button", name="Bekräfta e-postadress").click()
    page.wait_for_url(re.compile(r"/logga-in"))
    assert "bekräftad" in page.locator(".notice-ok").inner_text()
    log_in(page, platform.base_url, "berit@bokforingibyn.se", "berits hemliga lösenfras")
    page.wait_for_url(platform.url("/"))
    assert page.locator(".account-name").inner_text() == "Berit Byström"
    assert page.locator(".tile-name").all_inner_texts() == ["Resultat Finans"]
    page.shot("hem-ny-kund")
