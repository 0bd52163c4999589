"""Pure rules of the sandbox: scopes of an authorize request, organisation numbers."""

import pytest
from fortnox_sandbox.domain.rules import AuthorizeError, organization_number, parse_scopes
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
