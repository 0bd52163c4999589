"""Hand-written fakes of the tokens service's own ports, for handler tests without I/O."""

import copy
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from tokens.domain.connection import LEGACY, Connection
from tokens.domain.errors import LockUnavailable
from tokens.domain.model import Grant
from tokens.handlers import Services, Settings


class FakeStore:
    def __init__(self):
        self.rows = {}
        self.events = []
        self.audits = []
        self._locks = {}
        self._guard = threading.Lock()

    def peek(self, org_id):
        with self._guard:
            row = self.rows.get(org_id)
            return copy.deepcopy(row)

    def peek_handout(self, org_id):
        """The shape of ConnectionStore.peek_handout: only what a hand-out reads, the refresh
        token never ("" when one is stored)."""
        row = self.peek(org_id)
        if row is None:
            return None
        return Connection(
            org_id=org_id,
            kind=row.kind,
            state=row.state,
            access_token=row.access_token if row.kind != LEGACY else None,
            legacy_token=row.legacy_token if row.kind == LEGACY else None,
            refresh_token="" if row.refresh_token is not None else None,
            access_expires_at=row.access_expires_at,
            cooldown_until=row.cooldown_until,
            last_failure_reason=row.last_failure_reason,
            reauthorization_reason=row.reauthorization_reason,
            last_used_at=row.last_used_at,
        )

    def touch(self, org_id):
        pass

    def audit(self, org_id, entry):
        self.audits.append((org_id, entry))

    @contextmanager
    def locked(self, org_id, *, wait=True):
        with self._guard:
            lock = self._locks.setdefault(org_id, threading.Lock())
        if not lock.acquire(blocking=wait, timeout=5 if wait else -1):
            raise LockUnavailable(org_id)
        try:
            yield _Locked(self, org_id)
        finally:
            lock.release()


class _Locked:
    def __init__(self, store, org_id):
        self.store, self.org_id = store, org_id

    def load(self):
        return self.store.peek(self.org_id)

    def save(self, connection, events=(), audit=None):
        with self.store._guard:
            self.store.rows[self.org_id] = copy.deepcopy(connection)
            self.store.events += [(self.org_id, e) for e in events]
        if audit:
            self.store.audits.append((self.org_id, audit))

    def audit(self, entry):
        self.store.audits.append((self.org_id, entry))


class FakeFortnox:
    """Answers token calls from a script: a Grant, or an exception to raise."""

    def __init__(self):
        self.script = []
        self.calls = []
        self.issued = 0
        self._guard = threading.Lock()
        self.gate = None  # an Event the call waits on, to hold callers inside the call

    def _next(self, call):
        if self.gate is not None:
            self.gate.wait(5)
        with self._guard:
            self.calls.append(call)
            answer = self.script.pop(0) if self.script else None
            self.issued += 1
            number = self.issued
        if isinstance(answer, Exception):
            raise answer
        return answer or Grant(f"access-{number}", 3600, "companyinformation", f"refresh-{number}")

    def refresh(self, refresh_token):
        return self._next(("refresh", refresh_token))

    @staticmethod
    def tenant_of(access_token):
        return None  # the fakes' access tokens are no JWTs

    def client_credentials(self, tenant_id):
        grant = self._next(("client_credentials", tenant_id))
        return Grant(grant.access_token, grant.expires_in, grant.scope, None)


class FakeClock:
    def __init__(self):
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def fake_svc():
    clock = FakeClock()
    pauses = []
    svc = Services(
        store=FakeStore(),
        states=None,
        work=None,
        fortnox=FakeFortnox(),
        settings=Settings(redirect_uri="http://x/fortnox/callback", scopes="companyinformation"),
        clock=clock,
        sleep=pauses.append,
    )
    svc.pauses = pauses
    return svc
