"""Pure rules of the sandbox: scopes of an authorize request, organisation numbers, which codes
and refresh tokens may be redeemed."""

import pytest
from fortnox_sandbox.domain.rules import (
    AuthorizeError,
    code_refused,
    organization_number,
    parse_scopes,
    refresh_refused,
)
from fortnox_sandbox.handlers.accounts import random_organization_number


def test_scopes_are_space_separated_and_deduplicated():
    assert parse_scopes("companyinformation settings companyinformation") == [
        "companyinformation",
        "settings",
    ]


@pytest.mark.parametrize("raw", ["", "   ", "companyinformation doesnotexist"])
def test_missing_or_unknown_scopes_are_refused(raw):
    with pytest.raises(AuthorizeError):
        parse_scopes(raw)


def test_organisation_numbers_carry_the_luhn_check_digit():
    assert organization_number("559192578") == "559192-5788"
    generated = random_organization_number().replace("-", "")
    assert organization_number(generated[:9]).replace("-", "") == generated


CODE = {"client_id": "c", "used_at": None, "expired": False, "redirect_uri": "https://a/cb"}


def test_a_fresh_code_of_the_client_for_the_same_redirect_uri_may_be_exchanged():
    assert code_refused(CODE, "c", "https://a/cb") is None


@pytest.mark.parametrize(
    ("change", "client_id", "redirect_uri", "why"),
    [
        ({}, "other", "https://a/cb", "Invalid authorization code"),
        ({"used_at": "yesterday"}, "c", "https://a/cb", "Authorization code already used"),
        ({"expired": True}, "c", "https://a/cb", "Authorization code expired"),
        ({}, "c", "https://b/cb", "redirect_uri does not match the authorization request"),
    ],
)
def test_a_code_of_another_client_used_expired_or_for_another_uri_is_refused(
    change, client_id, redirect_uri, why
):
    assert code_refused(CODE | change, client_id, redirect_uri) == why


def test_an_unknown_or_spent_refresh_token_is_refused():
    assert refresh_refused(None, "c") == "Invalid refresh token"
    assert refresh_refused({"client_id": "c", "usable": False}, "c").endswith("or revoked)")
    assert refresh_refused({"client_id": "c", "usable": True}, "c") is None
