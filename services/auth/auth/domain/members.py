"""Members and roles of an organisation: who may act on it, and its last administrator."""

from auth.domain.errors import Conflict, Forbidden, InvalidInput

ROLES = ("administrator", "user")


def check_same_org(actor: dict, org_id: str) -> None:
    """Everyone acts only on their own organisation."""
    if actor["org_id"] != str(org_id):
        raise Forbidden()


def check_admin_of(actor: dict, org_id: str) -> None:
    """Inviting, removing and changing roles are for the organisation's administrators."""
    check_same_org(actor, org_id)
    if actor["role"] != "administrator":
        raise Forbidden("Bara administratörer kan göra detta.")


def is_last_admin(role: str, roles: list[str]) -> bool:
    """The member holds the organisation's only administrator role."""
    return role == "administrator" and roles.count("administrator") == 1


def check_removal(actor: dict, user_id: str, role: str, roles: list[str]) -> None:
    if str(user_id) == actor["user_id"]:
        raise Conflict("Du kan inte ta bort dig själv.")
    if is_last_admin(role, roles):
        raise Conflict("Den sista administratören kan inte tas bort.")


def check_role_change(new_role: str, role: str, roles: list[str]) -> None:
    if new_role not in ROLES:
        raise InvalidInput(fields={"role": "Rollen måste vara administrator eller user."})
    if new_role != role and is_last_admin(role, roles):
        raise Conflict("Organisationen måste ha minst en administratör.")


def membership_changed(user_id: str, org_id: str, change: str, role: str | None) -> dict:
    """The data of a membership.changed event (contracts: servicekit.contracts.auth)."""
    return {"user_id": str(user_id), "org_id": str(org_id), "change": change, "role": role}
