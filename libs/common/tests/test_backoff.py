"""servicekit.backoff: the platform's one policy, capped exponential with equal jitter."""

import random
import threading

from servicekit.backoff import RECONNECT, Backoff, Policy


class Fixed:
    def __init__(self, value: float):
        self.value = value

    def random(self) -> float:
        return self.value


def test_the_ceiling_doubles_from_the_base_after_each_failure_up_to_the_cap():
    policy = Policy(base=1.0, cap=10.0)
    assert [policy.ceiling(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]
    assert policy.ceiling(10_000) == 10.0


def test_each_delay_lies_between_half_the_ceiling_and_the_whole_of_it():
    policy = Policy(base=2.0, cap=60.0)
    assert policy.delay(3, rng=Fixed(0.0)) == 4.0
    assert policy.delay(3, rng=Fixed(0.999999)) < 8.0
    delays = [policy.delay(3, rng=random.Random(seed)) for seed in range(200)]
    assert all(4.0 <= d < 8.0 for d in delays)
    assert max(delays) - min(delays) > 2.0  # jittered, so many processes spread out


def test_a_loop_waits_longer_after_each_failure_and_starts_over_after_reset():
    backoff = Backoff(Policy(base=0.5, cap=2.0))
    first, second, third = (backoff.next_delay() for _ in range(3))
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0 and 1.0 <= third <= 2.0
    backoff.reset()
    assert backoff.next_delay() <= 0.5


def test_a_reconnect_loop_never_waits_more_than_two_seconds_and_stops_when_asked():
    backoff = Backoff()
    assert backoff.policy == RECONNECT
    assert max(backoff.next_delay() for _ in range(50)) <= 2.0
    stop = threading.Event()
    stop.set()
    assert backoff.wait(stop) is True
