"""Properties of the bank rules over generated input (Hypothesis): whatever comes in, the answer
is a valid payment method in ASCII digits or a field message, never another exception; the
check digits agree with python-stdnum's Luhn."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from settings.domain import banks
from settings.domain.payment import (
    BANK_ACCOUNT,
    BANKGIRO,
    PLUSGIRO,
    InvalidPaymentMethod,
    parse_payment_method,
)
from stdnum import luhn

BOUNDED = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
ascii_digits = st.text(alphabet=string.digits, min_size=1, max_size=12)
# Digits of any script, the separators people type, and whatever else text can hold.
any_text = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), max_size=12),
    st.text(alphabet=string.digits + " -.\u00a0\u2007", max_size=16),
)


def outcome(method, **numbers):
    try:
        return parse_payment_method(method, **numbers)
    except InvalidPaymentMethod as refused:
        return refused


def assert_ascii_or_refused(result, fields: set[str]) -> None:
    if isinstance(result, InvalidPaymentMethod):
        assert set(result.fields) <= fields and result.fields
        return
    for value in (result.number, result.clearing_number or ""):
        assert value.isascii() and (value.isdigit() or value == "")


@BOUNDED
@given(method=st.sampled_from([BANKGIRO, PLUSGIRO]), number=any_text)
def test_any_giro_text_is_a_valid_ascii_number_or_a_field_message(method, number):
    assert_ascii_or_refused(outcome(method, number=number), {"number"})


@BOUNDED
@given(digits=ascii_digits)
def test_a_bankgiro_number_is_taken_exactly_when_it_has_7_or_8_digits_and_luhn_agrees(digits):
    taken = not isinstance(outcome(BANKGIRO, number=digits), InvalidPaymentMethod)
    assert taken == (7 <= len(digits) <= 8 and luhn.is_valid(digits))


@BOUNDED
@given(digits=ascii_digits)
def test_a_plusgiro_number_is_taken_exactly_when_it_has_2_to_8_digits_and_luhn_agrees(digits):
    taken = not isinstance(outcome(PLUSGIRO, number=digits), InvalidPaymentMethod)
    assert taken == (2 <= len(digits) <= 8 and luhn.is_valid(digits))


@BOUNDED
@given(
    digits=st.text(alphabet=string.digits, min_size=7, max_size=8),
    separated=st.sampled_from(["{}-{}", "{} {}", "{}.{}", "{}{}"]),
)
def test_separators_do_not_change_a_bankgiro_number(digits, separated):
    plain = outcome(BANKGIRO, number=digits)
    written = outcome(BANKGIRO, number=separated.format(digits[:-4], digits[-4:]))
    assert type(plain) is type(written)
    if not isinstance(plain, InvalidPaymentMethod):
        assert plain == written


@BOUNDED
@given(clearing=any_text, account=any_text)
def test_any_bank_account_text_is_valid_ascii_or_a_field_message(clearing, account):
    result = outcome(BANK_ACCOUNT, clearing_number=clearing, account_number=account)
    assert_ascii_or_refused(result, {"clearing_number", "account_number"})


@BOUNDED
@given(clearing=st.integers(min_value=0, max_value=9999), account=ascii_digits)
def test_a_taken_account_belongs_to_the_bank_of_its_clearing_range(clearing, account):
    result = outcome(BANK_ACCOUNT, clearing_number=f"{clearing:04d}", account_number=account)
    rule = banks.rule_for(clearing)
    if rule is None:
        assert isinstance(result, InvalidPaymentMethod) and "clearing_number" in result.fields
        return
    if not isinstance(result, InvalidPaymentMethod):
        assert result.bank_name == rule.bank
        assert rule.first <= clearing <= rule.last
        assert rule.min_digits <= len(account) <= rule.max_digits


@pytest.mark.parametrize("rule", banks.RULES, ids=lambda rule: f"{rule.bank}-{rule.first}")
def test_every_clearing_range_is_found_at_both_ends(rule):
    assert banks.rule_for(rule.first) == rule and banks.rule_for(rule.last) == rule
