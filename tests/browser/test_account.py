"""Resultat Finans > Inställningar > Konto: a user changes their password in headless Chromium,
logs out and logs in with the new one.

The test registers a customer of its own (Gränsbo Redovisning AB), so the demo users the other
browser tests log in as keep their passwords. Screenshots land in test-artifacts/<test name>/.
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from .steps import log_in

pytestmark = pytest.mark.browser

EMAIL = "greta@gransbo-redovisning.se"
FIRST_PASSWORD = "gretas första lösenfras"
NEW_PASSWORD = "gretas andra och nya lösenfras"
KONTO = "/resultat-finans/installningar?flik=konto"


@pytest.fixture(scope="module")
def greta(platform):
    """A verified administrator of a company of this test's own."""
    registration = {
        "company_name": "Gränsbo Redovisning AB",
        "org_number": "556703-1231",
        "name": "Greta Gränsbo",
        "email": EMAIL,
        "password": FIRST_PASSWORD,
        "client_address": "198.51.100.90",
    }
    response = platform.internal("auth", "POST", "/internal/registrations", json=registration)
    assert response.status_code == 202, response.text
    link = platform.mail.links(platform.mail.wait_for(EMAIL))[0]
    token = parse_qs(urlparse(link).query)["t"][0]
    verified = platform.internal("auth", "POST", "/internal/verifications", json={"token": token})
    assert verified.status_code == 200, verified.text
    return EMAIL


def fill_and_send(page, current: str, new: str, repeat: str) -> None:
    page.get_by_label("Nuvarande lösenord").fill(current)
    page.get_by_label("Nytt lösenord", exact=True).fill(new)
    page.get_by_label("Upprepa nytt lösenord").fill(repeat)
    page.get_by_role("button", name="Byt lösenord").click()


def test_changing_the_password_on_konto_then_logging_in_with_the_new_one(page, platform, greta):
    log_in(page, platform.base_url, EMAIL, FIRST_PASSWORD)
    page.wait_for_url(platform.url("/"))
    page.get_by_role("link", name="Resultat Finans").click()
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Inställningar"
    ).click()
    page.get_by_role("navigation", name="Inställningar").get_by_role("link", name="Konto").click()
    page.wait_for_url(re.compile(r"flik=konto"))
    account = page.locator("#konto")
    expect(account).to_contain_text("Greta Gränsbo")
    expect(account).to_contain_text(EMAIL)
    expect(page.get_by_role("heading", name="Byt lösenord")).to_be_visible()
    page.shot("konto")

    fill_and_send(page, FIRST_PASSWORD, NEW_PASSWORD, "en annan lösenfras här")
    expect(page.locator("#new_password_repeat-error")).to_have_text(
        "Lösenorden är inte lika. Skriv samma nya lösenord i båda fälten."
    )
    expect(page.get_by_label("Nuvarande lösenord")).to_have_value("")
    page.shot("olika-losenord")

    fill_and_send(page, "inte mitt lösenord", NEW_PASSWORD, NEW_PASSWORD)
    expect(page.locator("#current_password-error")).to_have_text(
        "Det nuvarande lösenordet stämmer inte."
    )
    page.shot("fel-nuvarande-losenord")

    fill_and_send(page, FIRST_PASSWORD, "kort", "kort")
    expect(page.locator("#new_password-error")).to_have_text("Lösenordet måste ha minst 12 tecken.")
    page.set_viewport_size({"width": 390, "height": 844})
    page.shot("for-kort-mobil")
    page.set_viewport_size({"width": 1280, "height": 800})

    fill_and_send(page, FIRST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    page.wait_for_url(re.compile(r"flik=konto"))
    expect(page.locator(".notice-ok")).to_have_text(
        "Ditt lösenord är ändrat. Du är kvar inloggad här; alla andra inloggningar har avslutats."
    )
    expect(page.locator(".account-name")).to_have_text("Greta Gränsbo")
    page.shot("losenord-andrat")
    mail = platform.mail.wait_for(EMAIL, 2)
    assert mail["Subject"] == "Ditt lösenord har ändrats"
    assert NEW_PASSWORD not in platform.mail.body(mail)

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(re.compile(r"/logga-in"))
    log_in(page, platform.base_url, EMAIL, FIRST_PASSWORD)
    expect(page.locator(".notice-error")).to_have_text("Fel användarnamn eller lösenord.")
    page.shot("gamla-losenordet-fungerar-inte")
    log_in(page, platform.base_url, EMAIL, NEW_PASSWORD)
    page.wait_for_url(platform.url("/"))
    expect(page.locator(".account-name")).to_have_text("Greta Gränsbo")
    page.shot("inloggad-med-nytt-losenord")
