"""One-time links (password reset, e-mail verification, invitation): issue, check, consume,
each on the `rows` of the caller's transaction (adapters.accounts.AccountRows)."""

from auth.adapters.secrets import digest, new_secret
from auth.domain.errors import TokenInvalid
from auth.handlers import Services

MAX_TOKEN = 128
PATHS = {
    "reset": "/aterstall-losenord",
    "verify": "/bekrafta-epost",
    "invite": "/inbjudan",
}


def issue(svc: Services, rows, purpose: str, user_id: str) -> str:
    """A new link for the user; the token itself exists only in the returned link. (An
    invitation's link belongs to the invitation: handlers/invitations.py.)"""
    ttl = {"reset": svc.settings.reset_ttl, "verify": svc.settings.verify_ttl}[purpose]
    raw, token_hash = new_secret()
    rows.insert_token(token_hash, purpose, user_id, svc.clock(), ttl)
    return svc.link(PATHS[purpose], raw)


def take(svc: Services, rows, purpose: str, token: str | None) -> dict:
    """The link's user, locked; the link is not consumed yet (see consume())."""
    if not token or len(token) > MAX_TOKEN:
        raise TokenInvalid()
    row = rows.usable_token(digest(token), purpose, svc.clock())
    user = rows.user(row["user_id"]) if row else None
    if user is None or user["disabled_at"] is not None:
        raise TokenInvalid()
    return user


def consume(svc: Services, rows, purpose: str, user_id: str) -> None:
    rows.use_tokens_of(user_id, purpose, svc.clock())


def describe(svc: Services, rows, purpose: str, token: str | None) -> dict:
    """What the page behind a link shows before the person acts."""
    user = take(svc, rows, purpose, token)
    org = rows.org(user["org_id"]) if user["org_id"] else None
    return {
        "name": user["name"],
        "email": user["email"],
        "org_name": org["name"] if org else None,
    }
