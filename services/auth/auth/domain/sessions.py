"""Session lifetime rules: an idle timeout and an absolute lifetime."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta

    def expired(self, created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
        return now - last_seen_at >= self.idle or now - created_at >= self.absolute
