"""When the next attempt under a throttling key may be evaluated.

Failed log-ins are counted per account and per client address over a trailing hour. The first
few are free, then each further attempt waits a doubling delay (the ceiling of a
servicekit.backoff policy, without jitter since the person is told the wait; capped, so an
attacker can never keep a real user out for more than a minute at a time), and a hard cap per
hour locks the
key until its oldest counted failure is an hour old. With the account rule an attacker gets at
most 5 + 6 + 59 = 70 evaluated passwords per account per hour, under ASVS's 100.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from servicekit.backoff import Policy

WINDOW = timedelta(hours=1)


# The wait after each attempt beyond the free ones: 1 s, 2 s, 4 s ... up to a minute.
LOGIN_PENALTY = Policy(base=1.0, cap=60.0)


@dataclass(frozen=True)
class Rule:
    free: int
    hourly_cap: int
    penalty: Policy | None = None  # None: no wait between attempts, only the hourly cap


LOGIN_ACCOUNT = Rule(free=5, hourly_cap=100, penalty=LOGIN_PENALTY)
LOGIN_ADDRESS = Rule(free=20, hourly_cap=50, penalty=LOGIN_PENALTY)
# Mails a person can trigger: a few per account, more per address; refused silently.
RESET_ACCOUNT = Rule(free=3, hourly_cap=3)
MAIL_ADDRESS = Rule(free=10, hourly_cap=10)
# Mails one recipient can be sent by others' doing ("already registered", invitations, resets):
# nobody can turn the platform into a mail cannon against one inbox.
MAIL_RECIPIENT = Rule(free=5, hourly_cap=5)
# Registrations are counted before the password is hashed (argon2id, 19 MiB each): per
# client network, per e-mail address, and for the whole platform.
REGISTER_NETWORK = Rule(free=10, hourly_cap=10)
REGISTER_EMAIL = Rule(free=3, hourly_cap=3)
REGISTER_ALL = Rule(free=300, hourly_cap=300)
# Invitations an organisation, and one administrator, may send per hour.
INVITE_ORG = Rule(free=30, hourly_cap=30)
INVITE_ADMIN = Rule(free=15, hourly_cap=15)


def client_network(address: str) -> str:
    """The key of a client address: IPv4 as it is, IPv6 by its /64 (one subscriber's
    allocation, every address of which one attacker may use)."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def next_allowed(rule: Rule, events: list[datetime], now: datetime) -> datetime | None:
    """The earliest time another attempt is evaluated, or None when it may be at once."""
    recent = sorted(at for at in events if at > now - WINDOW)
    count = len(recent)
    if count >= rule.hourly_cap:
        return recent[count - rule.hourly_cap] + WINDOW
    if count < rule.free or rule.penalty is None:
        return None
    allowed = recent[-1] + timedelta(seconds=rule.penalty.ceiling(count - rule.free + 1))
    return allowed if allowed > now else None


def retry_after_seconds(allowed: datetime, now: datetime) -> int:
    return max(1, int((allowed - now).total_seconds() + 0.999))
