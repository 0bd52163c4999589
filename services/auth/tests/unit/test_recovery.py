"""Glömt lösenord on a fake of the accounts: the same answer either way, a link that works
once and only for its half hour, and a reset that ends every session."""

import re
from datetime import timedelta

import pytest
from auth.domain.errors import InvalidInput, TokenInvalid
from auth.handlers.recovery import check_link, complete_reset, request_reset

ADDRESS = "198.51.100.7"
NEW = "en helt ny lösenfras"


@pytest.fixture
def kaisa(fake_svc) -> dict:
    return fake_svc.accounts.add_user("kaisa", "kaisa@jlmdata.se", "kaisas lösenfras")


def mailed_token(fake_svc, number: int = -1) -> str:
    return re.search(r"\?t=(\S+)", fake_svc.accounts.mails[number]["body"]).group(1)


def test_a_known_account_is_mailed_a_link_and_an_unknown_one_nothing(fake_svc, kaisa):
    assert request_reset(fake_svc, "nobody@example.se", ADDRESS) is None
    assert fake_svc.accounts.mails == []
    assert request_reset(fake_svc, "kaisa@jlmdata.se", ADDRESS) is None
    assert [m["to"] for m in fake_svc.accounts.mails] == ["kaisa@jlmdata.se"]
    assert check_link(fake_svc, "reset", mailed_token(fake_svc))["email"] == "kaisa@jlmdata.se"


def test_a_reset_sets_the_password_ends_every_session_and_says_so_by_mail(fake_svc, kaisa):
    fake_svc.accounts.insert_session(b"elsewhere", "kaisa", fake_svc.clock())
    request_reset(fake_svc, "kaisa@jlmdata.se", ADDRESS)
    complete_reset(fake_svc, mailed_token(fake_svc), NEW)
    assert fake_svc.accounts.users["kaisa"]["password_hash"] == fake_svc.hasher.hash(NEW)
    assert fake_svc.accounts.sessions == {}
    assert "ändrat" in fake_svc.accounts.mails[-1]["subject"]
    assert ("user.password_changed", "org-1") in [e[:2] for e in fake_svc.accounts.events]


def test_a_reset_link_works_only_once(fake_svc, kaisa):
    request_reset(fake_svc, "kaisa@jlmdata.se", ADDRESS)
    token = mailed_token(fake_svc)
    complete_reset(fake_svc, token, NEW)
    with pytest.raises(TokenInvalid):
        complete_reset(fake_svc, token, "ännu en ny lösenfras")
    assert fake_svc.accounts.users["kaisa"]["password_hash"] == fake_svc.hasher.hash(NEW)


def test_a_used_link_ends_the_older_links_too(fake_svc, kaisa):
    request_reset(fake_svc, "kaisa@jlmdata.se", ADDRESS)
    request_reset(fake_svc, "kaisa@jlmdata.se", ADDRESS)
    older, newer = mailed_token(fake_svc, 0), mailed_token(fake_svc, 1)
    complete_reset(fake_svc, newer, NEW)
    with pytest.raises(TokenInvalid):
        check_link(fake_svc, "reset", older)


def test_a_reset_link_expires_after_its_half_hour(fake_svc, kaisa):
    request_reset(fake_svc, "kaisa@jlmdata.se", ADDRESS)
    fake_svc.clock.now += fake_svc.settings.reset_ttl + timedelta(seconds=1)
    with pytest.raises(TokenInvalid):
        complete_reset(fake_svc, mailed_token(fake_svc), NEW)
    assert fake_svc.accounts.users["kaisa"]["password_hash"] == fake_svc.hasher.hash(
        "kaisas lösenfras"
    )


def test_a_weak_password_leaves_the_link_usable(fake_svc, kaisa):
    request_reset(fake_svc, "kaisa@jlmdata.se", ADDRESS)
    token = mailed_token(fake_svc)
    with pytest.raises(InvalidInput):
        complete_reset(fake_svc, token, "kort")
    complete_reset(fake_svc, token, NEW)


def test_a_fourth_request_within_the_hour_sends_no_mail_and_answers_the_same(fake_svc, kaisa):
    for _ in range(4):
        assert request_reset(fake_svc, "kaisa@jlmdata.se", ADDRESS) is None
    assert len(fake_svc.accounts.mails) == 3


def test_a_wrong_or_overlong_token_is_invalid(fake_svc, kaisa):
    for token in ("", "nope", "x" * 200):
        with pytest.raises(TokenInvalid):
            check_link(fake_svc, "reset", token)
