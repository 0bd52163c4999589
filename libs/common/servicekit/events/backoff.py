"""Capped exponential backoff with full jitter, for reconnecting and for retrying a failed event."""

import random
import threading


class Backoff:
    """Delays of random(0, min(cap, base * 2**n)): retries of many processes spread out."""

    # The cap is small on purpose: a process waiting for a dependency that is back must be using
    # it again within a couple of seconds; jitter still spreads many replicas' attempts.
    def __init__(self, base: float = 0.5, cap: float = 2.0):
        self.base = base
        self.cap = cap
        self.failures = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * 2**self.failures)
        self.failures += 1
        # Never zero: a broker that refuses at once must not be hammered in a tight loop.
        return max(self.base / 2, random.uniform(0, ceiling))

    def reset(self) -> None:
        self.failures = 0

    def wait(self, stop: threading.Event) -> bool:
        """Sleep the next delay unless asked to stop first; True when stopping."""
        return stop.wait(self.next_delay())


def retry_delay(attempts: int, base: float = 1.0, cap: float = 300.0) -> float:
    """Seconds before a failed event is tried again, after `attempts` failures (jittered)."""
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    return random.uniform(ceiling / 2, ceiling)
