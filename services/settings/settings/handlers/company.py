"""Company info: kept from the tokens service's events, or rebuilt from its status API.

A `record` is one organisation's company info, locked in a transaction (`current`, `save`):
the consumer's, or one of the store's own for a rebuild.
"""

import logging
from collections.abc import Callable
from typing import Any

from settings.domain.company import CompanyInfo, Observation, merge
from settings.domain.errors import TokensUnavailable
from settings.handlers import Services

log = logging.getLogger(__name__)

# token.connected and token.upgraded carry the facts at the moment of (re)connection.
EVENTS = ("company.updated", "token.connected", "token.upgraded")


def observe(record: Any, seen: Observation) -> bool:
    """Apply one observation to the locked record; True when the kept info changed."""
    updated = merge(record.current, seen)
    if updated is not None:
        record.save(updated)
    return updated is not None


def observation(envelope: dict) -> Observation | None:
    """What one of EVENTS says of the company; None when it says nothing of it."""
    data = envelope["data"]
    if envelope["type"] == "company.updated":
        as_of, version = data["observed_at"], data["version"]
    elif data.get("company_name") or data.get("database_number"):
        as_of, version = envelope["occurred_at"], None
    else:
        return None
    return Observation(
        data.get("company_name"),
        data.get("organisation_number"),
        data.get("database_number"),
        as_of,
        envelope["type"],
        version,
    )


def on_event(record_of: Callable[[str], Any], envelope: dict) -> None:
    """Apply one of EVENTS; `record_of(org_id)` locks the organisation's record."""
    seen = observation(envelope)
    if seen is not None:
        observe(record_of(str(envelope["org_id"])), seen)


def current(svc: Services, org_id: str) -> CompanyInfo | None:
    return svc.store.company(org_id)


def overview(svc: Services, org_id: str) -> tuple[dict | None, CompanyInfo | None]:
    """The payment method and the company: what the settings page shows."""
    return svc.store.overview(org_id)


def rebuild(svc: Services, org_id: str) -> CompanyInfo | None:
    """Ask the tokens service for the facts as they are now; raises TokensUnavailable."""
    if svc.tokens is None:
        raise TokensUnavailable("no internal key configured to ask the tokens service")
    asked_at = svc.clock()
    status = svc.tokens.status(org_id)
    if status.get("state") == "not_connected" or not (
        status.get("company_name") or status.get("database_number")
    ):
        return current(svc, org_id)
    seen = Observation(
        status.get("company_name"),
        status.get("organisation_number"),
        status.get("database_number"),
        asked_at,
        "rebuild",
        status.get("company_version"),
    )
    with svc.store.company_locked(org_id) as record:
        if observe(record, seen):
            log.info("company info rebuilt from the tokens service", extra={"org_id": org_id})
        return record.current


def known_org_ids(svc: Services) -> list[str]:
    return svc.store.org_ids()
