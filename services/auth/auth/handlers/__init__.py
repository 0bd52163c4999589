"""Use cases of the auth service: plain functions over the `Services` they are given.

`Services` names the ports (the accounts, the members' directory, the sessions, the password
hasher, the SMTP server, the clock), the database pool the organisation pages and notices still
run their SQL on, and the settings; bootstrap.py wires the real adapters, unit tests
(tests/unit) hand-written fakes.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from servicekit.clock import Clock, utc_now

from auth.domain.sessions import Lifetime


@dataclass(frozen=True)
class Settings:
    lifetime: Lifetime
    reset_ttl: timedelta
    verify_ttl: timedelta
    invite_ttl: timedelta
    public_base_url: str

    def link(self, path: str, token: str | None = None) -> str:
        """An absolute link for a mail: always from PUBLIC_BASE_URL, never a request's Host."""
        url = self.public_base_url.rstrip("/") + path
        return f"{url}?t={token}" if token else url


@dataclass
class Services:
    pool: Any  # psycopg_pool.ConnectionPool: the ports' connections, and the pages' reads
    hasher: Any  # adapters.hashing.Hasher: hash(), verify(), needs_rehash()
    smtp: Any  # adapters.mail.SmtpServer
    settings: Settings
    directory: Any = None  # adapters.directory.Directory: an organisation's members, locked
    sessions: Any = None  # adapters.store.SessionBook: the sessions as a page's look-up reads them
    # adapters.accounts.Accounts: users, links, throttling events, mail and events, in a transaction
    accounts: Any = None
    clock: Clock = field(default=utc_now)

    def link(self, path: str, token: str | None = None) -> str:
        return self.settings.link(path, token)
