"""When administrators hear about a connection that needs them: the schedule's rules, with the
clock in the test's hand (domain/notices.py)."""

from datetime import UTC, datetime, timedelta

from auth.domain.notices import Notice, first_notice

T0 = datetime(2026, 11, 30, 13, 5, tzinfo=UTC)


def _needed(at: datetime = T0, reason: str = "reauthorization") -> Notice:
    notice = first_notice("org", at)
    assert notice.need(reason, "detail", at)
    return notice


def _round(notice: Notice, now: datetime) -> bool:
    """What a worker does at `now`: send the round when it is due."""
    if notice.due(now):
        notice.mailed(now, 2)
        return True
    return False


def _rounds_over(notice: Notice, days: int, step: timedelta = timedelta(hours=1)) -> list[float]:
    """Days (after T0) at which rounds went out, a worker looking every `step`."""
    sent, now = [], T0
    while now <= T0 + timedelta(days=days):
        if _round(notice, now):
            sent.append((now - T0) / timedelta(days=1))
        now += step
    return sent


def test_the_first_mail_is_due_at_once():
    notice = _needed()
    assert notice.due(T0) and not notice.reminder
    notice.mailed(T0, 2)
    assert (notice.rounds, notice.mails_sent, notice.last_mail_at) == (1, 2, T0)
    assert notice.reminder


def test_reminders_come_after_3_and_after_7_days_and_then_nothing():
    assert _rounds_over(_needed(), days=30) == [0, 3, 7]


def test_nothing_is_due_once_the_connection_is_ok_again():
    notice = _needed()
    notice.mailed(T0, 1)
    assert notice.clear(T0 + timedelta(days=1))
    assert not notice.needed and notice.next_mail_at is None
    assert not notice.due(T0 + timedelta(days=3)) and not notice.due(T0 + timedelta(days=365))


def test_at_most_one_mail_a_day_however_often_the_connection_breaks():
    notice = _needed()
    notice.mailed(T0, 1)
    notice.clear(T0 + timedelta(hours=1))
    notice.need("reauthorization", None, T0 + timedelta(hours=2))  # a new need, same day
    assert not notice.due(T0 + timedelta(hours=23))
    assert notice.due(T0 + timedelta(days=1))
    assert notice.rounds == 0  # it is the first mail about this need


def test_a_changed_reason_keeps_the_schedule_of_the_need():
    notice = _needed(reason="legacy")
    notice.mailed(T0, 1)
    notice.need("migration_refused", "refused", T0 + timedelta(hours=5))
    assert notice.reason == "migration_refused" and notice.needed_since == T0
    assert notice.next_mail_at == T0 + timedelta(days=3)


def test_an_older_event_arriving_late_changes_nothing():
    notice = _needed(T0 + timedelta(minutes=5))
    assert not notice.clear(T0)  # the clear happened before the need it would end
    assert notice.needed and notice.due(T0 + timedelta(minutes=5))
    cleared = _needed()
    cleared.clear(T0 + timedelta(minutes=5))
    assert not cleared.need("legacy", None, T0 + timedelta(minutes=1))
    assert not cleared.needed


def test_a_late_mail_round_does_not_squeeze_the_reminders_together():
    notice = _needed()
    notice.mailed(T0 + timedelta(days=2, hours=23), 1)  # the first round went out late
    assert notice.next_mail_at == T0 + timedelta(days=3, hours=23)


def test_the_mail_says_what_happened_by_the_most_precise_reason_it_knows():
    from auth.domain.mails import connection_needs_you

    def text(reasons):
        return connection_needs_you("Kaisa", "Jlmdata AB", reasons, "https://x/", False).body

    assert "tagits bort hos Fortnox" in text(("consent_withdrawn", "reauthorization"))
    assert "tar inte längre emot" in text(("grant_invalid", "reauthorization"))
    assert "gamla, permanenta token" in text((None, "legacy"))
    assert "behöver åtgärdas" in text((None, "something_new"))
    reminder = connection_needs_you("Kaisa", "Jlmdata AB", (None, "legacy"), "https://x/", True)
    assert reminder.subject.startswith("Påminnelse – åtgärd krävs")
