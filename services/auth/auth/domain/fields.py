"""Checks of the text fields people type: present, not too long, well-formed."""

import re
import unicodedata

NAME_MAX = 100
COMPANY_MAX = 200
EMAIL_MAX = 254
IDENTIFIER_MAX = 254
# Deliberately simple: one @, no spaces, a dot in the domain; the verification mail proves the rest.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
# Format characters (Unicode category Cf: bidi overrides and isolates, zero-width space and
# joiners, soft hyphen, BOM) and the blank fillers make an address look like another one.
_BLANK_FILLERS = frozenset("\u034f\u115f\u1160\u3164\uffa0")


def text(value: str | None, label: str, max_length: int) -> tuple[str, str | None]:
    """The trimmed value and an error message (or None)."""
    cleaned = (value or "").strip()
    if not cleaned:
        return cleaned, f"Ange {label}."
    if len(cleaned) > max_length:
        return cleaned, f"Högst {max_length} tecken."
    if any(ord(char) < 32 for char in cleaned):
        return cleaned, "Otillåtna tecken."
    return cleaned, None


def email(value: str | None) -> tuple[str, str | None]:
    cleaned, error = text(value, "e-postadress", EMAIL_MAX)
    if error:
        return cleaned, error
    if any(unicodedata.category(c) == "Cf" or c in _BLANK_FILLERS for c in cleaned):
        return cleaned, "E-postadressen innehåller osynliga tecken eller skrivriktningstecken."
    if not _EMAIL.match(cleaned):
        return cleaned, "Ange en giltig e-postadress, till exempel namn@foretag.se."
    return cleaned, None
