"""The platform's one backoff policy: capped exponential with equal jitter.

After the n-th failure in a row the ceiling is min(cap, base * 2**(n-1)), and the delay is drawn
uniformly between half the ceiling and the whole of it. Equal jitter rather than full jitter:
many processes' retries still spread out, and no delay is ever close to zero, so something that
refuses at once is never hammered in a tight loop.

`Policy.delay()` is for schedules that are stored (an event's next attempt, a connection's
cool-down, a mail's next try); `Backoff` counts the failures of a loop that waits in-process.
A deterministic penalty (log-in throttling) uses `Policy.ceiling()`: a user is told the wait.
"""

import random
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    base: float
    cap: float

    def ceiling(self, failures: int) -> float:
        """The longest delay after `failures` failures in a row (the first failure waits base)."""
        exponent = min(max(failures - 1, 0), 62)  # 2**62 seconds outlasts any cap
        return min(self.cap, self.base * 2**exponent)

    def delay(self, failures: int, rng=random) -> float:
        """Seconds to wait after `failures` failures in a row: equal jitter below the ceiling."""
        ceiling = self.ceiling(failures)
        return ceiling / 2 + rng.random() * ceiling / 2


# Reconnect loops: a process waiting for a dependency that is back must be using it again within
# a couple of seconds, so the cap is small.
RECONNECT = Policy(base=0.5, cap=2.0)


class Backoff:
    """The failures of one waiting loop under a policy; `reset()` once the dependency answers."""

    def __init__(self, policy: Policy = RECONNECT):
        self.policy = policy
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        return self.policy.delay(self.failures)

    def reset(self) -> None:
        self.failures = 0

    def wait(self, stop: threading.Event) -> bool:
        """Sleep the next delay unless asked to stop first; True when stopping."""
        return stop.wait(self.next_delay())
