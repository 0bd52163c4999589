"""Hand-written fakes of the settings service's own ports: the store and the tokens service."""

import copy
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from settings.domain.errors import TokensUnavailable
from settings.handlers import Services, company

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeStore:
    """Tables as dicts; a locked record's writes land only when its block ends without error."""

    def __init__(self):
        self.methods: dict[str, dict] = {}
        self.history: dict[str, list[dict]] = {}
        self.companies: dict = {}
        self.published: list[tuple[str, str, dict]] = []

    def payment_method(self, org_id):
        return copy.deepcopy(self.methods.get(org_id))

    def payment_history(self, org_id, limit):
        return self.history.get(org_id, [])[:limit]

    def company(self, org_id):
        return self.companies.get(org_id)

    def overview(self, org_id):
        return self.payment_method(org_id), self.company(org_id)

    def org_ids(self):
        return sorted(set(self.methods) | set(self.companies))

    @contextmanager
    def payment_locked(self, org_id):
        record = _PaymentRecord(self, org_id)
        yield record
        record.commit()

    @contextmanager
    def company_locked(self, org_id):
        record = CompanyRecord(self, org_id)
        yield record
        record.commit()


class _PaymentRecord:
    def __init__(self, store: FakeStore, org_id: str):
        self.store, self.org_id = store, org_id
        self.row, self.events = store.payment_method(org_id), []

    def current(self):
        return copy.deepcopy(self.row)

    def save(self, method, revision, changed_by, at):
        self.row = {
            "org_id": self.org_id,
            "method": method.method,
            "number": method.number,
            "clearing_number": method.clearing_number,
            "bank_name": method.bank_name,
            "revision": revision,
            "changed_by": changed_by,
            "changed_at": at,
        }

    def publish(self, event_type, data):
        self.events.append((event_type, self.org_id, data))

    def commit(self):
        if self.row is not None and self.row != self.store.methods.get(self.org_id):
            self.store.methods[self.org_id] = self.row
            self.store.history.setdefault(self.org_id, []).insert(0, self.row)
        self.store.published += self.events


class CompanyRecord:
    """Also what the consumer hands the event handlers: `CompanyRecord(store, org_id)`."""

    def __init__(self, store: FakeStore, org_id: str):
        self.store, self.org_id = store, org_id
        self.current = store.companies.get(org_id)

    def save(self, info):
        self.current = info
        self.commit()

    def commit(self):
        if self.current is not None:
            self.store.companies[self.org_id] = self.current


class FakeTokens:
    """The tokens service's status answer; `down` makes it unavailable."""

    def __init__(self, answer: dict | None = None):
        self.answer = answer or {"state": "not_connected"}
        self.down = False
        self.asked: list[str] = []

    def status(self, org_id):
        self.asked.append(org_id)
        if self.down:
            raise TokensUnavailable("answered 503")
        return self.answer


@pytest.fixture
def svc():
    return Services(store=FakeStore(), tokens=FakeTokens(), clock=FakeClock())


@pytest.fixture
def deliver(svc):
    """Apply an event as the consumer does, each on its own locked record."""
    return lambda envelope: company.on_event(partial(CompanyRecord, svc.store), envelope)
