"""The two check-digit algorithms of Swedish payment numbers (Bankgirot's 10-modul and 11-modul).

The 10-modul is Luhn, shared with the organisation numbers of the other services.
"""

from servicekit.luhn import ascii_digits, luhn_check_digit, luhn_valid

__all__ = ["ascii_digits", "luhn_check_digit", "luhn_valid", "mod11_valid"]


def mod11_valid(digits: str) -> bool:
    """Modulus 11 with weights 1, 2, 3 ... 10, 1, 2 ... from the rightmost (check) digit.

    Bankgirot's "11-modul": the weighted sum must be divisible by 11. For the 11-digit
    type 1 account numbers this is the documented weight row 1, 10, 9, ... 2, 1.
    """
    if not ascii_digits(digits):
        return False
    total = sum(int(char) * (position % 10 + 1) for position, char in enumerate(reversed(digits)))
    return total % 11 == 0
