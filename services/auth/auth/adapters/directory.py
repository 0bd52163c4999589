"""The members of an organisation, locked for a change: the port the organisation handlers use
(tests/unit/conftest.py has its hand fake). One organisation's changes run one at a time, so two
administrators cannot remove each other at once."""

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg_pool import ConnectionPool
from servicekit.db import transaction
from servicekit.events.outbox import publish

from auth.adapters import repository, store


class Directory:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    @contextmanager
    def members_of(self, org_id: str) -> Iterator["LockedMembers"]:
        """The organisation's members, locked; what is done commits together, events too."""
        with transaction(self.pool) as conn:
            yield LockedMembers(conn, org_id)


class LockedMembers:
    def __init__(self, conn, org_id: str):
        self.conn, self.org_id = conn, org_id
        self.roles = {str(m["user_id"]): m["role"] for m in repository.lock_members(conn, org_id)}

    def remove(self, user_id: str) -> None:
        """The member's account goes, and their sessions and links with it."""
        store.delete_sessions_of(self.conn, user_id)
        repository.delete_user(self.conn, user_id)

    def set_role(self, user_id: str, role: str) -> None:
        repository.set_role(self.conn, self.org_id, user_id, role)

    def publish(self, event_type: str, data: dict) -> None:
        publish(self.conn, event_type, self.org_id, data)
