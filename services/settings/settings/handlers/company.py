"""Company info: kept from the tokens service's events, or rebuilt from its status API."""

import logging
from datetime import datetime

import psycopg
from servicekit.db import autocommit, transaction

from settings.adapters import repository
from settings.adapters.tokens import TokensUnavailable
from settings.bootstrap import SettingsContext
from settings.domain.company import CompanyInfo, Observation, merge

log = logging.getLogger(__name__)


def observe(conn: psycopg.Connection, org_id: str, seen: Observation) -> bool:
    """Apply one observation in the caller's transaction; True when the kept info changed."""
    updated = merge(repository.lock_company(conn, org_id), seen)
    if updated is not None:
        repository.save_company_info(conn, org_id, updated)
    return updated is not None


def _observation(envelope: dict, as_of: datetime, version: int | None) -> Observation:
    data = envelope["data"]
    return Observation(
        data.get("company_name"),
        data.get("organisation_number"),
        data.get("database_number"),
        as_of,
        envelope["type"],
        version,
    )


def on_company_updated(conn: psycopg.Connection, envelope: dict) -> None:
    data = envelope["data"]
    seen = _observation(envelope, data["observed_at"], data["version"])
    observe(conn, str(envelope["org_id"]), seen)


def on_token_connected(conn: psycopg.Connection, envelope: dict) -> None:
    """token.connected and token.upgraded: the facts at the moment of (re)connection."""
    data = envelope["data"]
    if not (data.get("company_name") or data.get("database_number")):
        return
    observe(conn, str(envelope["org_id"]), _observation(envelope, envelope["occurred_at"], None))


HANDLERS = {
    "company.updated": on_company_updated,
    "token.connected": on_token_connected,
    "token.upgraded": on_token_connected,
}


def current(ctx: SettingsContext, org_id: str) -> CompanyInfo | None:
    with ctx.pool.connection() as conn:
        return repository.company_info(conn, org_id)


def overview(ctx: SettingsContext, org_id: str) -> tuple[dict | None, CompanyInfo | None]:
    """The payment method and the company (what the settings page shows): two reads on one
    connection, without the round trips of a transaction."""
    with autocommit(ctx.pool) as conn:
        return repository.current_payment_method(conn, org_id), repository.company_info(
            conn, org_id
        )


def rebuild(ctx: SettingsContext, org_id: str) -> CompanyInfo | None:
    """Ask the tokens service for the facts as they are now; raises TokensUnavailable."""
    if ctx.tokens is None:
        raise TokensUnavailable("no internal key configured to ask the tokens service")
    asked_at = ctx.clock()
    status = ctx.tokens.status(org_id)
    if status.get("state") == "not_connected" or not (
        status.get("company_name") or status.get("database_number")
    ):
        return current(ctx, org_id)
    seen = Observation(
        status.get("company_name"),
        status.get("organisation_number"),
        status.get("database_number"),
        asked_at,
        "rebuild",
        status.get("company_version"),
    )
    with transaction(ctx.pool) as conn:
        if observe(conn, org_id, seen):
            log.info("company info rebuilt from the tokens service", extra={"org_id": org_id})
        return repository.company_info(conn, org_id)


def known_org_ids(ctx: SettingsContext) -> list[str]:
    with ctx.pool.connection() as conn:
        return repository.known_org_ids(conn)
