"""The Luhn (modulus 10) check digit that Swedish organisation numbers carry, and Bankgirot's
"10-modul" over Bankgiro and bank account numbers."""


def luhn_valid(digits: str) -> bool:
    """Modulus 10 (Luhn) over every digit, the last being the check digit.

    Weights 2, 1, 2, 1 ... from the digit left of the check digit; products of two digits
    count as the sum of their digits.
    """
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits + check` pass luhn_valid()."""
    for candidate in "0123456789":
        if luhn_valid(digits + candidate):
            return candidate
    raise ValueError("not digits")  # unreachable for digit strings
