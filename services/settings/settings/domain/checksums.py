"""The two check-digit algorithms of Swedish payment numbers (Bankgirot's 10-modul and 11-modul)."""


def luhn_valid(digits: str) -> bool:
    """Modulus 10 (Luhn) over every digit, the last being the check digit.

    Bankgirot's "10-modul": weights 2, 1, 2, 1 ... from the digit left of the check digit;
    products of two digits count as the sum of their digits.
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


def mod11_valid(digits: str) -> bool:
    """Modulus 11 with weights 1, 2, 3 ... 10, 1, 2 ... from the rightmost (check) digit.

    Bankgirot's "11-modul": the weighted sum must be divisible by 11. For the 11-digit
    type 1 account numbers this is the documented weight row 1, 10, 9, ... 2, 1.
    """
    if not digits.isdigit():
        return False
    total = sum(int(char) * (position % 10 + 1) for position, char in enumerate(reversed(digits)))
    return total % 11 == 0
