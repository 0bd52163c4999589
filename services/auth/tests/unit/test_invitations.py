"""Invitations on a fake of the accounts: a new address chooses a password, an account holder
gives theirs (counted like a log-in, per account and per address), the last administrator
elsewhere cannot leave, and a link ends with expiry, withdrawal or a newer invitation."""

import re
from datetime import timedelta

import pytest
from auth.domain.errors import Conflict, InvalidInput, TokenInvalid
from auth.handlers.invitations import accept, decline, describe, invite, pending, withdraw

ADDRESS = "203.0.113.7"
KAISA = {
    "user_id": "kaisa",
    "org_id": "org-1",
    "role": "administrator",
    "name": "Kaisa",
    "org_name": "Jlmdata AB",
}


@pytest.fixture
def accounts(fake_svc):
    accounts = fake_svc.accounts
    accounts.add_user("kaisa", "kaisa@jlmdata.se", "kaisas lösenfras", role="administrator")
    return accounts


@pytest.fixture
def anna(fake_svc, accounts) -> dict:
    """The administrator of Annat AB, with a colleague who is an administrator too."""
    org = accounts.insert_org(name="Annat AB", org_number="556016-0680")
    accounts.add_user("bo", "bo@annat.se", "bos lösenfras", org_id=org["id"], role="administrator")
    return accounts.add_user(
        "anna", "anna@annat.se", "annas lösenfras", org_id=org["id"], role="administrator"
    )


def invited(fake_svc, email: str, name: str = "Ny") -> str:
    """Invite the address as Kaisa; the token of the link mailed to it."""
    assert invite(fake_svc, KAISA, "org-1", {"name": name, "email": email}) == {"status": "invited"}
    body = [m for m in fake_svc.accounts.mails if m["to"] == email][-1]["body"]
    return re.search(r"\?t=(\S+)", body).group(1)


def test_a_new_address_joins_with_the_password_it_chooses(fake_svc, accounts):
    token = invited(fake_svc, "ny@jlmdata.se")
    assert describe(fake_svc, token)["has_account"] is False
    accept(fake_svc, token, "nys egen lösenfras", ADDRESS)
    ny = accounts.user_by_email("ny@jlmdata.se")
    assert (ny["org_id"], ny["role"], ny["password_hash"]) == (
        "org-1",
        "user",
        "hash:nys egen lösenfras",
    )
    assert ny["email_verified_at"] is not None
    with pytest.raises(TokenInvalid):
        accept(fake_svc, token, "nys egen lösenfras", ADDRESS)


def test_the_administrator_sees_the_same_pending_entry_whether_or_not_there_is_an_account(
    fake_svc, anna
):
    invited(fake_svc, "ny@jlmdata.se")
    invited(fake_svc, "anna@annat.se", name="Anna")
    listed = pending(fake_svc, fake_svc.accounts, "org-1")
    assert [sorted(entry) for entry in listed][0] == sorted(listed[1])
    assert {entry["email"] for entry in listed} == {"ny@jlmdata.se", "anna@annat.se"}


def test_an_account_holder_accepts_with_their_password_and_moves_here(fake_svc, anna):
    token = invited(fake_svc, "anna@annat.se", name="Anna")
    assert describe(fake_svc, token)["has_account"] is True
    accept(fake_svc, token, "annas lösenfras", ADDRESS)
    moved = fake_svc.accounts.users["anna"]
    assert (moved["org_id"], moved["role"]) == ("org-1", "user")
    changes = [(e[1], e[2]["change"]) for e in fake_svc.accounts.events]
    assert changes == [("org-2", "removed"), ("org-1", "added")]


def test_a_wrong_password_moves_nothing_and_counts_per_account_and_per_address(fake_svc, anna):
    token = invited(fake_svc, "anna@annat.se", name="Anna")
    with pytest.raises(InvalidInput) as refused:
        accept(fake_svc, token, "fel lösenord", ADDRESS)
    assert list(refused.value.fields) == ["password"]
    assert fake_svc.accounts.users["anna"]["org_id"] == "org-2"
    keys = fake_svc.accounts.throttle_keys()
    assert "login-account:anna" in keys and f"login-address:{ADDRESS}" in keys
    accept(fake_svc, token, "annas lösenfras", ADDRESS)  # the link still works


def test_the_last_administrator_elsewhere_is_told_why_not_and_stays(fake_svc, anna):
    fake_svc.accounts.users["bo"]["role"] = "user"
    token = invited(fake_svc, "anna@annat.se", name="Anna")
    with pytest.raises(Conflict):
        accept(fake_svc, token, "annas lösenfras", ADDRESS)
    assert fake_svc.accounts.users["anna"]["org_id"] == "org-2"
    assert pending(fake_svc, fake_svc.accounts, "org-1")  # still open


def test_an_invitation_expires(fake_svc, accounts):
    token = invited(fake_svc, "ny@jlmdata.se")
    fake_svc.clock.now += fake_svc.settings.invite_ttl + timedelta(seconds=1)
    with pytest.raises(TokenInvalid):
        accept(fake_svc, token, "nys egen lösenfras", ADDRESS)
    assert accounts.user_by_email("ny@jlmdata.se") is None


def test_a_withdrawn_invitation_cannot_be_accepted(fake_svc, accounts):
    token = invited(fake_svc, "ny@jlmdata.se")
    withdraw(fake_svc, KAISA, "org-1", pending(fake_svc, accounts, "org-1")[0]["id"])
    with pytest.raises(TokenInvalid):
        accept(fake_svc, token, "nys egen lösenfras", ADDRESS)


def test_a_new_invitation_of_the_address_ends_the_older_link(fake_svc, accounts):
    older = invited(fake_svc, "ny@jlmdata.se")
    invited(fake_svc, "ny@jlmdata.se")
    with pytest.raises(TokenInvalid):
        describe(fake_svc, older)
    assert len(pending(fake_svc, accounts, "org-1")) == 1


def test_a_declined_invitation_is_over(fake_svc, accounts):
    token = invited(fake_svc, "ny@jlmdata.se")
    decline(fake_svc, token)
    with pytest.raises(TokenInvalid):
        accept(fake_svc, token, "nys egen lösenfras", ADDRESS)
    assert pending(fake_svc, accounts, "org-1") == []
