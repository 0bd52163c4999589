"""argon2id password hashing; hashes made with older parameters are upgraded at the next log-in."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id is meant to cost CPU; it runs on a few threads that the kernel schedules only when no
# other thread wants the CPU (SCHED_IDLE; where that is refused, nice +19; Linux schedules each
# thread on its own policy), so a wave of log-ins waits for the CPU instead of taking it from
# every page view. The cost of a hash stays what it is: on an idle machine it runs as fast.
HASHING_THREADS = 2


def _lower_priority() -> None:
    thread = threading.get_native_id()
    try:
        os.sched_setscheduler(thread, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        try:
            os.setpriority(os.PRIO_PROCESS, thread, 19)
        except OSError:
            pass  # a system without per-thread priorities hashes at the normal one


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
        self._threads = ThreadPoolExecutor(
            HASHING_THREADS, thread_name_prefix="argon2", initializer=_lower_priority
        )

    def hash(self, password: str) -> str:
        return self._threads.submit(self._hasher.hash, password).result()

    def verify(self, stored: str | None, password: str) -> bool:
        return self._threads.submit(self._verify, stored, password).result()

    def _verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def spend_time(self, password: str) -> None:
        self.verify(None, password)

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)
