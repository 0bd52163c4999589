"""The connection-notice consumer on the real RabbitMQ and PostgreSQL: one mail to each
administrator through the mail outbox, applied once however often an event is delivered,
reminders from the due-reminder sweep, nothing once the connection works again."""

import threading
import uuid

import pytest
from auth.adapters import repository
from auth.entrypoints.notices import build_consumer, send_reminders
from auth.handlers import notices
from servicekit.db import transaction
from servicekit.events.envelope import build
from servicekit.events.harness import running_consumer, wait_for

from .conftest import DEMO_ORG, PASSWORD, rows

SETTINGS_LINK = "https://apps.example.se/resultat-finans/installningar?flik=applikation"
ADMINS = ["kaisa@jlmdata.se", "stina@jlmdata.se"]


@pytest.fixture
def ctx(demo):
    """The demo organisation with a second administrator (Olle stays a plain user)."""
    with transaction(demo.pool) as conn:
        user_id = repository.insert_user(
            conn,
            email="stina@jlmdata.se",
            name="Stina Ek",
            password_hash=demo.hasher.hash(PASSWORD),
            verified_at=demo.clock(),
        )
        repository.add_member(conn, DEMO_ORG, user_id, "administrator")
    return demo


@pytest.fixture
def consumer(ctx, amqp_url, exchange_name):
    with running_consumer(build_consumer(ctx, amqp_url, exchange_name)) as running:
        yield running


def needed(clock, org_id=DEMO_ORG, reason="reauthorization", code="consent_withdrawn") -> dict:
    data = {"reason": reason, "reason_code": code, "kind": "oauth", "detail": "invalid_grant"}
    return build("token.attention_needed", org_id, data) | {"occurred_at": clock.now.isoformat()}


def cleared(clock, org_id: str = DEMO_ORG) -> dict:
    data = {"kind": "oauth", "previous_reason": "reauthorization"}
    return build("token.attention_cleared", org_id, data) | {"occurred_at": clock.now.isoformat()}


def applied(app, count: int):
    return lambda: rows(app, "SELECT count(*) AS n FROM inbox")[0]["n"] >= count


def queued(app) -> list[str]:
    return sorted(r["recipient"] for r in rows(app, "SELECT recipient FROM mail_outbox"))


def test_every_administrator_gets_one_swedish_mail_and_a_redelivery_changes_nothing(
    ctx, app, api, consumer, publish_event, clock, smtp_sink
):
    event = needed(clock)
    publish_event(event)
    publish_event(event)  # delivered again, as after a lost ack
    publish_event(needed(clock, str(uuid.uuid4())))  # one queue, one order: the marker comes last
    wait_for(applied(app, 2), what="both events")
    assert queued(app) == ADMINS
    assert api.deliver_mail() == 2
    mail = smtp_sink.wait_for("kaisa@jlmdata.se")
    assert mail["Subject"] == "Åtgärd krävs: koppla Resultat Finans till Fortnox igen"
    body = smtp_sink.body(mail)
    assert body.startswith("Hej Kaisa Jönsson!") and "Ny Token" in body
    assert "Behörigheten för Resultat Finans har tagits bort hos Fortnox för Jlmdata AB" in body
    assert smtp_sink.links(mail) == [SETTINGS_LINK]
    assert "invalid_grant" not in body  # the tokens service's words stay with operators
    assert not smtp_sink.to("olle@jlmdata.se")


def test_reminders_after_3_and_7_days_stop_when_the_connection_works_again(
    ctx, app, consumer, publish_event, clock
):
    publish_event(needed(clock, reason="legacy", code=None))
    wait_for(lambda: queued(app) == ADMINS, what="the first mails")
    clock.advance(days=2, hours=23)
    assert notices.send_due(ctx) == 0
    clock.advance(hours=1)
    assert notices.send_due(ctx) == 1
    subjects = {r["subject"] for r in rows(app, "SELECT subject FROM mail_outbox")}
    assert any(s.startswith("Påminnelse") for s in subjects)
    clock.advance(days=1)
    publish_event(cleared(clock))
    wait_for(applied(app, 2), what="token.attention_cleared")
    clock.advance(days=30)
    assert notices.send_due(ctx) == 0
    assert len(queued(app)) == 4


def test_the_portal_tile_says_when_resultat_finans_needs_action(
    ctx, app, api, consumer, publish_event, clock
):
    session = api.session_of()

    def attention() -> bool:
        answer = api.call("GET", f"/internal/organisations/{DEMO_ORG}/apps", session=session)
        return {a["key"]: a["attention"] for a in answer.get_json()["apps"]}["resultat-finans"]

    assert attention() is False
    publish_event(needed(clock))
    wait_for(attention, what="the tile to need action")
    clock.advance(minutes=5)
    publish_event(cleared(clock))
    wait_for(lambda: not attention(), what="the tile to be ok again")


def test_an_event_of_an_organisation_auth_does_not_know_mails_nobody(
    ctx, app, consumer, publish_event, clock
):
    publish_event(needed(clock, "not-a-uuid"))
    publish_event(needed(clock, str(uuid.uuid4())))
    wait_for(applied(app, 2), what="both events")
    assert queued(app) == []
    found = rows(app, "SELECT rounds, mails_sent FROM connection_notices ORDER BY org_id")
    assert [(r["rounds"], r["mails_sent"]) for r in found] == [(1, 0), (1, 0)]


def test_the_workers_reminder_loop_sends_what_falls_due_and_stops_when_asked(ctx, app, clock):
    at = clock.now
    with ctx.pool.connection() as conn, conn.transaction():
        envelope = {"org_id": DEMO_ORG, "occurred_at": at, "data": {"reason": "legacy"}}
        notices.on_attention_needed(ctx, conn, envelope)
    clock.advance(days=3)
    stop = threading.Event()
    worker = threading.Thread(target=send_reminders, args=(ctx, stop, 0.05))
    worker.start()
    try:
        wait_for(lambda: len(queued(app)) == 4, what="the reminder round")
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()
