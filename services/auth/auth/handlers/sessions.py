"""Log-in, session look-up and log-out."""

import logging

from servicekit.security import ANONYMOUS, security_event

from auth.adapters.secrets import digest, new_secret
from auth.domain import fields, passwords
from auth.domain.errors import EmailNotVerified, InvalidCredentials, InvalidInput, SessionInvalid
from auth.handlers import Services
from auth.handlers.throttling import password_accepted, reserve_password_attempt

log = logging.getLogger(__name__)
MAX_SESSION_TOKEN = 128


def _can_log_in(user: dict | None) -> bool:
    return bool(user and user["password_hash"] and user["disabled_at"] is None and user["org_id"])


def log_in(svc: Services, identifier: str, password: str, client_address: str) -> dict:
    """A new session for the right user name (or e-mail) and password.

    Unknown users, disabled users and wrong passwords take the same path and the same time and
    end in the same InvalidCredentials.
    """
    identifier, error = fields.text(identifier, "användarnamn eller e-post", fields.IDENTIFIER_MAX)
    problems = {"identifier": error} if error else {}
    if not password:
        problems["password"] = "Ange lösenord."
    elif len(password) > passwords.MAX_LENGTH:
        problems["password"] = f"Högst {passwords.MAX_LENGTH} tecken."
    if problems:
        raise InvalidInput(fields=problems)

    now = svc.clock()
    with svc.accounts.transaction() as rows:
        user = rows.user_by_identifier(identifier)
        account = str(user["id"]) if user else identifier.casefold()
        attempt = reserve_password_attempt(rows, account, client_address, now)

    stored_hash = user["password_hash"] if _can_log_in(user) else None
    if not svc.hasher.verify(stored_hash, password):
        # the account's id, never what was typed (a password in the wrong field, say)
        target = str(user["id"]) if user else "unknown-account"
        org_id = str(user["org_id"]) if user and user["org_id"] else None
        security_event(
            "login_failed",
            actor=ANONYMOUS,
            target=target,
            org_id=org_id,
            client_address=client_address,
        )
        raise InvalidCredentials()

    with svc.accounts.transaction() as rows:
        password_accepted(rows, attempt)
    if user["email_verified_at"] is None:
        raise EmailNotVerified()

    raw, id_hash = new_secret()
    with svc.accounts.transaction() as rows:
        if svc.hasher.needs_rehash(stored_hash):
            rows.set_password(user["id"], svc.hasher.hash(password))
        rows.insert_session(id_hash, user["id"], now)
    log.info("logged in", extra={"user_id": str(user["id"])})
    return {"session_token": raw, "user_id": str(user["id"]), "org_id": str(user["org_id"])}


def resolve_session(svc: Services, token: str | None, *, with_apps: bool = False) -> dict:
    """Who the session belongs to (and, `with_apps`, the apps of their organisation: what every
    page needs, in one call); an expired or unknown session is SessionInvalid.

    Each statement stands alone (no transaction): a page view costs one query, plus the write of
    its last use at most once a minute (domain.sessions.TOUCH_EVERY)."""
    if not token or len(token) > MAX_SESSION_TOKEN:
        raise SessionInvalid()
    id_hash, now = digest(token), svc.clock()
    with svc.sessions.reading() as rows:
        row = rows.find(id_hash, with_apps=with_apps)
        if row is None:
            raise SessionInvalid()
        if row["disabled_at"] is not None or svc.settings.lifetime.expired(
            row["created_at"], row["last_seen_at"], now
        ):
            rows.delete(id_hash)
            raise SessionInvalid()
        if svc.settings.lifetime.due_for_touch(row["last_seen_at"], now):
            rows.touch(id_hash, now)
    me = {
        "user_id": str(row["user_id"]),
        "name": row["name"],
        "email": row["email"],
        "username": row["username"],
        "org_id": str(row["org_id"]),
        "org_name": row["org_name"],
        "org_number": row["org_number"],
        "customer_number": row["customer_number"],
        "role": row["role"],
    }
    return me | {"apps": row["apps"]} if with_apps else me


def log_out(svc: Services, token: str | None) -> None:
    if not token or len(token) > MAX_SESSION_TOKEN:
        return
    with svc.accounts.transaction() as rows:
        rows.delete_session(digest(token))
