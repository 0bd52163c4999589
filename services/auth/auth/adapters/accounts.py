"""The accounts in one transaction: the port of the log-in, sign-up, recovery, account and
invitation handlers (tests/unit/fakes.py has its hand fake). What is done inside one
`transaction()` commits together, mails and events too; an exception undoes all of it."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from psycopg import Connection
from psycopg_pool import ConnectionPool
from servicekit.db import transaction
from servicekit.events.outbox import publish

from auth.adapters import invitations, mail, repository, store
from auth.domain.invitations import Invitation


class Accounts:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    @contextmanager
    def transaction(self) -> Iterator["AccountRows"]:
        with transaction(self.pool) as conn:
            yield AccountRows(conn)


class AccountRows:
    """One transaction's reads and writes; throttling keys are locked until it ends."""

    def __init__(self, conn: Connection):
        self.conn = conn

    # users
    def user_by_identifier(self, identifier: str) -> dict | None:
        return repository.find_user_by_identifier(self.conn, identifier)

    def user_by_email(self, email: str) -> dict | None:
        return repository.find_user_by_email(self.conn, email)

    def user(self, user_id: str) -> dict | None:
        return repository.find_user(self.conn, user_id)

    def lock_user(self, user_id: str) -> dict | None:
        """The user's password hash and disabled time, locked (one password change at a time)."""
        return repository.lock_user(self.conn, user_id)

    def set_password(self, user_id: str, password_hash: str) -> None:
        repository.set_password(self.conn, user_id, password_hash)

    def mark_verified(self, user_id: str, at: datetime) -> bool:
        """True when the user was not verified before."""
        return repository.mark_verified(self.conn, user_id, at)

    def insert_user(self, *, email: str, name: str, password_hash: str | None, **more) -> str:
        """`more`: a `username`, `verified_at` or `user_id` (the demo's seed gives them)."""
        return repository.insert_user(
            self.conn, email=email, name=name, password_hash=password_hash, **more
        )

    def delete_user(self, user_id: str) -> None:
        repository.delete_user(self.conn, user_id)

    # organisations and memberships
    def org(self, org_id: str) -> dict | None:
        return repository.find_org(self.conn, org_id)

    def org_number_taken(self, org_number: str) -> bool:
        return repository.org_number_taken(self.conn, org_number)

    def active_admins_of_org_number(self, org_number: str) -> list[dict]:
        return repository.active_admins_of_org_number(self.conn, org_number)

    def insert_org(self, *, name: str, org_number: str, **more) -> dict:
        """`more`: a `customer_number` or `org_id` (the demo's seed gives them)."""
        return repository.insert_org(self.conn, name=name, org_number=org_number, **more)

    def enable_apps(self, org_id: str, app_keys: list[str]) -> None:
        repository.enable_apps(self.conn, org_id, app_keys)

    def add_member(self, org_id: str, user_id: str, role: str) -> None:
        repository.add_member(self.conn, org_id, user_id, role)

    def lock_roles(self, org_id: str) -> list[str]:
        """The roles of the organisation's members, locked (one role change at a time)."""
        return [m["role"] for m in repository.lock_members(self.conn, org_id)]

    def leave(self, user_id: str) -> None:
        repository.leave(self.conn, user_id)

    # invitations (adapters/invitations.py)
    def insert_invitation(self, **invitation) -> str:
        return invitations.insert(self.conn, **invitation)

    def invitation_by_token(self, token_hash: bytes) -> Invitation | None:
        """The invitation of a link, locked until the transaction ends."""
        return invitations.by_token(self.conn, token_hash)

    def pending_invitations(self, org_id: str, now: datetime) -> list[Invitation]:
        return invitations.pending_of_org(self.conn, org_id, now)

    def end_invitation(self, invitation_id: str, outcome: str, now: datetime) -> bool:
        return invitations.end(self.conn, invitation_id, outcome, now)

    def withdraw_open_invitations(self, org_id: str, email: str, now: datetime) -> None:
        invitations.withdraw_open(self.conn, org_id, email, now)

    def withdraw_invitation(self, org_id: str, invitation_id: str, now: datetime) -> bool:
        return invitations.withdraw(self.conn, org_id, invitation_id, now)

    # one-time link tokens (stored hashed)
    def insert_token(self, token_hash: bytes, purpose: str, user_id: str, now, ttl) -> None:
        store.insert_token(self.conn, token_hash, purpose, user_id, now, ttl)

    def usable_token(self, token_hash: bytes, purpose: str, now: datetime) -> dict | None:
        """The unused, unexpired token, locked until the transaction ends."""
        return store.usable_token(self.conn, token_hash, purpose, now, lock=True)

    def use_tokens_of(self, user_id: str, purpose: str, now: datetime) -> None:
        store.use_tokens_of(self.conn, user_id, purpose, now)

    # sessions
    def insert_session(self, id_hash: bytes, user_id: str, now: datetime, created_at=None) -> None:
        store.insert_session(self.conn, id_hash, user_id, now, created_at)

    def delete_session(self, id_hash: bytes) -> None:
        store.delete_session(self.conn, id_hash)

    def take_session(self, id_hash: bytes) -> dict | None:
        """Delete the session and return its start, or None when it is gone already."""
        return store.take_session(self.conn, id_hash)

    def delete_sessions_of(self, user_id: str) -> int:
        return store.delete_sessions_of(self.conn, user_id)

    # throttling events
    def lock_keys(self, *keys: str) -> None:
        store.lock_keys(self.conn, *keys)

    def throttle_events(self, key: str, since: datetime) -> list[datetime]:
        return store.throttle_events(self.conn, key, since)

    def add_throttle_event(self, key: str, at: datetime) -> int:
        return store.add_throttle_event(self.conn, key, at)

    def remove_throttle_event(self, event_id: int) -> None:
        store.remove_throttle_event(self.conn, event_id)

    def forget_throttle(self, key: str, until: datetime) -> None:
        store.forget_throttle(self.conn, key, until)

    def clear_throttle(self, key: str) -> None:
        store.clear_throttle(self.conn, key)

    def prune_throttle(self, before: datetime) -> None:
        store.prune_throttle(self.conn, before)

    # what leaves with the commit
    def mail(self, at: datetime, recipient: str, subject: str, body: str) -> None:
        mail.enqueue(self.conn, at, recipient, subject, body)

    def publish(self, event_type: str, org_id: str, data: dict) -> None:
        publish(self.conn, event_type, org_id, data)
