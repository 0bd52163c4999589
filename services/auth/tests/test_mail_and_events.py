"""Mail survives an SMTP outage; events never carry a password or token."""

import json
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from auth import config as auth_config
from auth.entrypoints import mail_worker
from servicekit.events.harness import wait_for
from servicekit.mailsink import MailSink, free_port
from servicekit.outage import DependencyUnavailable

from .conftest import PASSWORD, rows


def test_mail_waits_untouched_while_smtp_is_unreachable_and_goes_as_soon_as_it_is_back(
    demo, api, app
):
    ctx = app.extensions["auth"]
    ctx.smtp = type(ctx.smtp)(host="127.0.0.1", port=free_port(), sender=ctx.smtp.sender)
    assert api.post("/internal/password-resets", {"identifier": "900232"}).status_code == 202
    with pytest.raises(DependencyUnavailable):
        api.deliver_mail()
    pending = rows(app, "SELECT attempts, sent_at, body FROM mail_outbox")
    assert pending[0]["attempts"] == 0 and pending[0]["sent_at"] is None and pending[0]["body"]

    sink = MailSink().start()
    ctx.smtp = type(ctx.smtp)(host="127.0.0.1", port=sink.port, sender=ctx.smtp.sender)
    try:
        assert api.deliver_mail() == 1  # no pause: the server was away, the mail was fine
        assert "Återställ" in sink.wait_for("kaisa@jlmdata.se")["Subject"]
    finally:
        sink.stop()
    sent = rows(app, "SELECT attempts, sent_at, body FROM mail_outbox")[0]
    assert sent["attempts"] == 1 and sent["sent_at"] is not None and sent["body"] is None


def test_mail_smtp_refuses_is_kept_and_retried_after_a_pause(demo, api, app, clock, smtp_sink):
    ctx = app.extensions["auth"]
    ctx.smtp = type(ctx.smtp)(host="127.0.0.1", port=smtp_sink.port, sender=ctx.smtp.sender)
    smtp_sink.refuse_with = "451 Try again later"
    assert api.post("/internal/password-resets", {"identifier": "900232"}).status_code == 202
    assert api.deliver_mail() == 0
    pending = rows(app, "SELECT attempts, sent_at, body FROM mail_outbox")
    assert pending[0]["attempts"] == 1 and pending[0]["sent_at"] is None and pending[0]["body"]

    smtp_sink.refuse_with = None
    assert api.deliver_mail() == 0  # not due yet: the pause after a refusal
    clock.advance(seconds=5)
    assert api.deliver_mail() == 1
    assert "Återställ" in smtp_sink.wait_for("kaisa@jlmdata.se")["Subject"]
    sent = rows(app, "SELECT attempts, sent_at, body FROM mail_outbox")[0]
    assert sent["attempts"] == 2 and sent["sent_at"] is not None and sent["body"] is None


@contextmanager
def running_mail_worker(auth_env):
    stop = threading.Event()
    worker = threading.Thread(
        target=mail_worker.run,
        args=(auth_config.load(auth_env), stop),
        kwargs={"setup_logs": False, "poll_seconds": 0.2},
    )
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join()


def test_mail_worker_sends_a_queued_mail_promptly(demo, api, auth_env, smtp_sink):
    with running_mail_worker(auth_env):
        assert api.post("/internal/password-resets", {"identifier": "900232"}).status_code == 202
        mail = smtp_sink.wait_for("kaisa@jlmdata.se")
        assert mail["From"] == "JIM Appar <no-reply@jimappar.se>"


def test_mail_worker_deletes_throttling_events_that_no_longer_count(demo, app, auth_env):
    now = datetime.now(UTC)
    with app.extensions["db_pool"].connection() as conn:
        for key, at in (("login-address:203.0.113.9", now - timedelta(days=2)), ("kept", now)):
            conn.execute("INSERT INTO throttle_events (key, at) VALUES (%s, %s)", (key, at))

    def only_the_recent_one_is_left() -> bool:
        return {r["key"] for r in rows(app, "SELECT key FROM throttle_events")} == {"kept"}

    with running_mail_worker(auth_env):
        wait_for(only_the_recent_one_is_left, what="the old throttling event to go")


def test_events_carry_no_passwords_or_tokens(demo, api, app, smtp_sink):
    api.post(
        "/internal/registrations",
        {
            "company_name": "Hemlig AB",
            "org_number": "556016-0680",
            "name": "Henrik",
            "email": "henrik@hemlig.se",
            "password": "henrik's secret phrase",
        },
    )
    session = api.session_of()
    api.post("/internal/password-resets", {"identifier": "900232"})
    api.deliver_mail()
    links = [link for m in smtp_sink.messages for link in MailSink.links(m)]
    reset = [link for link in links if "aterstall" in link][0].split("t=")[1]
    api.post(
        "/internal/password-resets/complete", {"token": reset, "password": "the new secret phrase"}
    )
    everything = json.dumps([r["envelope"] for r in rows(app, "SELECT envelope FROM outbox")])
    secrets = [PASSWORD, "henrik's secret phrase", "the new secret phrase", session, reset]
    secrets += [link.split("t=")[1] for link in links if "t=" in link]
    assert "user.password_changed" in everything
    for secret in secrets:
        assert secret not in everything
