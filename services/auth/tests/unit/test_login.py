"""Log-in on a fake of the accounts: the same answer for every wrong guess, the free attempts,
the doubling penalty the person is told, and a fresh start after the right password."""

import pytest
from auth.domain.errors import EmailNotVerified, InvalidCredentials, Throttled
from auth.handlers.sessions import log_in, log_out
from auth.handlers.throttling import prune

ADDRESS = "198.51.100.7"


@pytest.fixture
def kaisa(fake_svc) -> dict:
    return fake_svc.accounts.add_user(
        "kaisa", "kaisa@jlmdata.se", "kaisas lösenfras", username="900232", role="administrator"
    )


def wrong(fake_svc, times: int, identifier: str = "900232") -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            log_in(fake_svc, identifier, "fel lösenord", ADDRESS)


def test_the_right_password_opens_a_session_of_the_user(fake_svc, kaisa):
    answer = log_in(fake_svc, "kaisa@jlmdata.se", "kaisas lösenfras", ADDRESS)
    assert (answer["user_id"], answer["org_id"]) == ("kaisa", "org-1")
    assert [s["user_id"] for s in fake_svc.accounts.sessions.values()] == ["kaisa"]


def test_an_unknown_account_and_a_wrong_password_get_the_same_answer(fake_svc, kaisa):
    wrong(fake_svc, 1, "nobody@example.se")
    wrong(fake_svc, 1)
    assert fake_svc.accounts.sessions == {}


def test_five_wrong_guesses_are_free_then_the_sixth_waits_a_second(fake_svc, kaisa):
    wrong(fake_svc, 5)
    with pytest.raises(Throttled) as refused:
        log_in(fake_svc, "900232", "kaisas lösenfras", ADDRESS)
    assert refused.value.retry_after == 1


def test_the_penalty_doubles_with_each_further_wrong_guess(fake_svc, kaisa):
    wrong(fake_svc, 5)
    waits = []
    for _ in range(3):
        with pytest.raises(Throttled) as refused:
            log_in(fake_svc, "900232", "fel lösenord", ADDRESS)
        waits.append(refused.value.retry_after)
        fake_svc.clock.advance(refused.value.retry_after)
        wrong(fake_svc, 1)
    assert waits == [1, 2, 4]


def test_a_refused_attempt_is_not_counted(fake_svc, kaisa):
    wrong(fake_svc, 5)
    for _ in range(3):
        with pytest.raises(Throttled):
            log_in(fake_svc, "900232", "fel lösenord", ADDRESS)
    assert fake_svc.accounts.throttle_keys().count("login-account:kaisa") == 5


def test_the_right_password_after_the_wait_starts_the_account_afresh(fake_svc, kaisa):
    wrong(fake_svc, 5)
    fake_svc.clock.advance(1)
    log_in(fake_svc, "900232", "kaisas lösenfras", ADDRESS)
    keys = fake_svc.accounts.throttle_keys()
    assert "login-account:kaisa" not in keys
    assert keys.count(f"login-address:{ADDRESS}") == 5  # only the failures count for the address
    wrong(fake_svc, 5)  # five free guesses again


def test_an_unknown_account_is_counted_under_what_was_typed(fake_svc):
    wrong(fake_svc, 5, "Nobody@Example.se")
    with pytest.raises(Throttled):
        log_in(fake_svc, "nobody@example.se", "fel lösenord", ADDRESS)


def test_an_unverified_address_gets_no_session_even_with_the_right_password(fake_svc):
    fake_svc.accounts.add_user("ny", "ny@jlmdata.se", "nya lösenfrasen", email_verified_at=None)
    with pytest.raises(EmailNotVerified):
        log_in(fake_svc, "ny@jlmdata.se", "nya lösenfrasen", ADDRESS)
    assert fake_svc.accounts.sessions == {}


def test_a_disabled_account_is_refused_like_a_wrong_password(fake_svc, kaisa):
    fake_svc.accounts.users["kaisa"]["disabled_at"] = fake_svc.clock()
    with pytest.raises(InvalidCredentials):
        log_in(fake_svc, "900232", "kaisas lösenfras", ADDRESS)


def test_log_out_ends_the_session(fake_svc, kaisa):
    token = log_in(fake_svc, "900232", "kaisas lösenfras", ADDRESS)["session_token"]
    log_out(fake_svc, token)
    assert fake_svc.accounts.sessions == {}


def test_pruning_drops_the_counts_older_than_a_day_and_keeps_the_rest(fake_svc, kaisa):
    for _ in range(2):  # keys never hit again: only pruning removes them
        with pytest.raises(InvalidCredentials):
            log_in(fake_svc, "nobody@example.se", "fel lösenord", "192.0.2.1")
    fake_svc.clock.advance(25 * 3600)
    wrong(fake_svc, 1)
    prune(fake_svc.accounts, fake_svc.clock())
    assert fake_svc.accounts.throttle_keys() == ["login-account:kaisa", f"login-address:{ADDRESS}"]
