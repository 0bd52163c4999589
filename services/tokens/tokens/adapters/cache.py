"""A per-process memory of recently handed-out tokens, for at most a second or so.

It spares the hand-out's database read when the same organisation asks again at once. A cached
token is always outside the refresh margin, so it is valid for minutes; the price is that a
disconnect done in another process is seen here up to `ttl` seconds late. ttl 0 turns it off.
"""

import threading
from datetime import datetime, timedelta


class HandoutCache:
    def __init__(self, ttl_seconds: float):
        self.ttl = timedelta(seconds=max(0.0, ttl_seconds))
        self._entries: dict[str, tuple[object, datetime]] = {}
        self._lock = threading.Lock()

    def get(self, org_id: str, now: datetime):
        entry = self._entries.get(org_id)
        if entry is None or entry[1] <= now:
            return None
        return entry[0]

    def put(self, org_id: str, value, now: datetime, valid_until: datetime | None) -> None:
        if not self.ttl:
            return
        until = now + self.ttl
        if valid_until is not None:
            until = min(until, valid_until)
        if until > now:
            with self._lock:
                self._entries[org_id] = (value, until)

    def drop(self, org_id: str) -> None:
        with self._lock:
            self._entries.pop(org_id, None)
