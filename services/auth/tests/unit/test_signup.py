"""Ny kund on a fake of the accounts: the caller gets the same answer whether or not the
company or the address is known; the owners are told by mail instead."""

import re

import pytest
from auth.domain.errors import Throttled, TokenInvalid
from auth.handlers.signup import register, verify_email

ADDRESS = "198.51.100.7"
FORM = {
    "company_name": "Annat AB",
    "org_number": "556016-0680",
    "name": "Anna Annan",
    "email": "anna@annat.se",
    "password": "annas långa lösenfras",
}


@pytest.fixture
def kaisa(fake_svc) -> dict:
    return fake_svc.accounts.add_user(
        "kaisa", "kaisa@jlmdata.se", "kaisas lösenfras", role="administrator"
    )


def mails_to(fake_svc, recipient: str) -> list[str]:
    return [m["subject"] for m in fake_svc.accounts.mails if m["to"] == recipient]


def test_a_new_company_gets_its_organisation_and_an_unverified_administrator(fake_svc):
    assert register(fake_svc, FORM, ADDRESS) is None
    anna = fake_svc.accounts.user_by_email("anna@annat.se")
    assert (anna["role"], anna["email_verified_at"]) == ("administrator", None)
    assert fake_svc.accounts.orgs[anna["org_id"]]["apps"] == ["resultat-finans"]
    assert [e[0] for e in fake_svc.accounts.events] == [
        "org.created",
        "user.registered",
        "membership.changed",
    ]
    assert mails_to(fake_svc, "anna@annat.se") == ["Bekräfta din e-postadress för JIM Appar"]


def test_a_company_that_is_a_customer_answers_alike_and_its_administrators_are_told(
    fake_svc, kaisa
):
    form = FORM | {"org_number": "559192-5788", "company_name": "Jlmdata AB"}
    assert register(fake_svc, form, ADDRESS) is None
    assert len(fake_svc.accounts.orgs) == 1 and fake_svc.accounts.events == []
    assert fake_svc.accounts.user_by_email("anna@annat.se") is None
    assert mails_to(fake_svc, "kaisa@jlmdata.se") == [
        "Någon försökte registrera Jlmdata AB i JIM Appar"
    ]
    assert mails_to(fake_svc, "anna@annat.se") == [
        "Registreringen i JIM Appar kunde inte slutföras"
    ]


def test_an_address_with_an_account_answers_alike_and_its_owner_is_told(fake_svc, kaisa):
    assert register(fake_svc, FORM | {"email": "kaisa@jlmdata.se"}, ADDRESS) is None
    assert len(fake_svc.accounts.orgs) == 1 and fake_svc.accounts.events == []
    assert mails_to(fake_svc, "kaisa@jlmdata.se") == ["Du har redan ett konto i JIM Appar"]


def test_an_address_only_invited_may_register_and_the_invitation_gives_way(fake_svc):
    fake_svc.accounts.add_user("invited", "anna@annat.se", None, email_verified_at=None)
    register(fake_svc, FORM, ADDRESS)
    assert "invited" not in fake_svc.accounts.users
    assert fake_svc.accounts.user_by_email("anna@annat.se")["role"] == "administrator"
    removed = fake_svc.accounts.events[0]
    assert (removed[0], removed[2]["change"]) == ("membership.changed", "removed")


def test_the_verification_link_verifies_once(fake_svc):
    register(fake_svc, FORM, ADDRESS)
    token = re.search(r"\?t=(\S+)", fake_svc.accounts.mails[0]["body"]).group(1)
    assert verify_email(fake_svc, token)["email"] == "anna@annat.se"
    assert fake_svc.accounts.user_by_email("anna@annat.se")["email_verified_at"] is not None
    with pytest.raises(TokenInvalid):
        verify_email(fake_svc, token)


def test_a_fourth_registration_of_one_address_within_the_hour_is_refused(fake_svc):
    for _ in range(3):
        register(fake_svc, FORM, ADDRESS)
    with pytest.raises(Throttled):
        register(fake_svc, FORM, ADDRESS)
