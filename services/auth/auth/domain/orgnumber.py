"""Swedish organisation numbers: NNNNNN-NNNN whose last digit is a Luhn check digit."""

import re

_SHAPE = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise(raw: str) -> str | None:
    """The number as NNNNNN-NNNN, or None when it is malformed or its check digit is wrong."""
    match = _SHAPE.match((raw or "").strip().replace(" ", ""))
    if not match:
        return None
    digits = match.group(1) + match.group(2)
    if not luhn_valid(digits):
        return None
    return f"{match.group(1)}-{match.group(2)}"
