"""When the next attempt under a throttling key may be evaluated.

Failed log-ins are counted per account and per client address over a trailing hour. The first
few are free, then each further attempt waits a doubling delay (capped, so an attacker can
never keep a real user out for more than a minute at a time), and a hard cap per hour locks the
key until its oldest counted failure is an hour old. With the account rule an attacker gets at
most 5 + 6 + 59 = 70 evaluated passwords per account per hour, under ASVS's 100.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Rule:
    free: int
    max_delay: timedelta
    hourly_cap: int


LOGIN_ACCOUNT = Rule(free=5, max_delay=timedelta(seconds=60), hourly_cap=100)
LOGIN_ADDRESS = Rule(free=20, max_delay=timedelta(seconds=60), hourly_cap=50)
# Mails a person can trigger: a few per account, more per address; refused silently.
RESET_ACCOUNT = Rule(free=3, max_delay=timedelta(0), hourly_cap=3)
MAIL_ADDRESS = Rule(free=10, max_delay=timedelta(0), hourly_cap=10)


def next_allowed(rule: Rule, events: list[datetime], now: datetime) -> datetime | None:
    """The earliest time another attempt is evaluated, or None when it may be at once."""
    recent = sorted(at for at in events if at > now - WINDOW)
    count = len(recent)
    if count >= rule.hourly_cap:
        return recent[count - rule.hourly_cap] + WINDOW
    if count < rule.free:
        return None
    delay = min(timedelta(seconds=2 ** min(count - rule.free, 20)), rule.max_delay)
    allowed = recent[-1] + delay
    return allowed if allowed > now else None


def retry_after_seconds(allowed: datetime, now: datetime) -> int:
    return max(1, int((allowed - now).total_seconds() + 0.999))
