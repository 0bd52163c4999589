"""Glömt lösenord: ask for a reset link, then set a new password with it."""

import logging

from auth.domain import fields, mails, passwords
from auth.domain.errors import InvalidInput
from auth.domain.throttle import MAIL_ADDRESS, RESET_ACCOUNT
from auth.handlers import Services, links
from auth.handlers.throttling import may_mail, within_limits

log = logging.getLogger(__name__)


def request_reset(svc: Services, identifier: str, client_address: str) -> None:
    """Mail a reset link when the account exists; the caller's answer is the same either way."""
    identifier, error = fields.text(identifier, "användarnamn eller e-post", fields.IDENTIFIER_MAX)
    if error:
        raise InvalidInput(fields={"identifier": error})
    now = svc.clock()
    with svc.accounts.transaction() as rows:
        user = rows.user_by_identifier(identifier)
        account = str(user["id"]) if user else identifier.casefold()
        checks = [
            (RESET_ACCOUNT, f"reset-account:{account}"),
            (MAIL_ADDRESS, f"mail-address:{client_address}"),
        ]
        if not within_limits(rows, checks, now):
            log.info("reset request over the limit, no mail")
            return
        if user is None or user["disabled_at"] is not None or user["org_id"] is None:
            return
        if not may_mail(rows, user["email"], now):
            log.info("reset mails to this recipient over the limit, no mail")
            return
        link = links.issue(svc, rows, "reset", str(user["id"]))
        minutes = int(svc.settings.reset_ttl.total_seconds() // 60)
        message = mails.password_reset(user["name"], link, minutes)
        rows.mail(svc.clock(), user["email"], message.subject, message.body)
    log.info("password reset link issued", extra={"user_id": str(user["id"])})


def check_link(svc: Services, purpose: str, token: str | None) -> dict:
    with svc.accounts.transaction() as rows:
        return links.describe(svc, rows, purpose, token)


def complete_reset(svc: Services, token: str | None, password: str) -> None:
    """Set the new password and end every session of the user; it does not log anyone in."""
    with svc.accounts.transaction() as rows:
        user = links.take(svc, rows, "reset", token)
        set_new_password(svc, rows, user, password, reason="reset")
        links.consume(svc, rows, "reset", str(user["id"]))
        ended = rows.delete_sessions_of(user["id"])
        message = mails.password_changed(user["name"], svc.link("/glomt-losenord"))
        rows.mail(svc.clock(), user["email"], message.subject, message.body)
    log.info("password reset", extra={"user_id": str(user["id"]), "sessions_ended": ended})


def password_problem(user: dict, password: str) -> str | None:
    """Why the password cannot be this user's (Swedish, for the form), or None."""
    context = (user["email"], user["username"] or "", user["email"].split("@")[0])
    problems = passwords.problems(password, context=context)
    return problems[0] if problems else None


def set_new_password(svc: Services, rows, user: dict, password: str, *, reason: str) -> None:
    """Check and store a password; following a mailed link also proves the e-mail address."""
    problem = password_problem(user, password)
    if problem:
        raise InvalidInput(fields={"password": problem})
    store_password(svc, rows, user, svc.hasher.hash(password), reason=reason)


def store_password(svc: Services, rows, user: dict, password_hash: str, *, reason: str) -> None:
    """Replace the hash and publish user.password_changed (and user.verified the first time)."""
    rows.set_password(user["id"], password_hash)
    org_id = str(user["org_id"])
    if rows.mark_verified(user["id"], svc.clock()):
        rows.publish("user.verified", org_id, {"user_id": user["id"], "org_id": org_id})
    rows.publish(
        "user.password_changed",
        org_id,
        {"user_id": user["id"], "org_id": org_id, "reason": reason},
    )
