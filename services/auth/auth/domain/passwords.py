"""The password rules (ASVS 2.1): length only, no composition rules, no common passwords."""

from functools import cache
from pathlib import Path

MIN_LENGTH = 12
# Long passphrases are welcome; the bound only keeps one request from hashing megabytes.
MAX_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold() for line in lines if line.strip() and not line.startswith("#")
    )


def problems(password: str, *, context: tuple[str, ...] = ()) -> list[str]:
    """Why the password cannot be used (Swedish, for the form); empty when it is fine.

    `context` holds words of the account (e-mail, user name, company) a password must not be.
    """
    if not password:
        return ["Ange ett lösenord."]
    if len(password) < MIN_LENGTH:
        return [f"Lösenordet måste ha minst {MIN_LENGTH} tecken."]
    if len(password) > MAX_LENGTH:
        return [f"Lösenordet får ha högst {MAX_LENGTH} tecken."]
    folded = password.casefold()
    if folded in common_passwords():
        return ["Lösenordet är för vanligt. Välj ett annat, gärna en fras med flera ord."]
    if any(word and folded == word.casefold() for word in context):
        return ["Lösenordet får inte vara ditt användarnamn, din e-post eller företagets namn."]
    return []
