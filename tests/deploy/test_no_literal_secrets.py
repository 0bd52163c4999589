"""No secret value is written anywhere under deploy/: secrets are referenced by name only."""

import re
from pathlib import Path

from servicekit.config import VARIABLES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SECRETS = [v.name for v in VARIABLES if v.secret]
PLACEHOLDERS = {"", "REPLACE_ME"}
CREDENTIAL_IN_URL = re.compile(r"(?:postgresql|amqps?)://([^:/@\s]+):([^@\s]+)@")
LOOKS_SECRET = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bk\d+:[A-Za-z0-9+/]{40,}={0,2}"),  # a TOKENS_ENCRYPTION_KEYS entry
]


def files() -> list[Path]:
    return [p for p in DEPLOY.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


def test_no_secret_variable_is_given_a_value_in_deploy():
    for path in files():
        for line in path.read_text().splitlines():
            for name in SECRETS:
                match = re.search(rf"\b{name}\s*[:=]\s*([^\s#]*)", line)
                if match and "$" not in match.group(1) and path.name != "secrets.sh":
                    assert match.group(1).strip("'\"") in PLACEHOLDERS, f"{path}: {line}"


def test_no_password_or_key_material_in_deploy():
    for path in files():
        text = path.read_text()
        for user, password in CREDENTIAL_IN_URL.findall(text):
            # The local run's and Compose's well-known development broker login only.
            assert (user, password) == ("guest", "guest"), f"{path}: {user}:{password}"
        for pattern in LOOKS_SECRET:
            assert not pattern.search(text), f"{path} holds what looks like a secret"
