"""The Luhn (modulus 10) check digit that Swedish organisation numbers carry, and Bankgirot's
"10-modul" over Bankgiro and bank account numbers.

python-stdnum computes it: a well-kept implementation that takes the ASCII digits 0-9 only, so a
fullwidth, Arabic-Indic or superscript digit can never pass as a valid number.
"""

from stdnum import luhn


def ascii_digits(text: str) -> bool:
    """Only the digits 0-9: str.isdigit() also says yes to '５', '٥', '²' and '①'."""
    return text.isascii() and text.isdigit()


def luhn_valid(digits: str) -> bool:
    """Modulus 10 (Luhn) over every digit, the last being the check digit."""
    return ascii_digits(digits) and luhn.is_valid(digits)


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits + check` pass luhn_valid()."""
    if not ascii_digits(digits):
        raise ValueError("not digits")
    return luhn.calc_check_digit(digits)
