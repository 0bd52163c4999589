"""The Luhn check digit the services share (organisation numbers, Bankgirot's 10-modul)."""

import pytest
from servicekit.luhn import luhn_check_digit, luhn_valid


def test_an_organisation_number_passes_and_any_other_last_digit_fails():
    assert luhn_valid("5591925788")
    assert not any(luhn_valid(f"559192578{d}") for d in "012345679")


@pytest.mark.parametrize("raw", ["", "55919-5788", "559192578x", "５５９１９２５７８８ "])
def test_anything_but_digits_fails(raw):
    assert not luhn_valid(raw)


def test_the_check_digit_completes_a_number_that_passes():
    assert luhn_check_digit("559192578") == "8"
    assert luhn_valid("8327" + luhn_check_digit("8327"))
