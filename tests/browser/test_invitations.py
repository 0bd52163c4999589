"""Invitations on the Organisation page, in headless Chromium: an address that has an account
elsewhere and a new one look the same to the administrator; each invitee takes their own path.

Screenshots of every step land in test-artifacts/<test name>/.
"""

import re

import pytest

from .steps import log_in

DEMO_PASSWORD = "demo-resultat-finans"
ELSEWHERE = {"company": "Inbjudan Test AB", "org_number": "556016-1001", "name": "Ebba Ek"}
EBBA, EBBA_PASSWORD = "ebba@inbjudantest.se", "ebbas egen långa lösenfras"
NEW, NEW_PASSWORD = "nils@jlmdata.se", "nils egen långa lösenfras"
pytestmark = pytest.mark.browser


def _register_elsewhere(page, platform) -> None:
    page.goto(platform.url("/ny-kund"))
    page.get_by_label("Företagets namn").fill(ELSEWHERE["company"])
    page.get_by_label("Organisationsnummer").fill(ELSEWHERE["org_number"])
    page.get_by_label("Ditt namn").fill(ELSEWHERE["name"])
    page.get_by_label("E-post").fill(EBBA)
    page.get_by_label("Lösenord").fill(EBBA_PASSWORD)
    page.get_by_role("button", name="Registrera").click()
    page.goto(platform.mail.links(platform.mail.wait_for(EBBA))[0])
    page.get_by_role("button", name="Bekräfta e-postadress").click()
    page.wait_for_url(re.compile(r"/logga-in"))


def _invite(page, name: str, email: str) -> None:
    page.get_by_label("Namn").fill(name)
    page.get_by_label("E-post").fill(email)
    page.get_by_role("button", name="Skicka inbjudan").click()
    assert email in page.locator(".notice-ok").inner_text()


def _row_without_the_person(page, email: str, name: str) -> str:
    row = page.locator("tr", has_text=email).inner_text()
    return row.replace(email, "E").replace(name, "N")


def test_invitations_look_alike_and_each_invitee_takes_their_own_path(page, platform):
    _register_elsewhere(page, platform)
    log_in(page, platform.base_url, "900232", DEMO_PASSWORD)
    page.wait_for_url(platform.url("/"))
    page.get_by_role("link", name="Organisation").click()
    _invite(page, "Ebba", EBBA)
    _invite(page, "Nils", NEW)
    assert _row_without_the_person(page, EBBA, "Ebba") == _row_without_the_person(page, NEW, "Nils")
    page.shot("tva-inbjudningar")

    page.context.clear_cookies()
    page.goto(platform.mail.links(platform.mail.wait_for(EBBA, count=2))[0])
    assert "Du har redan ett konto" in page.locator(".card").inner_text()
    page.get_by_label("Lösenord").fill(EBBA_PASSWORD)
    page.get_by_role("button", name="Logga in och gå med").click()
    assert "enda administratören" in page.locator(".field-error").inner_text()
    page.shot("konto-sista-administratoren")

    page.goto(platform.mail.links(platform.mail.wait_for(NEW))[0])
    page.get_by_label("Lösenord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara lösenord").click()
    page.wait_for_url(re.compile(r"/logga-in"))
    log_in(page, platform.base_url, NEW, NEW_PASSWORD)
    page.wait_for_url(platform.url("/"))
    assert page.locator(".account-name").inner_text() == "Nils"
