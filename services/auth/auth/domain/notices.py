"""When the administrators hear that their Fortnox connection needs them: the rules as data.

A need begins with token.attention_needed and ends with token.attention_cleared. While it
lasts, the administrators get a first mail at once, reminders 3 and 7 days after it began, and
nothing more. However the need comes and goes, a connection's mail rounds are at least a day
apart; once the need has ended no round is due, so nothing is sent about a connection that
works again. Events can arrive late or twice: one older than the newest applied changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

# After the need began: the first mail, then the reminders.
ROUNDS = (timedelta(0), timedelta(days=3), timedelta(days=7))
MIN_GAP = timedelta(days=1)


@dataclass
class Notice:
    org_id: str
    last_event_at: datetime
    reason: str | None = None
    reason_code: str | None = None  # the tokens service's, where it gave one
    needed_since: datetime | None = None
    rounds: int = 0
    mails_sent: int = 0
    last_mail_at: datetime | None = None
    next_mail_at: datetime | None = None

    @property
    def needed(self) -> bool:
        return self.reason is not None

    def need(self, reason: str, reason_code: str | None, at: datetime) -> bool:
        """The connection needs the customer since `at` (an event's time); False if stale."""
        if at < self.last_event_at:
            return False
        self.last_event_at = at
        if self.needed_since is None:
            self.needed_since, self.rounds, self.mails_sent = at, 0, 0
        self.reason, self.reason_code = reason, reason_code
        self.next_mail_at = self._next_round()
        return True

    def clear(self, at: datetime) -> bool:
        """The connection works again (or was disconnected by the customer); False if stale."""
        if at < self.last_event_at:
            return False
        self.last_event_at = at
        self.reason = self.reason_code = self.needed_since = self.next_mail_at = None
        return True

    def due(self, now: datetime) -> bool:
        return self.next_mail_at is not None and self.next_mail_at <= now

    def mailed(self, now: datetime, mails: int) -> None:
        """A round went out (to `mails` administrators, maybe none); plan the next."""
        self.rounds += 1
        self.mails_sent += mails
        self.last_mail_at = now
        self.next_mail_at = self._next_round()

    @property
    def reminder(self) -> bool:
        """The next round reminds of a mail sent before."""
        return self.rounds > 0

    def _next_round(self) -> datetime | None:
        if self.needed_since is None or self.rounds >= len(ROUNDS):
            return None
        planned = self.needed_since + ROUNDS[self.rounds]
        if self.last_mail_at is not None:
            planned = max(planned, self.last_mail_at + MIN_GAP)
        return planned


def first_notice(org_id: str, at: datetime) -> Notice:
    """An organisation never heard of: any event of it is newer."""
    return Notice(org_id, last_event_at=at)
