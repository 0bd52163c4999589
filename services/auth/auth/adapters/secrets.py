"""Random secrets handed to people (session ids, link tokens); only their hashes are stored."""

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits of randomness


def new_secret() -> tuple[str, bytes]:
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, digest(raw)


def digest(raw: str) -> bytes:
    return hashlib.sha256(raw.encode("utf-8")).digest()
