"""AES-GCM encryption of tokens at rest, with key ids so keys can be rotated.

A ciphertext reads `<kid>:<base64(nonce || ciphertext+tag)>`. The associated data binds it to
its organisation and column, so a ciphertext copied into another row or column fails to open.
"""

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12


class KeyringError(ValueError):
    """The configured keys cannot be used, or a ciphertext cannot be opened with them."""


class Keyring:
    def __init__(self, keys: list[tuple[str, bytes]]):
        if not keys:
            raise KeyringError("TOKENS_ENCRYPTION_KEYS holds no key")
        for kid, key in keys:
            if len(key) not in (16, 24, 32):
                raise KeyringError(f"key {kid!r} must be 128, 192 or 256 bits")
        self.primary_kid = keys[0][0]
        self._ciphers = {kid: AESGCM(key) for kid, key in keys}

    @classmethod
    def parse(cls, spec: str) -> "Keyring":
        """`kid:base64key,kid2:base64key`; the first key encrypts, all of them decrypt."""
        keys = []
        for item in filter(None, (part.strip() for part in spec.split(","))):
            kid, sep, encoded = item.partition(":")
            if not sep or not kid:
                raise KeyringError("each key must read `kid:base64key`")
            try:
                keys.append((kid, base64.b64decode(encoded, validate=True)))
            except binascii.Error as exc:
                raise KeyringError(f"key {kid!r} is not valid base64") from exc
        if len({kid for kid, _ in keys}) != len(keys):
            raise KeyringError("two keys share a key id")
        return cls(keys)

    @property
    def key_ids(self) -> list[str]:
        return list(self._ciphers)

    def encrypt(self, plaintext: str, org_id: str, column: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self.primary_kid].encrypt(
            nonce, plaintext.encode(), _associated(org_id, column)
        )
        return f"{self.primary_kid}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, ciphertext: str, org_id: str, column: str) -> str:
        kid, _, encoded = ciphertext.partition(":")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise KeyringError(f"no key {kid!r} configured to open a stored token")
        raw = base64.b64decode(encoded)
        try:
            plain = cipher.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated(org_id, column)
            )
        except InvalidTag as exc:
            raise KeyringError(f"a stored {column} of {org_id} does not open") from exc
        return plain.decode()

    @staticmethod
    def key_id_of(ciphertext: str) -> str:
        return ciphertext.partition(":")[0]


def _associated(org_id: str, column: str) -> bytes:
    return f"rf-tokens/v1/{org_id}/{column}".encode()


def new_key() -> str:
    """A fresh random 256-bit key, base64, for an operator adding a key."""
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
