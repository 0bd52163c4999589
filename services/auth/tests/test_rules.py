"""The pure rules: organisation numbers, passwords, throttling, session lifetime."""

from datetime import UTC, datetime, timedelta

import pytest
from auth.domain import fields, orgnumber, passwords, throttle
from auth.domain.sessions import Lifetime

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["559192-5788", "5591925788", " 559192-5788 "])
def test_valid_organisation_numbers_are_normalised(raw):
    assert orgnumber.normalise(raw) == "559192-5788"


@pytest.mark.parametrize(
    "raw",
    ["", "559192-5787", "55919-25788", "559192_5788", "abcdef-ghij", "559192-57888", "1" * 500],
)
def test_malformed_or_wrong_check_digit_organisation_numbers_are_refused(raw):
    assert orgnumber.normalise(raw) is None


def test_password_needs_twelve_characters():
    assert passwords.problems("short-pass1") != []
    assert passwords.problems("twelve chars") == []


def test_password_of_64_and_256_characters_is_accepted_and_257_refused():
    assert passwords.problems("x1" * 32) == []
    assert passwords.problems("ab" * 128) == []
    assert passwords.problems("ab" * 128 + "c") != []


def test_no_composition_rules_apply():
    assert passwords.problems("only lower case words here") == []


@pytest.mark.parametrize(
    "common", ["password1234", "Qwertyuiop123", "123456789012", "lösenord1234"]
)
def test_common_passwords_are_refused(common):
    assert "för vanligt" in passwords.problems(common)[0]


def test_password_equal_to_the_email_is_refused():
    assert passwords.problems("kaisa@jlmdata.se", context=("kaisa@jlmdata.se",)) != []


@pytest.mark.parametrize(
    "address",
    ["", "kaisa", "kaisa@", "@jlmdata.se", "kaisa@jlmdata", "ka isa@jlmdata.se", "a@b@c.se"],
)
def test_malformed_email_is_refused(address):
    assert fields.email(address)[1] is not None


def test_overlong_and_control_characters_are_refused():
    assert fields.text("x" * 101, "namn", 100)[1] == "Högst 100 tecken."
    assert fields.text("Kai\x00sa", "namn", 100)[1] is not None


def _failures(count, last=NOW, spacing=timedelta(seconds=1)):
    return [last - spacing * i for i in range(count)]


def test_first_five_failed_logins_of_an_account_are_not_delayed():
    assert throttle.next_allowed(throttle.LOGIN_ACCOUNT, _failures(4), NOW) is None
    assert throttle.next_allowed(throttle.LOGIN_ACCOUNT, _failures(5), NOW) == NOW + timedelta(
        seconds=1
    )


def test_delays_double_and_stop_growing_at_a_minute():
    rule = throttle.LOGIN_ACCOUNT
    assert throttle.next_allowed(rule, _failures(7), NOW) == NOW + timedelta(seconds=4)
    assert throttle.next_allowed(rule, _failures(30), NOW) == NOW + timedelta(seconds=60)


def test_failures_older_than_an_hour_do_not_count():
    old = _failures(30, last=NOW - timedelta(hours=1, seconds=1))
    assert throttle.next_allowed(throttle.LOGIN_ACCOUNT, old, NOW) is None


def test_an_attacker_gets_fewer_than_100_evaluated_passwords_per_account_per_hour():
    rule, at, evaluated = throttle.LOGIN_ACCOUNT, NOW, []
    while at < NOW + timedelta(hours=1):
        allowed = throttle.next_allowed(rule, evaluated, at)
        if allowed is None:
            evaluated.append(at)
            at += timedelta(milliseconds=100)
        else:
            at = allowed
    assert len(evaluated) <= 100


def test_an_address_is_locked_for_the_rest_of_the_hour_after_fifty_failures():
    failures = _failures(50, spacing=timedelta(seconds=10))
    allowed = throttle.next_allowed(throttle.LOGIN_ADDRESS, failures, NOW)
    assert allowed == failures[-1] + timedelta(hours=1)


def test_session_expires_when_idle_or_too_old():
    life = Lifetime(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
    assert not life.expired(NOW, NOW, NOW + timedelta(minutes=29))
    assert life.expired(NOW, NOW, NOW + timedelta(minutes=30))
    recent = NOW + timedelta(hours=12) - timedelta(minutes=1)
    assert not life.expired(NOW, recent, NOW + timedelta(hours=11, minutes=59))
    assert life.expired(NOW, recent, NOW + timedelta(hours=12))
