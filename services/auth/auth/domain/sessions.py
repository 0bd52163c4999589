"""Session lifetime rules: an idle timeout and an absolute lifetime."""

from dataclasses import dataclass
from datetime import datetime, timedelta

# A session's last use is written at most this often: a page view is a read, and a write on
# every read made each view wait for a row lock and a commit. The idle timeout may therefore
# end a session up to this much earlier than its last use says.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta

    def expired(self, created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
        return now - last_seen_at >= self.idle or now - created_at >= self.absolute

    def due_for_touch(self, last_seen_at: datetime, now: datetime) -> bool:
        """Record this use as the last one: the recorded one is older than TOUCH_EVERY."""
        return now - last_seen_at >= TOUCH_EVERY
