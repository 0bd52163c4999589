"""argon2id password hashing; hashes made with older parameters are upgraded at the next log-in."""

from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError


@dataclass(frozen=True)
class Argon2Parameters:
    memory_kib: int
    time_cost: int
    parallelism: int


class Hasher:
    def __init__(self, params: Argon2Parameters):
        self.params = params
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            type=Type.ID,
        )
        # Verified against when the account is unknown, so both cases cost the same time.
        self._dummy = self._hasher.hash("no account has this password, it only spends time")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def spend_time(self, password: str) -> None:
        self.verify(None, password)

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)
