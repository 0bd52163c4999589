"""The mail worker rides out a PostgreSQL restart, a PostgreSQL outage and an SMTP outage: it
stays up, logs each outage once, and every mail queued is delivered once the server is back.

PostgreSQL is a cluster of the test's own (own_postgres), the worker a real process.
"""

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime

import psycopg
import pytest
from auth.adapters.mail import enqueue
from auth.entrypoints.api import MIGRATIONS
from servicekit import db
from servicekit.events.harness import stop_process, wait_for
from servicekit.mailsink import MailSink
from servicekit.migrate import migrate

from .conftest import INTERNAL_KEY

pytestmark = pytest.mark.slow


def queue_mail(url: str, recipient: str) -> None:
    with psycopg.connect(url) as conn, conn.transaction():
        enqueue(conn, datetime.now(UTC), recipient, "Prov", "En rad.")


def outstanding(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT recipient, attempts FROM mail_outbox WHERE sent_at IS NULL"
        ).fetchall()


def delivered_after(sink: MailSink, recipient: str, since: float) -> float:
    sink.wait_for(recipient, timeout=60)
    return round(time.monotonic() - since, 2)


def messages(log) -> list[str]:
    lines = log.read_text().splitlines()
    return [json.loads(line)["message"] for line in lines if line.startswith("{")]


def test_mail_worker_survives_postgresql_and_smtp_outages_and_delivers_every_mail(
    own_postgres, tmp_path
):
    url = db.with_database(own_postgres.url, "rf_auth")
    migrate(url, MIGRATIONS)
    sink = MailSink().start()
    env = {
        **os.environ,
        "AUTH_DATABASE_URL": url,
        "INTERNAL_API_KEY": INTERNAL_KEY,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(sink.port),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "mail-worker.log"
    recovery = {}
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "auth.entrypoints.mail_worker"],
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        queue_mail(url, "first@example.se")
        sink.wait_for("first@example.se", timeout=60)

        own_postgres.restart()
        back = time.monotonic()
        queue_mail(url, "after-restart@example.se")
        recovery["PostgreSQL restart"] = delivered_after(sink, "after-restart@example.se", back)

        own_postgres.stop()
        time.sleep(3)
        assert worker.poll() is None, "the mail worker exited while PostgreSQL was down"
        own_postgres.start()
        back = time.monotonic()
        queue_mail(url, "after-outage@example.se")
        recovery["PostgreSQL outage (3 s)"] = delivered_after(sink, "after-outage@example.se", back)

        sink.stop()
        queue_mail(url, "while-smtp-down@example.se")
        time.sleep(3)
        assert worker.poll() is None, "the mail worker exited while SMTP was down"
        # Kept, and not charged with the server's absence.
        assert outstanding(url) == [("while-smtp-down@example.se", 0)]
        sink = MailSink(port=sink.port).start()
        back = time.monotonic()
        recovery["SMTP outage (3 s)"] = delivered_after(sink, "while-smtp-down@example.se", back)
        wait_for(lambda: outstanding(url) == [], 30, "the mail to be marked sent")
    finally:
        assert stop_process(worker) == 0
        sink.stop()

    print("\nmail worker: seconds from the server's return to the mail's delivery")
    for fault, seconds in recovery.items():
        print(f"  {fault:<26} {seconds}")
    said = messages(log)
    assert said.count("postgresql unavailable; waiting for it and retrying") == 2
    assert said.count("postgresql is back") == 2
    assert said.count("smtp unavailable; waiting for it and retrying") == 1
    assert said.count("smtp is back") == 1
