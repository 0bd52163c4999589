"""Telling administrators that their Fortnox connection needs them ("Ny Token").

The tokens service's token.attention_needed / token.attention_cleared events keep a notice per
organisation (applied once each, through the consumer's inbox, in its transaction); the mails
go through the mail outbox in that same transaction, so an event is mailed about once or, rolled
back, not at all. Reminders fall due later: `send_due` sends them, from any number of workers.
"""

import logging
from collections.abc import Callable

from psycopg import Connection
from servicekit.ids import canonical_uuid

from auth.adapters import mail, repository
from auth.adapters import notices as store
from auth.domain import mails
from auth.domain.notices import Notice
from auth.handlers import Services

log = logging.getLogger(__name__)
SETTINGS_PATH = "/resultat-finans/installningar?flik=applikation"


def on_attention_needed(svc: Services, conn: Connection, envelope: dict) -> None:
    if not envelope["org_id"]:
        return  # a connection always belongs to an organisation; nobody to tell
    org_id, at, data = str(envelope["org_id"]), envelope["occurred_at"], envelope["data"]
    notice = store.lock(conn, org_id, at)
    if notice.need(data["reason"], data.get("reason_code"), at):
        _mail_if_due(svc, conn, notice)
        store.save(conn, notice)


def on_attention_cleared(svc: Services, conn: Connection, envelope: dict) -> None:
    if not envelope["org_id"]:
        return
    org_id, at = str(envelope["org_id"]), envelope["occurred_at"]
    notice = store.lock(conn, org_id, at)
    if notice.clear(at):
        store.save(conn, notice)


def consumer_handlers(svc: Services) -> dict[str, Callable[[Connection, dict], None]]:
    return {
        "token.attention_needed": lambda conn, env: on_attention_needed(svc, conn, env),
        "token.attention_cleared": lambda conn, env: on_attention_cleared(svc, conn, env),
    }


def send_due(svc: Services, limit: int = 100) -> int:
    """Send the mail rounds that are due (reminders), one notice per transaction; rows locked
    by another worker are skipped. Returns how many rounds went out."""
    sent = 0
    for _ in range(limit):
        with svc.pool.connection() as conn, conn.transaction():
            notice = store.take_due(conn, svc.clock())
            if notice is None:
                break
            _mail_if_due(svc, conn, notice)
            store.save(conn, notice)
            sent += 1
    return sent


def needing_action(svc: Services) -> list[dict]:
    with svc.pool.connection() as conn:
        return store.needing_action(conn)


def _mail_if_due(svc: Services, conn: Connection, notice: Notice) -> None:
    now = svc.clock()
    if not notice.due(now):
        return
    org = repository.find_org(conn, notice.org_id) if _is_uuid(notice.org_id) else None
    admins = store.administrators(conn, notice.org_id) if org else []
    link = svc.link(SETTINGS_PATH)
    for admin in admins:
        message = mails.connection_needs_you(
            admin["name"], org["name"], (notice.reason_code, notice.reason), link, notice.reminder
        )
        mail.enqueue(conn, now, admin["email"], message.subject, message.body)
    notice.mailed(now, len(admins))
    log.info(
        "connection notice mailed",
        extra={
            "org_id": notice.org_id,
            "reason": notice.reason,
            "round": notice.rounds,
            "mails": len(admins),
        },
    )


def _is_uuid(value: str) -> bool:
    """Auth's organisations have uuid ids; another id cannot be one of them."""
    try:
        canonical_uuid(value)
    except ValueError:
        return False
    return True
