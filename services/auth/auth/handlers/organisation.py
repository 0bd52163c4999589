"""Organisation and Administratörer: members, invitations, roles. Every use case takes the
acting user (from their session) and refuses any organisation but the actor's own."""

import logging

from servicekit.db import transaction
from servicekit.events.outbox import publish

from auth.adapters import mail, repository, store
from auth.domain import fields, mails
from auth.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from auth.domain.throttle import INVITE_ADMIN, INVITE_ORG
from auth.handlers import Services, links
from auth.handlers.recovery import set_new_password
from auth.handlers.signup import publish_new_member
from auth.handlers.throttling import may_mail, reserve

log = logging.getLogger(__name__)
ROLES = ("administrator", "user")


def _same_org(actor: dict, org_id: str) -> None:
    if actor["org_id"] != str(org_id):
        log.warning("cross-organisation access refused", extra={"user_id": actor["user_id"]})
        raise Forbidden()


def _admin_of(actor: dict, org_id: str) -> None:
    _same_org(actor, org_id)
    if actor["role"] != "administrator":
        raise Forbidden("Bara administratörer kan göra detta.")


def overview(svc: Services, actor: dict, org_id: str) -> dict:
    _same_org(actor, org_id)
    with svc.pool.connection() as conn:
        org = repository.find_org(conn, org_id)
        members = repository.members(conn, org_id)
    return {
        "id": str(org["id"]),
        "name": org["name"],
        "org_number": org["org_number"],
        "customer_number": org["customer_number"],
        "members": [{**m, "id": str(m["id"])} for m in members],
    }


def apps(svc: Services, actor: dict, org_id: str) -> list[dict]:
    _same_org(actor, org_id)
    with svc.pool.connection() as conn:
        return repository.org_apps(conn, org_id)


def invite(svc: Services, actor: dict, org_id: str, form: dict) -> dict:
    """Invite a colleague. An address that already has an account in another organisation
    gets the same answer (its owner a mail instead), so no administrator learns who is a
    customer; invitations are limited per organisation and per administrator."""
    _admin_of(actor, org_id)
    name, name_error = fields.text(form.get("name"), "namn", fields.NAME_MAX)
    email, email_error = fields.email(form.get("email"))
    problems = {k: v for k, v in (("name", name_error), ("email", email_error)) if v}
    if problems:
        raise InvalidInput(fields=problems)
    now = svc.clock()
    with transaction(svc.pool) as conn:
        quotas = [(INVITE_ORG, f"invite-org:{org_id}")]
        reserve(conn, quotas + [(INVITE_ADMIN, f"invite-admin:{actor['user_id']}")], now)
        org = repository.find_org(conn, org_id)
        existing = repository.find_user_by_email(conn, email)
        if existing is not None and str(existing["org_id"]) == str(org_id):
            raise InvalidInput(fields={"email": "Personen finns redan i er organisation."})
        if existing is not None:
            _tell_the_owner(svc, conn, existing, actor["name"], org["name"], now)
            return {"status": "invited"}
        user_id = repository.insert_user(conn, email=email, name=name, password_hash=None)
        repository.add_member(conn, org_id, user_id, "user")
        publish_new_member(conn, org_id, user_id, name, "user", "invitation")
        link = links.issue(svc, conn, "invite", user_id)
        hours = int(svc.settings.invite_ttl.total_seconds() // 3600)
        if may_mail(conn, email, now):
            message = mails.invitation(name, actor["name"], org["name"], link, hours)
            mail.enqueue(conn, now, email, message.subject, message.body)
    log.info("member invited", extra={"org_id": org_id, "user_id": user_id})
    return {"status": "invited"}


def _tell_the_owner(svc: Services, conn, owner: dict, inviter: str, company: str, now) -> None:
    if may_mail(conn, owner["email"], now):
        message = mails.invited_but_has_an_account(
            owner["name"], inviter, company, svc.link("/logga-in")
        )
        mail.enqueue(conn, now, owner["email"], message.subject, message.body)
    log.info("invitation of an address with an account", extra={"user_id": str(owner["id"])})


def accept_invitation(svc: Services, token: str | None, password: str) -> None:
    with transaction(svc.pool) as conn:
        user = links.take(svc, conn, "invite", token)
        set_new_password(svc, conn, user, password, reason="invitation")
        links.consume(svc, conn, "invite", str(user["id"]))


def _target(conn, org_id: str, user_id: str) -> tuple[dict, list[dict]]:
    members = repository.lock_members(conn, org_id)
    target = next((m for m in members if str(m["user_id"]) == str(user_id)), None)
    if target is None:
        raise NotFound("Medlemmen finns inte i organisationen.")
    return target, members


def _is_last_admin(target: dict, members: list[dict]) -> bool:
    admins = [m for m in members if m["role"] == "administrator"]
    return target["role"] == "administrator" and len(admins) == 1


def remove_member(svc: Services, actor: dict, org_id: str, user_id: str) -> None:
    """Remove the member's account: their sessions and links end with it."""
    _admin_of(actor, org_id)
    if str(user_id) == actor["user_id"]:
        raise Conflict("Du kan inte ta bort dig själv.")
    with transaction(svc.pool) as conn:
        target, members = _target(conn, org_id, user_id)
        if _is_last_admin(target, members):
            raise Conflict("Den sista administratören kan inte tas bort.")
        store.delete_sessions_of(conn, user_id)
        repository.delete_user(conn, user_id)
        publish(
            conn,
            "membership.changed",
            str(org_id),
            {"user_id": user_id, "org_id": org_id, "change": "removed", "role": None},
        )
    log.info("member removed", extra={"org_id": org_id, "user_id": str(user_id)})


def change_role(svc: Services, actor: dict, org_id: str, user_id: str, role: str) -> None:
    _admin_of(actor, org_id)
    if role not in ROLES:
        raise InvalidInput(fields={"role": "Rollen måste vara administrator eller user."})
    with transaction(svc.pool) as conn:
        target, members = _target(conn, org_id, user_id)
        if target["role"] == role:
            return
        if _is_last_admin(target, members):
            raise Conflict("Organisationen måste ha minst en administratör.")
        repository.set_role(conn, org_id, user_id, role)
        publish(
            conn,
            "membership.changed",
            str(org_id),
            {"user_id": user_id, "org_id": org_id, "change": "role_changed", "role": role},
        )
    log.info("role changed", extra={"org_id": org_id, "user_id": str(user_id), "role": role})


def disable_user(svc: Services, identifier: str) -> int:
    """An operator's action: the account can no longer log in and its sessions end now."""
    with transaction(svc.pool) as conn:
        user = repository.find_user_by_identifier(conn, identifier)
        if user is None:
            raise NotFound("Ingen sådan användare.")
        repository.disable_user(conn, user["id"], svc.clock())
        ended = store.delete_sessions_of(conn, user["id"])
        org_id = str(user["org_id"]) if user["org_id"] else None
        publish(conn, "user.disabled", org_id, {"user_id": user["id"], "org_id": org_id})
    return ended
