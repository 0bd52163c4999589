"""Konto: the signed-in user changes their own password."""

import logging

from auth.adapters.secrets import digest, new_secret
from auth.domain import mails, passwords
from auth.domain.errors import InvalidInput, SessionInvalid, WrongCurrentPassword
from auth.handlers import Services
from auth.handlers.recovery import password_problem, store_password
from auth.handlers.sessions import resolve_session
from auth.handlers.throttling import password_accepted, reserve_password_attempt

log = logging.getLogger(__name__)
SAME_AS_BEFORE = "Det nya lösenordet måste skilja sig från det nuvarande."


def _input_problems(me: dict, current_password: str, new_password: str) -> dict:
    """What is wrong with the form before any password is checked (nothing is counted yet)."""
    problems = {}
    if not current_password:
        problems["current_password"] = "Ange ditt nuvarande lösenord."
    elif len(current_password) > passwords.MAX_LENGTH:
        problems["current_password"] = f"Högst {passwords.MAX_LENGTH} tecken."
    new_problem = password_problem(me, new_password)
    if new_problem:
        problems["new_password"] = new_problem
    return problems


def change_password(
    svc: Services,
    session_token: str | None,
    current_password: str,
    new_password: str,
    client_address: str,
) -> dict:
    """Replace the password of the session's user and give the session a new id.

    The current password is checked under the log-in limits (the same counters), so this form
    gives nobody extra guesses. Every other session of the user ends, and the caller's continues
    under the returned new id with its old start time: a copy of the old cookie, wherever it
    went, stops working too, and the absolute lifetime is not extended.
    """
    me = resolve_session(svc, session_token)
    problems = _input_problems(me, current_password, new_password)
    if problems:
        raise InvalidInput(fields=problems)

    user_id = me["user_id"]
    with svc.accounts.transaction() as rows:
        attempt = reserve_password_attempt(rows, user_id, client_address, svc.clock())
        checked_hash = rows.user(user_id)["password_hash"]
    if not svc.hasher.verify(checked_hash, current_password):
        log.info("password change refused", extra={"user_id": user_id, "reason": "wrong_current"})
        raise WrongCurrentPassword()
    with svc.accounts.transaction() as rows:
        password_accepted(rows, attempt)
    if new_password == current_password:
        raise InvalidInput(fields={"new_password": SAME_AS_BEFORE})

    new_hash = svc.hasher.hash(new_password)  # slow: outside the transaction that locks the user
    raw, id_hash = new_secret()
    with svc.accounts.transaction() as rows:
        locked = rows.lock_user(user_id)
        session = rows.take_session(digest(session_token))
        # Logged out, disabled or the password changed by another request meanwhile: stop here.
        if session is None or locked["disabled_at"] or locked["password_hash"] != checked_hash:
            raise SessionInvalid()
        user = rows.user(user_id)
        store_password(svc, rows, user, new_hash, reason="changed")
        others = rows.delete_sessions_of(user_id)
        rows.insert_session(id_hash, user_id, svc.clock(), created_at=session["created_at"])
        message = mails.password_changed_in_account(user["name"], svc.link("/glomt-losenord"))
        rows.mail(svc.clock(), user["email"], message.subject, message.body)
    log.info("password changed", extra={"user_id": user_id, "other_sessions_ended": others})
    return {"session_token": raw, "other_sessions_ended": others}
