"""Outgoing mail: written to the mail outbox in the caller's transaction, handed to SMTP by the
mail worker, retried with growing pauses (servicekit.backoff, equal jitter) while SMTP refuses
it; an SMTP server that is down only delays the mail (a mail is never dropped)."""

import logging
import random
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from psycopg import Connection
from psycopg_pool import ConnectionPool
from servicekit.backoff import Policy
from servicekit.outage import SMTP, DependencyUnavailable

log = logging.getLogger(__name__)
CHANNEL = "auth_mail"
# The pause after SMTP refused a mail: 5 s doubling per refusal, at most a quarter of an hour.
REFUSED_PAUSE = Policy(base=5.0, cap=15 * 60.0)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    sender: str
    timeout: float = 10.0


def enqueue(conn: Connection, at: datetime, recipient: str, subject: str, body: str) -> str:
    mail_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO mail_outbox (id, recipient, subject, body, created_at, next_attempt_at)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (mail_id, recipient, subject, body, at, at),
    )
    conn.execute(f"NOTIFY {CHANNEL}")
    return mail_id


def send(server: SmtpServer, recipient: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="jimappar.se")
    message.set_content(body)
    with smtplib.SMTP(server.host, server.port, timeout=server.timeout) as smtp:
        smtp.send_message(message)


def unreachable(exc: OSError) -> bool:
    """True when the SMTP server could not be reached at all, False when it refused the mail."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return not isinstance(exc, smtplib.SMTPException)


def deliver_due(
    pool: ConnectionPool,
    server: SmtpServer,
    now: Callable[[], datetime],
    limit: int = 50,
) -> int:
    """Send the mails that are due, one transaction each; returns how many were sent.

    Rows are taken with SKIP LOCKED so several workers can run side by side. An SMTP server
    that cannot be reached raises DependencyUnavailable and leaves the mail as it was.
    """
    sent = 0
    for _ in range(limit):
        with pool.connection() as conn, conn.transaction():
            row = conn.execute(
                "SELECT * FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= %s"
                " ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED",
                (now(),),
            ).fetchone()
            if row is None:
                return sent
            try:
                send(server, row["recipient"], row["subject"], row["body"])
            except OSError as exc:  # smtplib's errors are OSErrors too
                if unreachable(exc):
                    # Not this mail's fault: it stays as it was (the transaction rolls back)
                    # and the worker waits for SMTP without counting an attempt against it.
                    raise DependencyUnavailable(SMTP, f"{type(exc).__name__}: {exc}") from exc
                pause = timedelta(seconds=REFUSED_PAUSE.delay(row["attempts"] + 1, random))
                conn.execute(
                    "UPDATE mail_outbox SET attempts = attempts + 1, last_error = %s,"
                    " next_attempt_at = %s WHERE id = %s",
                    (type(exc).__name__, now() + pause, row["id"]),
                )
                log.warning(
                    "mail not sent, will retry",
                    extra={"mail_id": str(row["id"]), "error": type(exc).__name__},
                )
                return sent
            conn.execute(
                "UPDATE mail_outbox SET sent_at = %s, body = NULL, attempts = attempts + 1"
                " WHERE id = %s",
                (now(), row["id"]),
            )
            log.info("mail sent", extra={"mail_id": str(row["id"])})
            sent += 1
    return sent
