"""Invitations: an administrator invites, the invitee accepts or declines through the mailed
link, an administrator may withdraw. Whether the address has an account shows nowhere the
administrator looks: the answer, the list and the quotas are the same (domain/invitations.py)."""

import logging

from servicekit.db import transaction
from servicekit.events.outbox import publish

from auth.adapters import invitations as store
from auth.adapters import mail, repository
from auth.adapters.accounts import AccountRows
from auth.adapters.secrets import digest, new_secret
from auth.domain import fields, mails, members
from auth.domain.errors import InvalidInput, NotFound, TokenInvalid
from auth.domain.invitations import Invitation, check_move
from auth.domain.throttle import INVITE_ADMIN, INVITE_ORG
from auth.handlers import Services
from auth.handlers.links import MAX_TOKEN, PATHS
from auth.handlers.recovery import set_new_password
from auth.handlers.signup import publish_new_member
from auth.handlers.throttling import may_mail, password_accepted, reserve, reserve_password_attempt

log = logging.getLogger(__name__)
WRONG_PASSWORD = "Lösenordet stämmer inte med kontot för den här e-postadressen."


def invite(svc: Services, actor: dict, org_id: str, form: dict) -> dict:
    """Invite a colleague: the same answer, the same pending entry and the same quotas whether
    or not the address has an account; only the mail to the address differs."""
    members.check_admin_of(actor, org_id)
    name, name_error = fields.text(form.get("name"), "namn", fields.NAME_MAX)
    email, email_error = fields.email(form.get("email"))
    problems = {k: v for k, v in (("name", name_error), ("email", email_error)) if v}
    if problems:
        raise InvalidInput(fields=problems)
    now = svc.clock()
    with transaction(svc.pool) as conn:
        quotas = [(INVITE_ORG, f"invite-org:{org_id}")]
        reserve(
            AccountRows(conn), quotas + [(INVITE_ADMIN, f"invite-admin:{actor['user_id']}")], now
        )
        account = repository.find_user_by_email(conn, email)
        if account is not None and str(account["org_id"]) == str(org_id):
            raise InvalidInput(fields={"email": "Personen finns redan i er organisation."})
        store.withdraw_open(conn, org_id, email, now)
        raw, token_hash = new_secret()
        ttl = svc.settings.invite_ttl
        invitation_id = store.insert(
            conn,
            org_id=org_id,
            email=email,
            name=name,
            invited_by=actor["user_id"],
            token_hash=token_hash,
            now=now,
            expires_at=now + ttl,
        )
        if may_mail(AccountRows(conn), email, now):
            has_account = account is not None and account["password_hash"] is not None
            message = mails.invitation(
                account["name"] if has_account else name,
                actor["name"],
                actor["org_name"],
                svc.link(PATHS["invite"], raw),
                int(ttl.total_seconds() // 3600),
                has_account=has_account,
            )
            mail.enqueue(conn, now, email, message.subject, message.body)
    log.info("member invited", extra={"org_id": org_id, "invitation_id": invitation_id})
    return {"status": "invited"}


def pending(svc: Services, conn, org_id: str) -> list[dict]:
    return [i.listed() for i in store.pending_of_org(conn, org_id, svc.clock())]


def _open(svc: Services, conn, token: str | None) -> Invitation:
    """The pending invitation of a link, locked; anything else is TokenInvalid."""
    if not token or len(token) > MAX_TOKEN:
        raise TokenInvalid()
    invitation = store.by_token(conn, digest(token))
    if invitation is None or not invitation.pending(svc.clock()):
        raise TokenInvalid()
    return invitation


def describe(svc: Services, token: str | None) -> dict:
    """What the page behind the link shows the invitee: whether to choose a password or to log
    in (theirs to know: the link came to their address)."""
    with transaction(svc.pool) as conn:
        invitation = _open(svc, conn, token)
        org = repository.find_org(conn, invitation.org_id)
        account = repository.find_user_by_email(conn, invitation.email)
    return {
        "name": account["name"] if account else invitation.name,
        "email": invitation.email,
        "org_name": org["name"],
        "has_account": account is not None and account["password_hash"] is not None,
    }


def accept(svc: Services, token: str | None, password: str, client_address: str = "") -> None:
    """A new address becomes a member with the password chosen; an address with an account
    accepts with its password (counted like a log-in) and the account moves here."""
    with transaction(svc.pool) as conn:
        invitation = _open(svc, conn, token)
        account = repository.find_user_by_email(conn, invitation.email)
        if account is None or account["password_hash"] is None:
            _join_as_new(svc, conn, invitation, account, password)
            return
        attempt = reserve_password_attempt(
            AccountRows(conn), str(account["id"]), client_address, svc.clock()
        )
    usable = account["password_hash"] if account["disabled_at"] is None else None
    if not password or not svc.hasher.verify(usable, password):
        raise InvalidInput(fields={"password": WRONG_PASSWORD})
    with transaction(svc.pool) as conn:
        password_accepted(AccountRows(conn), attempt)
        invitation = _open(svc, conn, token)
        _move(svc, conn, invitation, account)


def _join_as_new(svc: Services, conn, invitation: Invitation, placeholder, password: str) -> None:
    if placeholder is not None:  # invited before invitations had a table, never accepted
        repository.delete_user(conn, placeholder["id"])
    user_id = repository.insert_user(
        conn, email=invitation.email, name=invitation.name, password_hash=None
    )
    org_id = str(invitation.org_id)
    user = {"id": user_id, "email": invitation.email, "username": None, "org_id": org_id}
    repository.add_member(conn, org_id, user_id, "user")
    publish_new_member(conn, org_id, user_id, invitation.name, "user", "invitation")
    set_new_password(svc, AccountRows(conn), user, password, reason="invitation")
    store.end(conn, invitation.id, "accepted", svc.clock())
    log.info("invitation accepted", extra={"org_id": org_id, "user_id": user_id})


def _move(svc: Services, conn, invitation: Invitation, account: dict) -> None:
    user_id, new_org = str(account["id"]), str(invitation.org_id)
    old_org = str(account["org_id"]) if account["org_id"] else None
    if old_org != new_org:
        roles = [m["role"] for m in repository.lock_members(conn, old_org)] if old_org else []
        check_move(account["role"], old_org, roles.count("administrator"))
        repository.leave(conn, user_id)
        repository.add_member(conn, new_org, user_id, "user")
        if old_org:
            data = {"user_id": user_id, "org_id": old_org, "change": "removed", "role": None}
            publish(conn, "membership.changed", old_org, data)
        data = {"user_id": user_id, "org_id": new_org, "change": "added", "role": "user"}
        publish(conn, "membership.changed", new_org, data)
    store.end(conn, invitation.id, "accepted", svc.clock())
    log.info("invitation accepted by an account", extra={"org_id": new_org, "user_id": user_id})


def decline(svc: Services, token: str | None) -> None:
    with transaction(svc.pool) as conn:
        invitation = _open(svc, conn, token)
        store.end(conn, invitation.id, "declined", svc.clock())
    log.info("invitation declined", extra={"org_id": str(invitation.org_id)})


def withdraw(svc: Services, actor: dict, org_id: str, invitation_id: str) -> None:
    members.check_admin_of(actor, org_id)
    with transaction(svc.pool) as conn:
        if not store.withdraw(conn, org_id, invitation_id, svc.clock()):
            raise NotFound("Inbjudan finns inte eller gäller inte längre.")
    log.info("invitation withdrawn", extra={"org_id": org_id, "invitation_id": invitation_id})
