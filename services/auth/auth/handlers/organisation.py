"""Organisation and Administratörer: details, members, roles. Every use case takes the acting
user (from their session) and refuses any organisation but the actor's own (domain/members.py);
invitations are handlers/invitations.py."""

import logging

from servicekit.db import transaction
from servicekit.events.outbox import publish

from auth.adapters import repository, store
from auth.adapters.accounts import AccountRows
from auth.domain import members
from auth.domain.errors import NotFound
from auth.handlers import Services, invitations

log = logging.getLogger(__name__)


def overview(svc: Services, actor: dict, org_id: str) -> dict:
    """The details, the members and the pending invitations (each invitation alike)."""
    members.check_same_org(actor, org_id)
    with svc.pool.connection() as conn:
        org = repository.find_org(conn, org_id)
        listed = repository.members(conn, org_id)
        pending = invitations.pending(svc, AccountRows(conn), org_id)
    return {
        "id": str(org["id"]),
        "name": org["name"],
        "org_number": org["org_number"],
        "customer_number": org["customer_number"],
        "members": [{**m, "id": str(m["id"])} for m in listed],
        "invitations": pending,
    }


def apps(svc: Services, actor: dict, org_id: str) -> list[dict]:
    members.check_same_org(actor, org_id)
    with svc.pool.connection() as conn:
        return repository.org_apps(conn, org_id)


def _role_of(locked, user_id: str) -> str:
    role = locked.roles.get(str(user_id))
    if role is None:
        raise NotFound("Medlemmen finns inte i organisationen.")
    return role


def remove_member(svc: Services, actor: dict, org_id: str, user_id: str) -> None:
    """Remove the member's account: their sessions and links end with it."""
    members.check_admin_of(actor, org_id)
    with svc.directory.members_of(org_id) as locked:
        role = _role_of(locked, user_id)
        members.check_removal(actor, user_id, role, list(locked.roles.values()))
        locked.remove(user_id)
        locked.publish(
            "membership.changed", members.membership_changed(user_id, org_id, "removed", None)
        )
    log.info("member removed", extra={"org_id": org_id, "user_id": str(user_id)})


def change_role(svc: Services, actor: dict, org_id: str, user_id: str, role: str) -> None:
    members.check_admin_of(actor, org_id)
    with svc.directory.members_of(org_id) as locked:
        current = _role_of(locked, user_id)
        members.check_role_change(role, current, list(locked.roles.values()))
        if current == role:
            return
        locked.set_role(user_id, role)
        locked.publish(
            "membership.changed", members.membership_changed(user_id, org_id, "role_changed", role)
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
