"""Swedish organisation numbers: NNNNNN-NNNN whose last digit is a Luhn check digit."""

import re

from servicekit.luhn import luhn_valid

_SHAPE = re.compile(r"^([0-9]{6})-?([0-9]{4})$")  # \d would match any script's digits


def normalise(raw: str) -> str | None:
    """The number as NNNNNN-NNNN, or None when it is malformed or its check digit is wrong."""
    match = _SHAPE.match((raw or "").strip().replace(" ", ""))
    if not match:
        return None
    digits = match.group(1) + match.group(2)
    if not luhn_valid(digits):
        return None
    return f"{match.group(1)}-{match.group(2)}"
