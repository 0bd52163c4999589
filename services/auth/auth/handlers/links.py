"""One-time links (password reset, e-mail verification, invitation): issue, check, consume."""

from psycopg import Connection

from auth.adapters import repository, store
from auth.adapters.secrets import digest, new_secret
from auth.bootstrap import AuthContext
from auth.domain.errors import TokenInvalid

MAX_TOKEN = 128
PATHS = {
    "reset": "/aterstall-losenord",
    "verify": "/bekrafta-epost",
    "invite": "/inbjudan",
}


def issue(ctx: AuthContext, conn: Connection, purpose: str, user_id: str) -> str:
    """A new link for the user; the token itself exists only in the returned link."""
    ttl = {"reset": ctx.reset_ttl, "verify": ctx.verify_ttl, "invite": ctx.invite_ttl}[purpose]
    raw, token_hash = new_secret()
    store.insert_token(conn, token_hash, purpose, user_id, ctx.now(), ttl)
    return ctx.link(PATHS[purpose], raw)


def take(ctx: AuthContext, conn: Connection, purpose: str, token: str | None) -> dict:
    """The link's user, locked; the link is not consumed yet (see consume())."""
    if not token or len(token) > MAX_TOKEN:
        raise TokenInvalid()
    row = store.usable_token(conn, digest(token), purpose, ctx.now(), lock=True)
    user = repository.find_user(conn, row["user_id"]) if row else None
    if user is None or user["disabled_at"] is not None:
        raise TokenInvalid()
    return user


def consume(ctx: AuthContext, conn: Connection, purpose: str, user_id: str) -> None:
    store.use_tokens_of(conn, user_id, purpose, ctx.now())


def describe(ctx: AuthContext, conn: Connection, purpose: str, token: str | None) -> dict:
    """What the page behind a link shows before the person acts."""
    user = take(ctx, conn, purpose, token)
    org = repository.find_org(conn, user["org_id"]) if user["org_id"] else None
    return {
        "name": user["name"],
        "email": user["email"],
        "org_name": org["name"] if org else None,
    }
