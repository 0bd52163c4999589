"""Counting attempts under throttling keys, atomically across processes.

Each function runs on the `rows` of the caller's transaction (adapters.accounts.AccountRows):
the keys it counts under stay locked until that transaction ends."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from auth.domain.errors import Throttled
from auth.domain.throttle import (
    LOGIN_ACCOUNT,
    LOGIN_ADDRESS,
    MAIL_RECIPIENT,
    WINDOW,
    Rule,
    next_allowed,
    retry_after_seconds,
)


def reserve(rows, checks: list[tuple[Rule, str]], now: datetime) -> dict[str, int]:
    """Count one attempt under every key, or raise Throttled when any key must wait.

    The attempt is counted before it is evaluated (as a failure until proven otherwise), so
    parallel requests cannot slip past the limits together.
    """
    rows.lock_keys(*(key for _, key in checks))
    latest: datetime | None = None
    for rule, key in checks:
        rows.forget_throttle(key, now - WINDOW)
        allowed = next_allowed(rule, rows.throttle_events(key, now - WINDOW), now)
        if allowed is not None and (latest is None or allowed > latest):
            latest = allowed
    if latest is not None:
        raise Throttled(retry_after_seconds(latest, now))
    return {key: rows.add_throttle_event(key, now) for _, key in checks}


def within_limits(rows, checks: list[tuple[Rule, str]], now: datetime) -> bool:
    """Like reserve(), but answers instead of raising (for silent limits such as mails)."""
    try:
        reserve(rows, checks, now)
    except Throttled:
        return False
    return True


def may_mail(rows, recipient: str, now: datetime) -> bool:
    """Whether one more mail that others can trigger may go to this recipient this hour."""
    return within_limits(rows, [(MAIL_RECIPIENT, f"mail-recipient:{recipient.casefold()}")], now)


@dataclass(frozen=True)
class PasswordAttempt:
    account_key: str
    address_event: int


def reserve_password_attempt(
    rows, account: str, client_address: str, now: datetime
) -> PasswordAttempt:
    """Count one check of an account's password under the log-in limits.

    Log-in and every other check of a password (e.g. the current one when changing it) share
    the same per-account and per-address counters, so no form adds guesses to the budget.
    """
    account_key, address_key = f"login-account:{account}", f"login-address:{client_address}"
    reserved = reserve(rows, [(LOGIN_ACCOUNT, account_key), (LOGIN_ADDRESS, address_key)], now)
    return PasswordAttempt(account_key, reserved[address_key])


def password_accepted(rows, attempt: PasswordAttempt) -> None:
    """The right password: the account starts afresh and the address's attempt is not a failure."""
    rows.clear_throttle(attempt.account_key)
    rows.remove_throttle_event(attempt.address_event)


def prune(rows, now: datetime) -> None:
    rows.prune_throttle(now - timedelta(days=1))
