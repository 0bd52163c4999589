"""Hand-written fakes of the auth service's own ports, for handler tests without PostgreSQL."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from auth.domain.sessions import Lifetime
from auth.handlers import Services, Settings

from .fakes import FakeAccounts, FakeHasher

DEMO_ORG = "org-1"


class FakeDirectory:
    """Organisations' members in memory; a change that raises leaves them as they were."""

    def __init__(self, roles: dict[str, dict[str, str]]):
        self.roles = roles  # org id -> {user id: role}
        self.removed: list[str] = []
        self.events: list[tuple[str, str, dict]] = []

    @contextmanager
    def members_of(self, org_id: str):
        locked = FakeLockedMembers(org_id, dict(self.roles.get(org_id, {})))
        yield locked
        self.roles[org_id] = locked.roles
        self.removed += locked.removed
        self.events += [(event_type, org_id, data) for event_type, data in locked.events]


class FakeLockedMembers:
    def __init__(self, org_id: str, roles: dict[str, str]):
        self.org_id, self.roles = org_id, roles
        self.removed: list[str] = []
        self.events: list[tuple[str, dict]] = []

    def remove(self, user_id: str) -> None:
        del self.roles[user_id]
        self.removed.append(user_id)

    def set_role(self, user_id: str, role: str) -> None:
        self.roles[user_id] = role

    def publish(self, event_type: str, data: dict) -> None:
        self.events.append((event_type, data))


class FakeSessions:
    """Sessions by id hash, as the page look-up reads them; counts its writes."""

    def __init__(self):
        self.rows: dict[bytes, dict] = {}
        self.touches = 0

    @contextmanager
    def reading(self):
        yield self

    def find(self, id_hash: bytes, *, with_apps: bool = False) -> dict | None:
        row = self.rows.get(id_hash)
        return dict(row, apps=[]) if row and with_apps else row and dict(row)

    def touch(self, id_hash: bytes, now: datetime) -> None:
        self.rows[id_hash]["last_seen_at"] = now
        self.touches += 1

    def delete(self, id_hash: bytes) -> None:
        self.rows.pop(id_hash, None)


class FakeClock:
    def __init__(self):
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def actor(user_id: str, role: str, org_id: str = DEMO_ORG) -> dict:
    return {"user_id": user_id, "org_id": org_id, "role": role, "name": user_id}


@pytest.fixture
def fake_svc():
    settings = Settings(
        lifetime=Lifetime(idle=timedelta(minutes=30), absolute=timedelta(hours=12)),
        reset_ttl=timedelta(minutes=30),
        verify_ttl=timedelta(hours=48),
        invite_ttl=timedelta(hours=72),
        public_base_url="https://apps.example.se",
    )
    directory = FakeDirectory({DEMO_ORG: {"kaisa": "administrator", "olle": "user"}})
    sessions, accounts = FakeSessions(), FakeAccounts()
    accounts.sessions = sessions.rows  # one table of sessions behind both ports
    return Services(
        pool=None,
        hasher=FakeHasher(),
        smtp=None,
        settings=settings,
        directory=directory,
        sessions=sessions,
        accounts=accounts,
        clock=FakeClock(),
    )
