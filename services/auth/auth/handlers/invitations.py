"""Invitations: an administrator invites, the invitee accepts or declines through the mailed
link, an administrator may withdraw. Whether the address has an account shows nowhere the
administrator looks: the answer, the list and the quotas are the same (domain/invitations.py)."""

import logging

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
    with svc.accounts.transaction() as rows:
        quotas = [(INVITE_ORG, f"invite-org:{org_id}")]
        reserve(rows, quotas + [(INVITE_ADMIN, f"invite-admin:{actor['user_id']}")], now)
        account = rows.user_by_email(email)
        if account is not None and str(account["org_id"]) == str(org_id):
            raise InvalidInput(fields={"email": "Personen finns redan i er organisation."})
        rows.withdraw_open_invitations(org_id, email, now)
        raw, token_hash = new_secret()
        ttl = svc.settings.invite_ttl
        invitation_id = rows.insert_invitation(
            org_id=org_id,
            email=email,
            name=name,
            invited_by=actor["user_id"],
            token_hash=token_hash,
            now=now,
            expires_at=now + ttl,
        )
        if may_mail(rows, email, now):
            has_account = account is not None and account["password_hash"] is not None
            message = mails.invitation(
                account["name"] if has_account else name,
                actor["name"],
                actor["org_name"],
                svc.link(PATHS["invite"], raw),
                int(ttl.total_seconds() // 3600),
                has_account=has_account,
            )
            rows.mail(now, email, message.subject, message.body)
    log.info("member invited", extra={"org_id": org_id, "invitation_id": invitation_id})
    return {"status": "invited"}


def pending(svc: Services, rows, org_id: str) -> list[dict]:
    return [i.listed() for i in rows.pending_invitations(org_id, svc.clock())]


def _open(svc: Services, rows, token: str | None) -> Invitation:
    """The pending invitation of a link, locked; anything else is TokenInvalid."""
    if not token or len(token) > MAX_TOKEN:
        raise TokenInvalid()
    invitation = rows.invitation_by_token(digest(token))
    if invitation is None or not invitation.pending(svc.clock()):
        raise TokenInvalid()
    return invitation


def describe(svc: Services, token: str | None) -> dict:
    """What the page behind the link shows the invitee: whether to choose a password or to log
    in (theirs to know: the link came to their address)."""
    with svc.accounts.transaction() as rows:
        invitation = _open(svc, rows, token)
        org = rows.org(invitation.org_id)
        account = rows.user_by_email(invitation.email)
    return {
        "name": account["name"] if account else invitation.name,
        "email": invitation.email,
        "org_name": org["name"],
        "has_account": account is not None and account["password_hash"] is not None,
    }


def accept(svc: Services, token: str | None, password: str, client_address: str = "") -> None:
    """A new address becomes a member with the password chosen; an address with an account
    accepts with its password (counted like a log-in) and the account moves here."""
    with svc.accounts.transaction() as rows:
        invitation = _open(svc, rows, token)
        account = rows.user_by_email(invitation.email)
        if account is None or account["password_hash"] is None:
            _join_as_new(svc, rows, invitation, account, password)
            return
        attempt = reserve_password_attempt(rows, str(account["id"]), client_address, svc.clock())
    usable = account["password_hash"] if account["disabled_at"] is None else None
    if not password or not svc.hasher.verify(usable, password):
        raise InvalidInput(fields={"password": WRONG_PASSWORD})
    with svc.accounts.transaction() as rows:
        password_accepted(rows, attempt)
        invitation = _open(svc, rows, token)
        _move(svc, rows, invitation, account)


def _join_as_new(svc: Services, rows, invitation: Invitation, placeholder, password: str) -> None:
    if placeholder is not None:  # invited before invitations had a table, never accepted
        rows.delete_user(placeholder["id"])
    user_id = rows.insert_user(email=invitation.email, name=invitation.name, password_hash=None)
    org_id = str(invitation.org_id)
    user = {"id": user_id, "email": invitation.email, "username": None, "org_id": org_id}
    rows.add_member(org_id, user_id, "user")
    publish_new_member(rows, org_id, user_id, invitation.name, "user", "invitation")
    set_new_password(svc, rows, user, password, reason="invitation")
    rows.end_invitation(invitation.id, "accepted", svc.clock())
    log.info("invitation accepted", extra={"org_id": org_id, "user_id": user_id})


def _move(svc: Services, rows, invitation: Invitation, account: dict) -> None:
    user_id, new_org = str(account["id"]), str(invitation.org_id)
    old_org = str(account["org_id"]) if account["org_id"] else None
    if old_org != new_org:
        roles = rows.lock_roles(old_org) if old_org else []
        check_move(account["role"], old_org, roles.count("administrator"))
        rows.leave(user_id)
        rows.add_member(new_org, user_id, "user")
        if old_org:
            data = {"user_id": user_id, "org_id": old_org, "change": "removed", "role": None}
            rows.publish("membership.changed", old_org, data)
        data = {"user_id": user_id, "org_id": new_org, "change": "added", "role": "user"}
        rows.publish("membership.changed", new_org, data)
    rows.end_invitation(invitation.id, "accepted", svc.clock())
    log.info("invitation accepted by an account", extra={"org_id": new_org, "user_id": user_id})


def decline(svc: Services, token: str | None) -> None:
    with svc.accounts.transaction() as rows:
        invitation = _open(svc, rows, token)
        rows.end_invitation(invitation.id, "declined", svc.clock())
    log.info("invitation declined", extra={"org_id": str(invitation.org_id)})


def withdraw(svc: Services, actor: dict, org_id: str, invitation_id: str) -> None:
    members.check_admin_of(actor, org_id)
    with svc.accounts.transaction() as rows:
        if not rows.withdraw_invitation(org_id, invitation_id, svc.clock()):
            raise NotFound("Inbjudan finns inte eller gäller inte längre.")
    log.info("invitation withdrawn", extra={"org_id": org_id, "invitation_id": invitation_id})
